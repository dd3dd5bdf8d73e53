// A civil date in Japan (JST has had no DST since 1951, so a date is all we need).
//
// `Date` is a 4-byte value: days since 1970-01-01, over std::chrono::sys_days. It is the
// only date type the domain layers use; conversions to and from text are strict
// ("YYYY-MM-DD", nothing else), so an impossible date such as 2026-02-30 is an error,
// never a silent roll-over.
//
// The month arithmetic that the rules need (three months before an expiry date, the last
// day of a month) lives here as named functions; the conventions that belong to a rule
// (29 February birthdays, the Civil Code reading of a period) live in rules/dates.h.
//
// Thread-safety: a plain value.
#ifndef MYNACERT_CORE_DATE_H_
#define MYNACERT_CORE_DATE_H_

#include <chrono>
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mynacert {

class Date {
 public:
  // 1970-01-01. Exists so Date can sit in arrays and structs; not a sentinel.
  constexpr Date() = default;
  constexpr explicit Date(std::chrono::sys_days d) : days_(d.time_since_epoch().count()) {}

  // The date y-m-d, or an error naming `field` when it does not exist (2026-02-30).
  static Result<Date> FromYmd(int y, unsigned m, unsigned d, std::string_view field = {});
  // Precondition: y-m-d exists. For constants in code and tests.
  static constexpr Date Ymd(int y, unsigned m, unsigned d) {
    return Date(
        std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)));
  }
  // Parses exactly "YYYY-MM-DD" (years 1000–9999). Anything else is kInvalidArgument
  // with `field` (e.g. "birth") in the error.
  static Result<Date> Parse(std::string_view text, std::string_view field = {});
  static constexpr Date FromDays(int32_t days_since_epoch) {
    Date d;
    d.days_ = days_since_epoch;
    return d;
  }

  constexpr std::chrono::sys_days sys_days() const {
    return std::chrono::sys_days(std::chrono::days(days_));
  }
  constexpr std::chrono::year_month_day ymd() const {
    return std::chrono::year_month_day(sys_days());
  }
  constexpr int year() const { return static_cast<int>(ymd().year()); }
  constexpr unsigned month() const { return static_cast<unsigned>(ymd().month()); }
  constexpr unsigned day() const { return static_cast<unsigned>(ymd().day()); }
  // 0 = Sunday … 6 = Saturday (std::chrono::weekday::c_encoding).
  constexpr unsigned weekday() const { return std::chrono::weekday(sys_days()).c_encoding(); }
  constexpr int32_t days_since_epoch() const { return days_; }

  constexpr Date AddDays(int n) const { return FromDays(days_ + n); }
  // Adds n calendar months; when the day does not exist in the target month it is clamped
  // to that month's last day (5-31 minus 3 months = 2-28 or 2-29). This is the "応当日"
  // arithmetic of Civil Code Art. 143(2), proviso.
  Date AddMonthsClamped(int n) const;
  Date AddYearsClamped(int n) const { return AddMonthsClamped(12 * n); }
  Date LastDayOfMonth() const;
  bool IsLastDayOfMonth() const { return LastDayOfMonth() == *this; }

  // "2026-07-07".
  std::string ToString() const;
  // "2026-07-07 (火)" — the form user-facing text uses.
  std::string ToStringWithWeekday() const;

  friend constexpr auto operator<=>(Date a, Date b) = default;
  friend constexpr bool operator==(Date a, Date b) = default;
  friend constexpr int operator-(Date a, Date b) { return a.days_ - b.days_; }

 private:
  int32_t days_ = 0;
};

// Writes ToString(); lets GoogleTest print dates.
std::ostream& operator<<(std::ostream& os, Date d);

// 日, 月, 火, 水, 木, 金, 土 for weekday() 0..6.
std::string_view WeekdayJa(unsigned weekday);
constexpr bool IsLeapYear(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

}  // namespace mynacert

#endif  // MYNACERT_CORE_DATE_H_
