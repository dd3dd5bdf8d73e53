#include "core/date_text.h"

#include <array>
#include <string_view>

namespace mynacert {

namespace {
struct EraOf {
  std::string_view name;
  int year = 0;
};
EraOf FindEra(Date d) {
  struct Era {
    Date first;
    std::string_view name;
  };
  static constexpr std::array<Era, 5> kEras = {{{Date::Ymd(2019, 5, 1), "令和"},
                                                {Date::Ymd(1989, 1, 8), "平成"},
                                                {Date::Ymd(1926, 12, 25), "昭和"},
                                                {Date::Ymd(1912, 7, 30), "大正"},
                                                {Date::Ymd(1868, 1, 25), "明治"}}};
  if (d.year() < 1873) return {};
  for (const Era& e : kEras) {
    if (d < e.first) continue;
    return {e.name, d.year() - e.first.year() + 1};
  }
  return {};
}
}  // namespace

int JapaneseEraYearNumber(Date d) { return FindEra(d).year; }

std::string JapaneseEraYear(Date d) {
  const EraOf e = FindEra(d);
  if (e.year == 0) return {};
  return std::string(e.name) + (e.year == 1 ? std::string("元") : std::to_string(e.year)) + "年";
}

std::string JapaneseLongDate(Date d) {
  const std::string era = JapaneseEraYear(d);
  return std::to_string(d.year()) + "年" + (era.empty() ? "" : "(" + era + ")") +
         std::to_string(d.month()) + "月" + std::to_string(d.day()) + "日(" +
         std::string(WeekdayJa(d.weekday())) + ")";
}

std::string EnglishLongDate(Date d) {
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return std::string(kDays[d.weekday() % 7]) + " " + std::to_string(d.day()) + " " +
         std::string(kMonths[d.month() - 1]) + " " + std::to_string(d.year());
}

}  // namespace mynacert
