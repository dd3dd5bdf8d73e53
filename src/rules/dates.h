// The date arithmetic of the rules, one named function per convention (rules.md R-VAL, R-WIN;
// jpki-facts.md B0–B2). Pure functions of dates; no clock, no I/O.
//
// Conventions, each stated in the output of `mynacert explain` and in docs/rules-engine.md:
//  * "The N-th birthday after the issue date" (発行の日後のN回目の誕生日) does not count a birthday
//    that falls on the issue day itself (「日後」 excludes the day; jpki-facts B1).
//  * A 29 February birthday falls on 28 February in common years (LeapDayBirthday::kFeb28, the
//    default: 道路交通法92条の2 precedent), or on 1 March (kMar1) as a profile setting.
//  * The renewal window opens on "the day after the date three months before expiry"
//    (R-WIN-1). Reading A (default): the corresponding day three months earlier, clamped to that
//    month's last day, plus one day. Reading B: the Civil Code (民法140条・143条) literal — the
//    first day from which the remaining period up to the expiry is shorter than three months.
//    The readings differ only on some month-end expiries (jpki-facts B2).
//  * Age (年齢計算ニ関スル法律, 民法143条): a person attains an age at the end of the day before
//    the birthday, so on the birthday itself the new age holds; someone born on 29 February
//    attains it at the end of 28 February in common years.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RULES_DATES_H_
#define MYNACERT_RULES_DATES_H_

#include "core/date.h"
#include "profiles/model.h"

namespace mynacert::rules {

using profiles::LeapDayBirthday;
using profiles::WindowReading;

// The holder's birthday in `year` under the 29-February convention.
Date BirthdayInYear(Date birth, int year, LeapDayBirthday leap);

// The n-th birthday strictly after `after` (n >= 1): 発行の日後のn回目の誕生日.
// Example: birth 1980-07-07, after 2021-07-07 (a birthday) -> n=1 gives 2022-07-07.
Date NthBirthdayAfter(Date birth, Date after, int n, LeapDayBirthday leap);

// Completed years of age on `on` (the new age holds on the birthday itself).
// Precondition: birth <= on.
int AgeOn(Date birth, Date on);

// The date on which the holder reaches `age` (the birthday in birth.year()+age; 29 February
// births: 1 March in a common year, because the age is attained at the end of 28 February).
Date DateOfAge(Date birth, int age);

// R-WIN-1 / R-WIN-3: the first day of the renewal window for `expiry` when the window is
// `months` long (3; 12 for holders abroad).
Date RenewalWindowStart(Date expiry, int months, WindowReading reading);

// R-WIN-7: the last day the card can be used as a health insurance card (マイナ保険証) after
// the auth cert expires on `auth_expiry`: for expiries from 2024-12-02, the last day of the
// third month after the expiry month; before that, the day three months after expiry.
Date HealthInsuranceUsableUntil(Date auth_expiry);
inline constexpr Date kHealthInsuranceMonthEndRuleFrom = Date::Ymd(2024, 12, 2);

// R-VAL-3: applications received before this date use the age threshold 20, not 18.
inline constexpr Date kAdultAge18From = Date::Ymd(2022, 4, 1);

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_DATES_H_
