// `mynacert notices run | list | pickup`: the expiry-notice batch (issue 6, R-NOT; the card's
// own expiry notice with the 交付申請書, R-CARD-1) over notices/notices.h, and the 交付通知書 of a
// card renewal (R-CARD-2) over notices/pickup_notice.h.
//
//   mynacert notices run --date 2026-05-01 [--home DIR] [--out DIR] [--no-pdf] [--json]
//   mynacert notices list --date 2026-05-01 [--home DIR] [--json]
//   mynacert notices pickup --application ID --out FILE [--home DIR] [--date|--today D]
//                           [--booking-url URL] [--clerk NAME] [--json]
//
// `pickup` renders the 交付通知書 of a produced (or already notified) application and marks it
// notified (counter::MarkNotified); the file is written atomically with mode 0600, `--out -`
// writes the PDF to stdout. The global --database and --profiles-dir apply as everywhere.
//
// Everything lives under --home (default $MYNACERT_HOME, else ./mynacert-home) as for the
// counter: the residents and certificates in counter.db, the notices recorded there too. The
// letters and CSVs go to --out (default <home>/notices)/<date>/. The reservation IDs of the
// city's notices (R-NOT-3) come from the reservations store in the same counter.db.
// A run is idempotent per day and resumes a stopped run; --no-pdf records and writes the CSV
// only (for benchmarks). A progress bar goes to stderr when it is a terminal.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cli/format.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "counter/card_renewal.h"
#include "counter/store.h"
#include "counter/workspace.h"
#include "notices/notice_json.h"
#include "notices/notices.h"
#include "notices/pickup_notice.h"
#include "pki/key_file.h"
#include "reservations/reservations.h"

namespace mynacert::cli {
namespace {

using nlohmann::json;

struct NoticeFlags {
  std::string home;
  std::string out;
  std::string booking_url;  // the residents' page on the letters (QR code), "" = profile's or none
  std::string date;
  bool no_pdf = false;
  bool json = false;
  // pickup: the application and who marks it notified (the PDF goes to --out).
  std::string application;
  std::string clerk = "notices";
  std::string audit_key;  // --audit-key: env:/file:, else <home>/audit.key

