#include "rules/dates.h"

#include <gtest/gtest.h>

#include <random>

namespace mynacert::rules {
namespace {

using profiles::LeapDayBirthday;
using profiles::WindowReading;
constexpr auto D = Date::Ymd;

TEST(NthBirthdayAfter, DoesNotCountABirthdayOnTheIssueDay) {
  // jpki-facts B1: 「発行の日後」 excludes the issue day.
  EXPECT_EQ(NthBirthdayAfter(D(1980, 7, 7), D(2021, 7, 7), 5, LeapDayBirthday::kFeb28),
            D(2026, 7, 7));
  EXPECT_EQ(NthBirthdayAfter(D(1980, 7, 7), D(2021, 7, 6), 5, LeapDayBirthday::kFeb28),
            D(2025, 7, 7));
  EXPECT_EQ(NthBirthdayAfter(D(1980, 7, 7), D(2021, 7, 8), 1, LeapDayBirthday::kFeb28),
            D(2022, 7, 7));
}

TEST(NthBirthdayAfter, LeapDayBirthdayFollowsTheSetting) {
  const Date birth = D(2000, 2, 29);
  EXPECT_EQ(NthBirthdayAfter(birth, D(2021, 6, 1), 5, LeapDayBirthday::kFeb28), D(2026, 2, 28));
  EXPECT_EQ(NthBirthdayAfter(birth, D(2021, 6, 1), 5, LeapDayBirthday::kMar1), D(2026, 3, 1));
  EXPECT_EQ(NthBirthdayAfter(birth, D(2021, 6, 1), 3, LeapDayBirthday::kFeb28), D(2024, 2, 29));
  // Issued on 28 Feb of a common year: under kFeb28 that day is the birthday and not counted.
  EXPECT_EQ(NthBirthdayAfter(birth, D(2021, 2, 28), 1, LeapDayBirthday::kFeb28), D(2022, 2, 28));
  EXPECT_EQ(NthBirthdayAfter(birth, D(2021, 2, 28), 1, LeapDayBirthday::kMar1), D(2021, 3, 1));
}

TEST(AgeOn, TheNewAgeHoldsOnTheBirthday) {
  EXPECT_EQ(AgeOn(D(2005, 6, 1), D(2023, 6, 1)), 18);
  EXPECT_EQ(AgeOn(D(2005, 6, 2), D(2023, 6, 1)), 17);
  // Born 29 Feb: the age is attained at the end of 28 Feb in a common year.
  EXPECT_EQ(AgeOn(D(2004, 2, 29), D(2019, 2, 28)), 14);
  EXPECT_EQ(AgeOn(D(2004, 2, 29), D(2019, 3, 1)), 15);
  EXPECT_EQ(DateOfAge(D(2004, 2, 29), 15), D(2019, 3, 1));
  EXPECT_EQ(DateOfAge(D(2004, 2, 29), 16), D(2020, 2, 29));
}

struct WindowCase {
  Date expiry;
  Date reading_a;
  Date reading_b;
  const char* source;
};

TEST(RenewalWindowStart, MatchesSeedsAndTheMonthEndTable) {
  const WindowCase cases[] = {
      {D(2025, 7, 7), D(2025, 4, 8), D(2025, 4, 8), "R-WIN-1 seed 001: 7/7 -> 4/8"},
      {D(2020, 9, 24), D(2020, 6, 25), D(2020, 6, 25), "R-WIN-1 seed 002"},
      {D(2026, 3, 24), D(2025, 12, 25), D(2025, 12, 25), "R-WIN-1 seed 003: 3/24 -> 12/25"},
      {D(2026, 5, 31), D(2026, 3, 1), D(2026, 3, 1), "R-WIN-1 rules.md: 5/31 -> 2/28 -> 3/1"},
      {D(2028, 5, 31), D(2028, 3, 1), D(2028, 3, 1), "R-WIN-1: leap-year 5/31"},
      // jpki-facts B2: the dates where the two readings differ.
      {D(2027, 2, 28), D(2026, 11, 29), D(2026, 12, 1), "B2: 28 Feb (common)"},
      {D(2028, 2, 29), D(2027, 11, 30), D(2027, 12, 1), "B2: 29 Feb"},
      {D(2026, 4, 30), D(2026, 1, 31), D(2026, 2, 1), "B2: 30 Apr"},
      {D(2026, 5, 28), D(2026, 3, 1), D(2026, 2, 28), "B2: 28 May (common)"},
      {D(2026, 5, 29), D(2026, 3, 1), D(2026, 2, 28), "B2: 29 May (common)"},
      {D(2026, 5, 30), D(2026, 3, 1), D(2026, 2, 28), "B2: 30 May (common)"},
      {D(2028, 5, 29), D(2028, 3, 1), D(2028, 2, 29), "B2: 29 May (leap)"},
      {D(2028, 5, 30), D(2028, 3, 1), D(2028, 2, 29), "B2: 30 May (leap)"},
      {D(2026, 6, 30), D(2026, 3, 31), D(2026, 4, 1), "B2: 30 Jun"},
      {D(2026, 7, 30), D(2026, 5, 1), D(2026, 4, 30), "B2: 30 Jul"},
      {D(2026, 11, 30), D(2026, 8, 31), D(2026, 9, 1), "B2: 30 Nov"},
      {D(2026, 12, 30), D(2026, 10, 1), D(2026, 9, 30), "B2: 30 Dec"},
  };
  for (const WindowCase& c : cases) {
    EXPECT_EQ(RenewalWindowStart(c.expiry, 3, WindowReading::kCorrespondingDayPlusOne), c.reading_a)
        << c.source;
    EXPECT_EQ(RenewalWindowStart(c.expiry, 3, WindowReading::kCivilCode), c.reading_b) << c.source;
  }
}

// Reading B by definition, scanning every candidate day: the first X such that a three-month
// period counted from X+1 (民法140条) ends after the expiry (民法143条).
Date CivilCodeByScan(Date expiry, int months) {
  for (Date x = expiry.AddDays(-400); x <= expiry; x = x.AddDays(1)) {
    const Date start = x.AddDays(1);
    Date end;
    if (start.day() == 1) {
      end = start.AddMonthsClamped(months - 1).LastDayOfMonth();
    } else {
      const Date t = start.AddMonthsClamped(months);
      end = t.day() != start.day() ? t : t.AddDays(-1);
    }
    if (expiry < end) return x;
  }
  return expiry;
}

TEST(RenewalWindowStart, CivilCodeReadingEqualsAFullScanOnEveryDay) {
  for (Date e = D(2024, 1, 1); e <= D(2029, 12, 31); e = e.AddDays(1)) {
    ASSERT_EQ(RenewalWindowStart(e, 3, WindowReading::kCivilCode), CivilCodeByScan(e, 3))
        << e.ToString();
    ASSERT_EQ(RenewalWindowStart(e, 12, WindowReading::kCivilCode), CivilCodeByScan(e, 12))
        << e.ToString();
  }
}

TEST(RenewalWindowStart, ReadingsDifferOnlyAtMonthEnds) {
  for (Date e = D(2024, 1, 1); e <= D(2035, 12, 31); e = e.AddDays(1)) {
    const Date a = RenewalWindowStart(e, 3, WindowReading::kCorrespondingDayPlusOne);
    const Date b = RenewalWindowStart(e, 3, WindowReading::kCivilCode);
    if (a != b) {
      EXPECT_GE(e.day(), 28u) << e.ToString();
      EXPECT_LE(std::abs(a - b), 2) << e.ToString();
    }
  }
}

TEST(RenewalWindowStart, AbroadOpensOneYearBefore) {
  // R-WIN-3 (seed 002): 1 year before, the day after.
  EXPECT_EQ(RenewalWindowStart(D(2025, 7, 7), 12, WindowReading::kCorrespondingDayPlusOne),
            D(2024, 7, 8));
}

TEST(HealthInsuranceUsableUntil, LastDayOfTheThirdMonthFrom20241202) {
  // R-WIN-7: a February expiry -> 31 May (jpki-facts B4, Matsuyama example).
  EXPECT_EQ(HealthInsuranceUsableUntil(D(2025, 2, 17)), D(2025, 5, 31));
  EXPECT_EQ(HealthInsuranceUsableUntil(D(2024, 12, 2)), D(2025, 3, 31));
  EXPECT_EQ(HealthInsuranceUsableUntil(D(2025, 11, 30)), D(2026, 2, 28));
  // Before 2024-12-02: three months after expiry.
  EXPECT_EQ(HealthInsuranceUsableUntil(D(2024, 10, 15)), D(2025, 1, 15));
  EXPECT_EQ(HealthInsuranceUsableUntil(D(2024, 11, 30)), D(2025, 2, 28));
}

}  // namespace
}  // namespace mynacert::rules
