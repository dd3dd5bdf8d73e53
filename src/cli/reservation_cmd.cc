// `mynacert reservation slots | issue-id | book | cancel | list`: counter bookings (issue 6,
// R-OFF-5/6) over reservations/reservations.h, in counter.db under --home (default
// $MYNACERT_HOME, else ./mynacert-home), next to the counter's tables.
//
// "Now" is taken once per command, JST, from --now (2026-11-20T10:00) or the clock. A refusal
// (walk-in counter, closed day, deadline passed, 満席, a bad 予約ID, …) is one line naming the
// flag at fault, with the rule ID, and exit code 2, like every bad input.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <vector>

#include "cli/commands.h"
#include "core/clock.h"
#include "reservations/reservation_json.h"
#include "reservations/reservations.h"
#include "rules/dates.h"

namespace mynacert::cli {
namespace {

using nlohmann::json;
using reservations::Refusal;
using reservations::RefusalCode;

struct Flags {
  std::string home;
  bool json = false;
  std::string municipality, counter, date, time, code, token, name, phone, now, expires,
      window_start;
  int64_t resident = 0;
  int64_t number = 0;

  std::string Dir() const { return HomeDir(home); }
};

void AddHomeFlags(CLI::App* c, Flags& f) {
  AddHomeOption(*c, f.home);
  c->add_flag("--json", f.json, "JSON で出力 / JSON output");
}
void AddNowFlag(CLI::App* c, Flags& f) {
  c->add_option("--now", f.now, "現在時刻 (JST) YYYY-MM-DDTHH:MM (既定 今) / the time of the request");
}

Result<std::unique_ptr<reservations::ReservationStore>> OpenStore(const Flags& f, const CliContext& ctx) {
  const std::filesystem::path dir = f.Dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("--home", dir.string() + ": " + ec.message());
  return reservations::ReservationStore::Open(ctx.StoreIn(dir.string(), "counter.db"));
}

Result<reservations::JstDateTime> Now(const Flags& f) {
  if (f.now.empty()) return reservations::ToJst(RealClock().Now());
  return reservations::ParseJstDateTime(f.now, "--now");
}

// The municipality: --municipality, or the one profile that has --counter.
Result<const profiles::Municipality*> FindProfile(const Flags& f, CliContext& ctx) {
  if (!f.municipality.empty()) return ctx.FindMunicipality(f.municipality);
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  const profiles::Municipality* found = nullptr;
  for (const profiles::Municipality& m : reg->all()) {
    if (m.FindCounter(f.counter) == nullptr) continue;
    if (found != nullptr) {
      return InvalidArgument("--municipality", "窓口 '" + f.counter +
                                                   "' は複数の自治体にあります。--municipality を指定してください (ambiguous counter)");
    }
    found = &m;
  }
  if (found == nullptr) {
    return NotFound("--counter", "窓口 '" + f.counter + "' はどの自治体にもありません (unknown counter)");
  }
  return found;
}

Result<const profiles::Counter*> FindCounter(const profiles::Municipality& m, const std::string& id) {
  if (const profiles::Counter* c = m.FindCounter(id)) return c;
  std::string known;
  for (const profiles::Counter& k : m.counters) known += (known.empty() ? "" : ", ") + k.id;
  return NotFound("--counter", "'" + id + "' は" + m.name_ja + "の窓口にありません (unknown counter; known: " + known + ")");
}

// A refusal as the one-line error of the CLI, naming the flag at fault.
Error RefusalError(const Refusal& r, bool with_code) {
  return Error{ErrorCode::kFailedPrecondition, "--" + reservations::RefusalField(r.code, with_code),
               r.reason.ja + " (" + r.reason.en + ")", r.reason.rule};
}

std::string Span(int from, int to) { return calendar::FormatMinute(from) + "–" + calendar::FormatMinute(to); }

Status RunSlots(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, FindProfile(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Counter* c, FindCounter(*m, f.counter));
  MYNACERT_ASSIGN_OR_RETURN(Date date, Date::Parse(f.date, "--date"));
  MYNACERT_ASSIGN_OR_RETURN(reservations::JstDateTime now, Now(f));
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenStore(f, ctx));
  auto view = store->SlotView(*m, c->id, date);
  if (!view.ok()) {
    Error e = view.error();
    if (e.field.empty() || e.code == ErrorCode::kOutOfRange) e.field = "--date";
    return e;
  }
  if (view->refusal && view->refusal->code == RefusalCode::kWalkIn) {
    return RefusalError(*view->refusal, false);  // R-OFF-5 / R-OFF-2 / R-OFF-3
  }
  if (f.json) {
    MYNACERT_ASSIGN_OR_RETURN(json j, reservations::SlotsJson(*m, *c, *view, date, now));
    ctx.out << j.dump(2) << "\n";
    return {};
  }
  // Whether each slot can be booked at --now (the 予約ID's own checks aside).
  std::vector<std::optional<Refusal>> now_refusals;
  for (const reservations::Slot& s : view->slots) {
    MYNACERT_ASSIGN_OR_RETURN(auto r, reservations::CheckBooking(*m, *c, date, s.start_minute, now, std::nullopt));
    now_refusals.push_back(std::move(r));
  }
  ctx.out << c->name_ja << " (" << c->id << ")\n" << calendar::DescribeDay(view->day) << "\n";
  if (view->refusal) {
    ctx.out << "  予約枠はありません (no slots): [" << view->refusal->reason.rule << "] "
            << view->refusal->reason.ja << "\n";
    return {};
  }
  for (size_t i = 0; i < view->slots.size(); ++i) {
    const reservations::Slot& s = view->slots[i];
    ctx.out << "  " << Span(s.start_minute, s.end_minute) << "  "
            << (s.available() > 0 ? "空き " + std::to_string(s.available()) + "/" + std::to_string(s.capacity) +
                                        " (free)"
                                  : std::string("満席 (full)"));
    if (now_refusals[i]) ctx.out << "  受付外: " << reservations::RefusalCodeName(now_refusals[i]->code);
    ctx.out << "\n";
  }
  // A refusal that holds for the whole day (deadline, 40 days, a week ahead) once, in words.
  if (!now_refusals.empty() && now_refusals.front() && now_refusals.back() &&
      now_refusals.front()->code == now_refusals.back()->code) {
    const Refusal& r = *now_refusals.front();
    ctx.out << "  [" << r.reason.rule << "] " << r.reason.ja << "\n  " << std::string(r.reason.rule.size() + 2, ' ')
            << " " << r.reason.en << "\n";
  }
  return {};
}

Status RunIssueId(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, ctx.FindMunicipality(f.municipality));
  if (f.resident <= 0) return InvalidArgument("--resident", "住民番号は正の整数です (a positive resident number)");
  MYNACERT_ASSIGN_OR_RETURN(Date expires, Date::Parse(f.expires, "--expires"));
  // R-WIN-1: by default the window the municipality's reading gives.
  Date window = rules::RenewalWindowStart(expires, m->rules.window_months, m->rules.window_reading);
  if (!f.window_start.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(window, Date::Parse(f.window_start, "--window-start"));
  }
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenStore(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(std::string code, store->IssueReservationId(f.resident, m->id, expires, window));
  MYNACERT_ASSIGN_OR_RETURN(auto rec, store->FindReservationId(code));
  if (!rec) return Error{ErrorCode::kInternal, "reservation_codes", "issued code not found", ""};
  if (f.json) {
    ctx.out << json{{"code", code},
                    {"resident", rec->resident_id},
                    {"municipality", rec->municipality},
                    {"expires", rec->cert_expiry.ToString()},
                    {"window_start", rec->window_start.ToString()}}
                   .dump(2)
            << "\n";
  } else {
    ctx.out << "予約ID (reservation ID): " << code << "\n  住民 " << rec->resident_id << "、有効期限 "
            << rec->cert_expiry.ToString() << "、予約は " << rec->window_start.ToString()
            << " から (bookable from, R-OFF-6)\n";
  }
  return {};
}

Status RunBook(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, FindProfile(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Counter* c, FindCounter(*m, f.counter));
  reservations::BookingRequest req;
  req.counter_id = c->id;
  MYNACERT_ASSIGN_OR_RETURN(req.date, Date::Parse(f.date, "--date"));
  MYNACERT_ASSIGN_OR_RETURN(req.start_minute, reservations::ParseMinute(f.time, "--time"));
  MYNACERT_ASSIGN_OR_RETURN(req.now, Now(f));
  req.code = f.code;
  if (f.resident > 0) req.resident_id = f.resident;
  if (!f.window_start.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(Date w, Date::Parse(f.window_start, "--window-start"));
    req.window_start = w;
  }
  req.name = f.name;
  req.phone = f.phone;
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenStore(f, ctx));
  auto result = store->Book(*m, req);
  if (!result.ok()) {
    Error e = result.error();
    if (e.code == ErrorCode::kOutOfRange) e.field = "--date";
    return e;
  }
  if (!result->confirmed()) return RefusalError(*result->refusal, !f.code.empty());
  const reservations::Booking& b = result->booking;
  if (f.json) {
    json j = reservations::BookingJson(b);
    j["booked"] = true;
    j["cancel_token"] = result->cancel_token;
    ctx.out << j.dump(2) << "\n";
  } else {
    ctx.out << "予約しました (booked): 予約番号 " << b.number << "\n  " << c->name_ja << " "
            << b.day.ToStringWithWeekday() << " " << Span(b.start_minute, b.end_minute) << "\n"
            << "  取消番号 (cancel token; shown once): " << result->cancel_token << "\n";
  }
  return {};
}