  std::filesystem::path Home() const { return HomeDir(home); }
  Result<Date> Day() const {
    if (date.empty()) return RealClock().TodayJst();
    return Date::Parse(date, "--date");
  }
};

// The home's stores with the audit log keyed (counter/workspace.h): the card notices open
// their applications with an audit record (R-CARD-1), as `pickup` marks them notified.
Result<std::unique_ptr<counter::Workspace>> OpenHome(const NoticeFlags& f, CliContext& ctx) {
  const std::filesystem::path dir = f.Home();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("--home", dir.string() + ": " + ec.message());
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  return counter::OpenWorkspace(dir, *reg, nullptr, f.audit_key, ctx.Database());
}

std::string KindJa(notices::Kind k) {
  switch (k) {
    case notices::Kind::kCity: return "市 (city)";
    case notices::Kind::kJlis: return "J-LIS";
    case notices::Kind::kCard: return "J-LIS カード (card)";
  }
  return "J-LIS";
}

// "\r通知 [##########----------] 1234/5678" on a terminal.
void DrawProgress(size_t done, size_t total) {
  constexpr int kWidth = 30;
  const int filled = total == 0 ? kWidth : static_cast<int>(kWidth * done / total);
  std::cerr << "\r通知 (notices) [" << std::string(filled, '#') << std::string(kWidth - filled, '-')
            << "] " << done << "/" << total << std::flush;
}

Status CheckBookingUrl(const NoticeFlags& f) {
  if (!f.booking_url.empty() && f.booking_url.rfind("https://", 0) != 0 && f.booking_url.rfind("http://", 0) != 0) {
    return InvalidArgument("--booking-url", f.booking_url + ": http(s):// で始まる URL です (an http(s) URL)");
  }
  return {};
}

Status RunNotices(const NoticeFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(Date day, f.Day());
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  counter::CounterStore* store = ws->store.get();
  // The 予約ID issuer (R-NOT-3): the reservations store on its own connection to counter.db,
  // called outside the batch's transactions; idempotent per (resident, expiry).
  MYNACERT_ASSIGN_OR_RETURN(auto reservations,
                            reservations::ReservationStore::Open(ctx.StoreIn(f.Home().string(), "counter.db")));

  MYNACERT_RETURN_IF_ERROR(CheckBookingUrl(f));
  notices::RunOptions o;
  o.run_date = day;
  o.booking_url = f.booking_url;
  o.out_dir = f.out.empty() ? (f.Home() / "notices").string() : f.out;
  o.pdf = !f.no_pdf;
  o.reservation_ids = [&reservations](int64_t resident, const std::string& municipality, Date expiry,
                                      Date window_start) {
    return reservations->IssueReservationId(resident, municipality, expiry, window_start);
  };
  bool drew = false;
  if (isatty(STDERR_FILENO) != 0) {
    o.progress = [&drew](size_t done, size_t total) {
      DrawProgress(done, total);
      drew = true;
    };
  }
  auto run = notices::RunBatch(*store, *reg, o);
  if (drew) std::cerr << "\n";
  if (!run.ok()) return run.error();
  const notices::RunReport& r = *run;

  if (f.json) {
    ctx.out << notices::RunReportJson(r).dump(2) << "\n";
    return {};
  }
  std::ostream& w = ctx.out;
  w << "有効期限通知 (expiry notices) " << day.ToString() << " — バッチ (batch) " << r.batch_id
     << (r.resumed ? " (中断した実行を再開 / resumed)" : "") << "\n";
  w << "  郵送 (mailed): J-LIS " << r.mailed_jlis << ", 市 (city) " << r.mailed_city
    << ", カードの有効期限通知 (card, R-CARD-1) " << r.mailed_card << "\n";
  for (const notices::SentNotice& n : r.produced) {
    if (n.kind != notices::Kind::kCard) continue;
    w << "    " << n.letter_id << "  住民 " << n.resident_id << "  " << n.postal_name << "  カード有効期限 "
      << n.cert_expiry.ToString() << "  申請書ID " << n.application_id
      << (n.outcome == "undeliverable" ? "  (不達 undeliverable)" : "") << "\n";
  }
  w << "  転送届ありのため郵送せず (undeliverable, R-NOT-2): " << r.undeliverable << "\n";
  for (const notices::SentNotice& n : r.produced) {
    if (n.outcome != "undeliverable") continue;
    w << "    " << n.letter_id << "  住民 " << n.resident_id << "  " << n.postal_name << "  "
       << KindJa(n.kind) << "  有効期限 " << n.cert_expiry.ToString()
       << (n.reservation_id.empty() ? "" : "  予約ID " + n.reservation_id)
       << (n.application_id.empty() ? "" : "  申請書ID " + n.application_id) << "\n";
  }
  w << "  送付済みのため省略 (skipped as already sent): " << r.already_sent << "\n";
  if (r.waiting_for_city > 0) {
    w << "  市の通知の翌日以降に送付 (J-LIS held for the city's notice, R-NOT-3): " << r.waiting_for_city << "\n";
  }
  w << "  郵送業者用 CSV (mail vendor CSV): " << r.csv_path << "\n";
  w << "  不達一覧 (undeliverable list): " << r.undeliverable_csv_path << "\n";
  for (const std::string& p : r.problems) w << "  ! " << p << "\n";
  return {};
}

Status ListNotices(const NoticeFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(Date day, f.Day());
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  counter::CounterStore* store = ws->store.get();
  MYNACERT_ASSIGN_OR_RETURN(std::vector<notices::SentNotice> rows, notices::ListSent(store->db(), day));
  if (f.json) {
    json all = json::array();
    for (const notices::SentNotice& n : rows) all.push_back(notices::SentJson(n));
    ctx.out << json{{"date", day.ToString()}, {"notices", all}}.dump(2) << "\n";
    return {};
  }
  ctx.out << "有効期限通知 (expiry notices) " << day.ToString() << ": " << rows.size() << " 件\n";
  for (const notices::SentNotice& n : rows) {
    ctx.out << "  " << n.letter_id << "  " << (n.outcome == "mailed" ? "郵送 mailed" : "不達 undeliverable")
            << "  住民 " << n.resident_id << "  " << n.postal_name << "  有効期限 " << n.cert_expiry.ToString();
    if (!n.reservation_id.empty()) ctx.out << "  予約ID " << n.reservation_id;
    if (!n.application_id.empty()) ctx.out << "  申請書ID " << n.application_id;
    if (!n.letter_file.empty()) {
      ctx.out << "  " << n.letter_file << " p." << n.first_page << "–" << (n.first_page + n.pages - 1);
    }
    ctx.out << "\n";
  }
  return {};
}

// The 交付通知書 of a produced application (R-CARD-2), then the application marked notified.
Status RunPickupNotice(const NoticeFlags& f, CliContext& ctx) {
  if (f.out.empty()) return InvalidArgument("--out", "出力先の PDF を指定してください (a file, or - for stdout)");
  if (f.clerk.empty()) return InvalidArgument("--clerk", "職員名が必要です (the clerk acting is required)");
  MYNACERT_RETURN_IF_ERROR(CheckBookingUrl(f));
  MYNACERT_ASSIGN_OR_RETURN(Date day, f.Day());
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  counter::CounterStore* store = ws->store.get();
  MYNACERT_ASSIGN_OR_RETURN(auto found, store->FindCardApplication(f.application));
  if (!found) {
    return NotFound("--application", "申請書ID '" + f.application + "' は見つかりません (no such card application)");
  }
  const counter::CardApplication& a = *found;
  if (a.state != "produced" && a.state != "notified") {
    return Error{ErrorCode::kFailedPrecondition, "--application",
                 "申請書ID " + a.id + " のカードはまだできていません (state " + a.state +
                     ": the card is not produced, no pick-up notice yet)",
                 "R-CARD-2"};
  }
  MYNACERT_ASSIGN_OR_RETURN(counter::Resident r, store->GetResident(a.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, reg->Find(r.municipality));
  MYNACERT_ASSIGN_OR_RETURN(std::string pdf, notices::RenderPickupNotice(*m, r, a, day, f.booking_url));
  MYNACERT_RETURN_IF_ERROR(WriteDocumentOut(f.out, pdf, ctx.out));
  MYNACERT_ASSIGN_OR_RETURN(counter::CardApplication notified,
                            counter::MarkNotified(*store, a.id, day, f.clerk, RealClock().UnixSeconds()));
  std::ostream& report = f.out == "-" ? ctx.err : ctx.out;
  if (f.json) {
    report << json{{"file", f.out}, {"bytes", pdf.size()}, {"application", json::parse(counter::ApplicationJson(notified))}}
                  .dump(2)
           << "\n";
  } else {
    report << "交付通知書を作りました (pick-up notice written): " << f.out << "\n"
           << "  申請書ID " << notified.id << "  住民 " << notified.resident_id << "  " << r.name << " 様  状態 (state) "
           << notified.state << "\n";
  }
  return {};
}

}  // namespace

void AddNoticesCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* notices = app.add_subcommand("notices", "有効期限通知の一括作成 (R-NOT) / expiry-notice batch");
  notices->require_subcommand(1);
  auto common = [](CLI::App* c, NoticeFlags& f) {
    c->add_option("--date", f.date, "実行日 YYYY-MM-DD (既定: 今日) / run date (default: today, JST)");
    AddHomeOption(*c, f.home);
    c->add_flag("--json", f.json, "JSON で出力 / JSON output");
    c->add_option("--audit-key", f.audit_key, "監査ログの鍵 (env:/file:; 既定 <home>/audit.key) / the audit log's key");
  };
  {
    auto f = std::make_shared<NoticeFlags>();
    CLI::App* c = notices->add_subcommand(
        "run", "今日送る通知を作る (同じ日の再実行では何も重複しない) / produce today's notices (idempotent)");
    common(c, *f);
    c->add_option("--out", f->out, "PDF と CSV の出力先 (既定 <home>/notices) / where letters and CSVs go");
    c->add_flag("--no-pdf", f->no_pdf, "PDF を作らず記録と CSV のみ / record and write the CSV only");
    c->add_option("--booking-url", f->booking_url,
                  "通知書に QR コードで載せる住民のページの URL (プロファイルの contact.booking_url が優先) / the "
                  "residents' page printed with a QR code (a profile's contact.booking_url wins)");
    c->callback([f, &ctx] { RunCommand(ctx, [&] { return RunNotices(*f, ctx); }); });
  }
  {
    auto f = std::make_shared<NoticeFlags>();
    CLI::App* c = notices->add_subcommand("list", "その日に作った通知 / what the runs of a day produced");
    common(c, *f);
    c->callback([f, &ctx] { RunCommand(ctx, [&] { return ListNotices(*f, ctx); }); });
  }
  {
    auto f = std::make_shared<NoticeFlags>();
    CLI::App* c = notices->add_subcommand(
        "pickup", "交付通知書を作り、申請を通知済みにする (R-CARD-2) / the pick-up notice of a produced card");
    c->add_option("--date,--today", f->date, "作成日 YYYY-MM-DD (既定: 今日) / date printed (default: today, JST)");
    AddHomeOption(*c, f->home);
    c->add_flag("--json", f->json, "JSON で出力 / JSON output");
    c->add_option("--audit-key", f->audit_key, "監査ログの鍵 (env:/file:; 既定 <home>/audit.key) / the audit log's key");
    c->add_option("--application", f->application, "申請書ID (23桁) / the card application's ID")->required();
    c->add_option("--out", f->out, "PDF の出力先 (- は標準出力) / the PDF file (- for stdout)")->required();
    c->add_option("--booking-url", f->booking_url,
                  "受け取り予約のページ (QR コード; プロファイルの contact.booking_url が優先) / the residents' page for "
                  "booking the pick-up (a profile's contact.booking_url wins)");
    c->add_option("--clerk", f->clerk, "記録する職員名 (既定 notices) / who marks it notified (default notices)");
    c->callback([f, &ctx] { RunCommand(ctx, [&] { return RunPickupNotice(*f, ctx); }); });
  }
}

}  // namespace mynacert::cli
