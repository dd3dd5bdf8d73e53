#include "rules/dates.h"

namespace mynacert::rules {

Date BirthdayInYear(Date birth, int year, LeapDayBirthday leap) {
  const std::chrono::year_month_day b = birth.ymd();
  const unsigned m = static_cast<unsigned>(b.month());
  const unsigned d = static_cast<unsigned>(b.day());
  if (m == 2 && d == 29 && !IsLeapYear(year)) {
    // B1: no JPKI text; 28 Feb is the Japanese statutory precedent, 1 Mar the alternative.
    return leap == LeapDayBirthday::kFeb28 ? Date::Ymd(year, 2, 28) : Date::Ymd(year, 3, 1);
  }
  return Date::Ymd(year, m, d);
}

Date NthBirthdayAfter(Date birth, Date after, int n, LeapDayBirthday leap) {
  // One civil conversion per date and no data-dependent branches but the rare 29 February:
  // this runs several times per assessment over a random population (bench/).
  const std::chrono::year_month_day b = birth.ymd();
  const std::chrono::year_month_day a = after.ymd();
  const int y = static_cast<int>(a.year());
  const unsigned bm = static_cast<unsigned>(b.month());
  const unsigned bd = static_cast<unsigned>(b.day());
  unsigned key = bm * 32 + bd;  // the birthday this year as month*32+day
  if (key == 2 * 32 + 29 && !IsLeapYear(y)) {  // B1: the birthday in a common year
    key = leap == LeapDayBirthday::kFeb28 ? 2 * 32 + 28 : 3 * 32 + 1;
  }
  const unsigned after_key =
      static_cast<unsigned>(a.month()) * 32 + static_cast<unsigned>(a.day());
  // 「発行の日後」: a birthday on `after` itself is not counted (B1).
  const int first_year = y + static_cast<int>(key <= after_key);
  const int year = first_year + n - 1;
  if (bm == 2 && bd == 29 && !IsLeapYear(year)) {
    return leap == LeapDayBirthday::kFeb28 ? Date::Ymd(year, 2, 28) : Date::Ymd(year, 3, 1);
  }
  return Date::Ymd(year, bm, bd);
}

int AgeOn(Date birth, Date on) {
  const std::chrono::year_month_day b = birth.ymd();
  const std::chrono::year_month_day o = on.ymd();
  const unsigned birth_key = unsigned(b.month()) * 32 + unsigned(b.day());
  const unsigned on_key = unsigned(o.month()) * 32 + unsigned(o.day());
  return static_cast<int>(o.year()) - static_cast<int>(b.year()) - static_cast<int>(on_key < birth_key);
}

Date DateOfAge(Date birth, int age) {
  const int y = birth.year() + age;
  if (birth.month() == 2 && birth.day() == 29 && !IsLeapYear(y)) return Date::Ymd(y, 3, 1);
  return Date::Ymd(y, birth.month(), birth.day());
}

namespace {

// 民法143条: the last day of a period of `months` months whose first counted day is `start`.
// A period starting on the 1st runs by whole calendar months; otherwise it ends on the day
// before the corresponding day (応当日), or on the month's last day when that day is missing.
Date CivilCodePeriodEnd(Date start, int months) {
  if (start.day() == 1) return start.AddMonthsClamped(months - 1).LastDayOfMonth();
  const Date same_day_target = start.AddMonthsClamped(months);
  if (same_day_target.day() != start.day()) return same_day_target;  // clamped: month's last day
  return same_day_target.AddDays(-1);
}

// Reading B: the window opens on the first day X from which the remaining period [X+1, expiry]
// (初日不算入, 民法140条) is shorter than `months` months, i.e. expiry < end of a `months`-month
// period starting X+1. The answer lies within a few days of the corresponding day, so a short
// scan around it suffices (verified against a full scan in dates_test.cc).
Date CivilCodeWindowStart(Date expiry, int months) {
  const Date around = expiry.AddMonthsClamped(-months);
  for (Date x = around.AddDays(-4); x <= around.AddDays(5); x = x.AddDays(1)) {
    if (expiry < CivilCodePeriodEnd(x.AddDays(1), months)) return x;
  }
  return around.AddDays(1);  // unreachable for real calendars; reading A as the safe answer
}

}  // namespace

Date RenewalWindowStart(Date expiry, int months, WindowReading reading) {
  if (reading == WindowReading::kCivilCode) return CivilCodeWindowStart(expiry, months);
  // R-WIN-1 (seeds 001, 002, 003): "3か月前の翌日": 7/7 -> 4/8; 5/31 -> 2/28(29) -> 3/1.
  return expiry.AddMonthsClamped(-months).AddDays(1);
}

Date HealthInsuranceUsableUntil(Date auth_expiry) {
  if (auth_expiry >= kHealthInsuranceMonthEndRuleFrom) {
    return auth_expiry.AddMonthsClamped(3).LastDayOfMonth();
  }
  return auth_expiry.AddMonthsClamped(3);
}

}  // namespace mynacert::rules