Status RunCancel(const Flags& f, CliContext& ctx) {
  if (f.code.empty() == f.token.empty()) {
    return InvalidArgument("--code", "--code (予約ID) か --token (取消番号) のどちらか一つを指定します (exactly one of --code, --token)");
  }
  MYNACERT_ASSIGN_OR_RETURN(reservations::JstDateTime now, Now(f));
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenStore(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(reservations::Booking b,
                            store->Cancel(f.number, f.code.empty() ? f.token : f.code, now));
  if (f.json) {
    json j = reservations::BookingJson(b);
    j["cancelled"] = true;
    ctx.out << j.dump(2) << "\n";
  } else {
    ctx.out << "取り消しました (cancelled): 予約番号 " << b.number << " " << b.day.ToStringWithWeekday()
            << " " << Span(b.start_minute, b.end_minute) << "\n";
  }
  return {};
}

Status RunList(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, FindProfile(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Counter* c, FindCounter(*m, f.counter));
  MYNACERT_ASSIGN_OR_RETURN(Date date, Date::Parse(f.date, "--date"));
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenStore(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(auto list, store->List(m->id, c->id, date));
  if (f.json) {
    json arr = json::array();
    for (const auto& b : list) arr.push_back(reservations::BookingJson(b));
    ctx.out << json{{"municipality", m->id}, {"counter", c->id}, {"date", date.ToString()}, {"bookings", arr}}.dump(2)
            << "\n";
    return {};
  }
  ctx.out << c->name_ja << " " << date.ToStringWithWeekday() << ": " << list.size() << " 件\n";
  for (const auto& b : list) {
    ctx.out << "  " << Span(b.start_minute, b.end_minute) << "  #" << b.number << "  " << b.name;
    if (!b.phone.empty()) ctx.out << "  " << b.phone;
    if (!b.code.empty()) ctx.out << "  予約ID " << reservations::GroupSymbols(b.code);
    if (b.resident_id) ctx.out << "  住民 " << *b.resident_id;
    ctx.out << (b.status == "confirmed" ? "" : "  [取消 cancelled]") << "\n";
  }
  return {};
}

}  // namespace

void AddReservationCommands(CLI::App& app, CliContext& ctx) {
  auto run = [&ctx](Status (*fn)(const Flags&, CliContext&), std::shared_ptr<Flags> flags) {
    return [fn, flags, &ctx] { RunCommand(ctx, [&] { return fn(*flags, ctx); }); };
  };
  CLI::App* res = app.add_subcommand("reservation", "窓口の予約 (R-OFF-5/6) / counter reservations");
  res->require_subcommand(1);
  const char* municipality_help = "自治体 (既定: --counter を持つ自治体)";
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = res->add_subcommand("slots", "予約枠と空き / the slots of a counter's day");
    AddHomeFlags(c, *fl);
    AddNowFlag(c, *fl);
    c->add_option("--municipality", fl->municipality, municipality_help);
    c->add_option("--counter", fl->counter, "窓口 ID")->required();
    c->add_option("--date", fl->date, "来庁日 YYYY-MM-DD")->required();
    c->callback(run(RunSlots, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = res->add_subcommand("issue-id", "予約IDを発行 (通知書用, R-NOT-3) / issue a reservation ID");
    AddHomeFlags(c, *fl);
    c->add_option("--resident", fl->resident, "住民番号")->required();
    c->add_option("--municipality", fl->municipality, "自治体")->required();
    c->add_option("--expires", fl->expires, "電子証明書の有効期限 YYYY-MM-DD")->required();
    c->add_option("--window-start", fl->window_start, "更新手続期間の初日 (既定: R-WIN-1 で計算)");
    c->callback(run(RunIssueId, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = res->add_subcommand("book", "予約する / book a slot");
    AddHomeFlags(c, *fl);
    AddNowFlag(c, *fl);
    c->add_option("--municipality", fl->municipality, municipality_help);
    c->add_option("--counter", fl->counter, "窓口 ID")->required();
    c->add_option("--date", fl->date, "来庁日 YYYY-MM-DD")->required();
    c->add_option("--time", fl->time, "予約枠の開始 HH:MM")->required();
    c->add_option("--code", fl->code, "予約ID (予約ID通知書に記載)");
    c->add_option("--name", fl->name, "連絡先の氏名")->required();
    c->add_option("--phone", fl->phone, "電話番号 (任意)");
    c->add_option("--resident", fl->resident, "住民番号 (予約IDなしの予約)");
    c->add_option("--window-start", fl->window_start, "更新手続期間の初日 (予約IDなしの予約, R-OFF-6)");
    c->callback(run(RunBook, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = res->add_subcommand("cancel", "予約を取り消す / cancel a booking");
    AddHomeFlags(c, *fl);
    AddNowFlag(c, *fl);
    c->add_option("--number", fl->number, "予約番号")->required();
    c->add_option("--code", fl->code, "予約ID");
    c->add_option("--token", fl->token, "取消番号");
    c->callback(run(RunCancel, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = res->add_subcommand("list", "窓口の1日の予約 (職員用) / a counter's bookings of a day");
    AddHomeFlags(c, *fl);
    c->add_option("--municipality", fl->municipality, municipality_help);
    c->add_option("--counter", fl->counter, "窓口 ID")->required();
    c->add_option("--date", fl->date, "来庁日 YYYY-MM-DD")->required();
    c->callback(run(RunList, fl));
  }
}

}  // namespace mynacert::cli
