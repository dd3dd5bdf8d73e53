// `mynacert notices run | list`: the expiry-notice batch (issue 6, R-NOT) over
// notices/notices.h.
//
//   mynacert notices run --date 2026-05-01 [--home DIR] [--out DIR] [--no-pdf] [--json]
//   mynacert notices list --date 2026-05-01 [--home DIR] [--json]
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

#include "cli/commands.h"
#include "core/clock.h"
#include "counter/store.h"
#include "notices/notice_json.h"
#include "notices/notices.h"
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

  std::filesystem::path Home() const { return HomeDir(home); }
  Result<Date> Day() const {
    if (date.empty()) return RealClock().TodayJst();
    return Date::Parse(date, "--date");
  }
};

Result<std::unique_ptr<counter::CounterStore>> OpenCounter(const NoticeFlags& f, const CliContext& ctx) {
  const std::filesystem::path dir = f.Home();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("--home", dir.string() + ": " + ec.message());
  return counter::CounterStore::Open(ctx.StoreIn(dir.string(), "counter.db"));
}

std::string KindJa(notices::Kind k) {
  return k == notices::Kind::kCity ? "市 (city)" : "J-LIS";
}

// "\r通知 [##########----------] 1234/5678" on a terminal.
void DrawProgress(size_t done, size_t total) {
  constexpr int kWidth = 30;
  const int filled = total == 0 ? kWidth : static_cast<int>(kWidth * done / total);
  std::cerr << "\r通知 (notices) [" << std::string(filled, '#') << std::string(kWidth - filled, '-')
            << "] " << done << "/" << total << std::flush;
}

Status RunNotices(const NoticeFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(Date day, f.Day());
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCounter(f, ctx));
  // The 予約ID issuer (R-NOT-3): the reservations store on its own connection to counter.db,
  // called outside the batch's transactions; idempotent per (resident, expiry).
  MYNACERT_ASSIGN_OR_RETURN(auto reservations,
                            reservations::ReservationStore::Open(ctx.StoreIn(f.Home().string(), "counter.db")));

  if (!f.booking_url.empty() && f.booking_url.rfind("https://", 0) != 0 && f.booking_url.rfind("http://", 0) != 0) {
    return InvalidArgument("--booking-url", f.booking_url + ": http(s):// で始まる URL です (an http(s) URL)");
  }
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
  w << "  郵送 (mailed): J-LIS " << r.mailed_jlis << ", 市 (city) " << r.mailed_city << "\n";
  w << "  転送届ありのため郵送せず (undeliverable, R-NOT-2): " << r.undeliverable << "\n";
  for (const notices::SentNotice& n : r.produced) {
    if (n.outcome != "undeliverable") continue;
    w << "    " << n.letter_id << "  住民 " << n.resident_id << "  " << n.postal_name << "  "
       << KindJa(n.kind) << "  有効期限 " << n.cert_expiry.ToString()
       << (n.reservation_id.empty() ? "" : "  予約ID " + n.reservation_id) << "\n";
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
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCounter(f, ctx));
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
    if (!n.letter_file.empty()) {
      ctx.out << "  " << n.letter_file << " p." << n.first_page << "–" << (n.first_page + n.pages - 1);
    }
    ctx.out << "\n";
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
}

}  // namespace mynacert::cli
