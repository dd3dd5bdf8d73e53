// `mynacert calendar`: which days a municipality's counters are open, and their hours
// (R-OFF-1..7); `mynacert holidays`: the national holidays computed from the law.
#include <map>
#include <memory>
#include <ostream>

#include "calendar/counter_calendar.h"
#include "calendar/holidays.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "core/clock.h"

namespace mynacert::cli {

namespace {

constexpr int kMaxDays = 3660;

struct CalendarFlags {
  std::string municipality, counter, from;
  int days = 14;
  bool json = false;
};

std::string HoursText(const calendar::TimeRange& r) {
  return calendar::FormatMinute(r.from_minute) + "–" + calendar::FormatMinute(r.to_minute);
}

void RunCalendar(const CalendarFlags& fl, CliContext& ctx) {
  auto from = ParseDateFlag(fl.from, "--from");
  if (!from.ok()) return ctx.Fail(from.error());
  if (fl.days < 1 || fl.days > kMaxDays) {
    return ctx.Fail(InvalidArgument("--days", "日数は1〜" + std::to_string(kMaxDays) +
                                                  "で指定してください (must be 1 to 3660)"));
  }
  auto found = ctx.FindMunicipality(fl.municipality);
  if (!found.ok()) return ctx.Fail(found.error());
  const profiles::Municipality& m = **found;
  std::vector<const profiles::Counter*> counters;
  if (fl.counter.empty()) {
    for (const profiles::Counter& c : m.counters) counters.push_back(&c);
  } else if (const profiles::Counter* c = m.FindCounter(fl.counter)) {
    counters.push_back(c);
  } else {
    std::string known;
    for (const profiles::Counter& k : m.counters) known += (known.empty() ? "" : ", ") + k.id;
    return ctx.Fail(NotFound("--counter", "'" + fl.counter + "' は" + m.name_ja +
                                              "の窓口にありません (unknown counter; known: " +
                                              known + ")"));
  }
  const Date start = from->value_or(RealClock().TodayJst());
  const Date end = start.AddDays(fl.days - 1);

  // One row per day: the holiday (if any) and each selected counter's status.
  struct Row {
    Date date;
    const calendar::Holiday* holiday = nullptr;
    std::vector<std::pair<const profiles::Counter*, calendar::DayStatus>> statuses;
  };
  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(fl.days));
  for (Date d = start; d <= end; d = d.AddDays(1)) {
    Row row{d, nullptr, {}};
    auto h = calendar::FindHoliday(d);
    if (!h.ok()) return ctx.Fail(Error{h.error().code, "--from", h.error().message, ""});
    row.holiday = *h;
    for (const profiles::Counter* c : counters) {
      auto st = calendar::CounterDay(c->schedule, d);
      if (!st.ok()) return ctx.Fail(Error{st.error().code, "--from", st.error().message, ""});
      row.statuses.emplace_back(c, *st);
    }
    rows.push_back(std::move(row));
  }

  if (fl.json) {
    nlohmann::json days = nlohmann::json::array();
    for (const Row& r : rows) {
      nlohmann::json hours = nlohmann::json::array();
      bool open = false;
      for (const auto& [c, st] : r.statuses) {
        if (!st.open) continue;
        open = true;
        hours.push_back({{"counter", c->id},
                         {"from", calendar::FormatMinute(st.hours.from_minute)},
                         {"to", calendar::FormatMinute(st.hours.to_minute)}});
      }
      nlohmann::json day = {
          {"date", r.date.ToString()},
          {"weekday", std::string(WeekdayJa(r.date.weekday()))},
          {"holiday", r.holiday ? nlohmann::json(std::string(r.holiday->display_ja))
                                : nlohmann::json(nullptr)},
          {"holiday_en", r.holiday ? nlohmann::json(std::string(r.holiday->display_en))
                                   : nlohmann::json(nullptr)},
          {"open", open},
          {"hours", hours}};
      if (!open && !r.statuses.empty()) {
        const calendar::DayStatus& st = r.statuses.front().second;
        day["closed_reason"] = std::string(calendar::ClosedReasonName(st.reason));
        day["rule"] = std::string(st.rule);
      }
      days.push_back(day);
    }
    nlohmann::json j = {{"municipality", m.id}, {"days", days}};
    nlohmann::json cs = nlohmann::json::array();
    for (const profiles::Counter* c : counters) {
      cs.push_back({{"id", c->id}, {"name_ja", c->name_ja}, {"name_en", c->name_en}});
    }
    j["counters"] = cs;
    ctx.out << j.dump(2) << "\n";
    return;
  }

