#include "core/date.h"

#include <array>
#include <cstdio>
#include <ostream>

namespace mynacert {

namespace {
namespace chr = std::chrono;
using chr::year_month_day;
using chr::year_month_day_last;
}  // namespace

Result<Date> Date::FromYmd(int y, unsigned m, unsigned d, std::string_view field) {
  const year_month_day ymd{chr::year(y), chr::month(m), chr::day(d)};
  if (!ymd.ok() || y < 1000 || y > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return InvalidArgument(std::string(field),
                           std::string(buf) + " は存在しない日付です (not a calendar date)");
  }
  return Date(std::chrono::sys_days(ymd));
}

Result<Date> Date::Parse(std::string_view text, std::string_view field) {
  auto fail = [&] {
    return InvalidArgument(std::string(field), "'" + std::string(text) +
                                                   "' は YYYY-MM-DD 形式の日付ではありません "
                                                   "(expected a date as YYYY-MM-DD)");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail();
  int parts[3] = {0, 0, 0};
  const std::array<std::pair<int, int>, 3> spans = {{{0, 4}, {5, 2}, {8, 2}}};
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < spans[i].second; ++k) {
      const char c = text[spans[i].first + k];
      if (c < '0' || c > '9') return fail();
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  return FromYmd(parts[0], static_cast<unsigned>(parts[1]), static_cast<unsigned>(parts[2]), field);
}

Date Date::AddMonthsClamped(int n) const {
  const year_month_day v = ymd();
  const std::chrono::year_month ym = v.year() / v.month() + std::chrono::months(n);
  const year_month_day_last last{ym.year(), std::chrono::month_day_last(ym.month())};
  const chr::day d = v.day() <= last.day() ? v.day() : last.day();
  return Date(std::chrono::sys_days(year_month_day(ym.year(), ym.month(), d)));
}

Date Date::LastDayOfMonth() const {
  const year_month_day v = ymd();
  return Date(
      std::chrono::sys_days(year_month_day_last(v.year(), std::chrono::month_day_last(v.month()))));
}

std::string Date::ToString() const {
  const year_month_day v = ymd();
  const int y = static_cast<int>(v.year());
  const unsigned m = static_cast<unsigned>(v.month()), d = static_cast<unsigned>(v.day());
  if (y < 0 || y > 9999) {  // not from FromYmd or Parse (1000–9999); snprintf's "%04d" form
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
  }
  // By hand: snprintf was a tenth of GET /api/explain's CPU (a dozen dates per answer).
  std::string out(10, '-');
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

std::string Date::ToStringWithWeekday() const {
  return ToString() + " (" + std::string(WeekdayJa(weekday())) + ")";
}

std::string_view WeekdayJa(unsigned weekday) {
  static constexpr std::array<std::string_view, 7> kNames = {"日", "月", "火", "水",
                                                             "木", "金", "土"};
  return kNames[weekday % 7];
}

std::ostream& operator<<(std::ostream& os, Date d) { return os << d.ToString(); }


}  // namespace mynacert