  std::ostream& o = ctx.out;
  o << m.name_ja << " (" << m.name_en << ") 窓口カレンダー / counter calendar";
  if (counters.size() == 1) {
    o << ": " << counters[0]->name_ja << " (" << counters[0]->name_en << ")";
  } else {
    o << ": " << counters.size() << " 窓口 counters";
  }
  o << "\n";
  for (const Row& r : rows) {
    // Group the open counters by their hours: "08:45–17:00 ×16".
    std::map<std::pair<int, int>, int> by_hours;
    for (const auto& [c, st] : r.statuses) {
      if (st.open) ++by_hours[{st.hours.from_minute, st.hours.to_minute}];
    }
    o << r.date.ToStringWithWeekday() << "  ";
    if (by_hours.empty()) {
      // DescribeDay starts with the date, already printed at the start of the line.
      std::string why = calendar::DescribeDay(r.statuses.front().second);
      const std::string prefix = r.date.ToStringWithWeekday() + " 閉庁: ";
      if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
      o << "閉庁 closed  " << why;
    } else {
      o << "開庁 open    ";
      bool first = true;
      for (const auto& [h, n] : by_hours) {
        o << (first ? "" : ", ") << HoursText({h.first, h.second});
        if (counters.size() > 1) o << " ×" << n;
        first = false;
      }
      if (r.holiday) o << "  (" << r.holiday->display_ja << " / " << r.holiday->display_en << ")";
    }
    o << "\n";
  }
}

struct HolidayFlags {
  int from_year = 0, to_year = 0;
  bool csv = false, json = false;
};

void RunHolidays(const HolidayFlags& fl, CliContext& ctx) {
  const int current_year = RealClock().TodayJst().year();
  const int from_year = fl.from_year ? fl.from_year : current_year;
  const int to_year = fl.to_year ? fl.to_year : from_year;
  if (to_year < from_year) {
    return ctx.Fail(InvalidArgument("--to", "終了年が開始年より前です (--to is before --from)"));
  }
  if (fl.csv) {
    auto csv = calendar::HolidaysCsv(from_year, to_year);
    if (!csv.ok()) return ctx.Fail(Error{csv.error().code, "--from", csv.error().message, ""});
    ctx.out << *csv;
    return;
  }
  nlohmann::json list = nlohmann::json::array();
  std::string text;
  for (int y = from_year; y <= to_year; ++y) {
    auto year = calendar::HolidaysOfYear(y);
    if (!year.ok()) {
      return ctx.Fail(Error{year.error().code, y == from_year ? "--from" : "--to",
                            year.error().message, ""});
    }
    for (const calendar::Holiday& h : *year) {
      list.push_back({{"date", h.date.ToString()},
                      {"name", std::string(h.name_ja)},
                      {"display_ja", std::string(h.display_ja)},
                      {"display_en", std::string(h.display_en)},
                      {"kind", std::string(calendar::HolidayKindName(h.kind))},
                      {"basis", std::string(h.basis)},
                      {"provisional", calendar::IsProvisionalYear(y, current_year)}});
      text += h.date.ToStringWithWeekday() + "  " + std::string(h.display_ja) + " / " +
              std::string(h.display_en) + "  [" + std::string(h.basis) + "]" +
              (calendar::IsProvisionalYear(y, current_year) ? "  (予測 provisional)" : "") +
              "\n";
    }
  }
  if (fl.json) {
    ctx.out << nlohmann::json{{"holidays", list}}.dump(2) << "\n";
  } else {
    ctx.out << text;
  }
}

}  // namespace

void AddCalendarCommand(CLI::App& app, CliContext& ctx) {
  auto fl = std::make_shared<CalendarFlags>();
  CLI::App* cmd = app.add_subcommand(
      "calendar", "窓口の開庁日と受付時間 / the days and hours a municipality's counters are open");
  cmd->add_option("--municipality", fl->municipality, "自治体 / municipality id")->required();
  cmd->add_option("--counter", fl->counter, "窓口 (既定: すべて) / counter id (default: all)");
  cmd->add_option("--from", fl->from, "開始日 (既定: 今日) / first day (default: today JST)");
  cmd->add_option("--days", fl->days, "日数 / number of days (1–3660, default 14)");
  cmd->add_flag("--json", fl->json, "JSON で出力 / JSON output");
  cmd->callback([fl, &ctx] { RunCalendar(*fl, ctx); });

  auto hf = std::make_shared<HolidayFlags>();
  CLI::App* hol = app.add_subcommand(
      "holidays", "国民の祝日・休日 (祝日法から計算, 1955–2099) / national holidays from the law");
  hol->add_option("--from", hf->from_year, "開始年 / first year (default: this year)");
  hol->add_option("--to", hf->to_year, "終了年 / last year (default: --from)");
  hol->add_flag("--csv", hf->csv, "内閣府CSV形式 (YYYY-MM-DD,名称) / Cabinet Office CSV form");
  hol->add_flag("--json", hf->json, "JSON で出力 / JSON output");
  hol->callback([hf, &ctx] { RunHolidays(*hf, ctx); });
}

}  // namespace mynacert::cli
