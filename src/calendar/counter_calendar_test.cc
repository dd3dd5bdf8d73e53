#include "calendar/counter_calendar.h"

#include <gtest/gtest.h>

namespace mynacert::calendar {
namespace {

constexpr auto D = Date::Ymd;

CounterSchedule Weekdays(int from, int to) {
  CounterSchedule s;
  for (int wd = 1; wd <= 5; ++wd) s.weekly[wd] = TimeRange{from, to};
  return s;
}

CounterSchedule Yokohama() {  // R-OFF-5
  CounterSchedule s = Weekdays(8 * 60 + 45, 17 * 60);
  s.ordinal_saturdays = (1 << 2) | (1 << 4);
  s.saturday_hours = {9 * 60, 12 * 60};
  s.ordinal_saturday_open_on_holiday = true;
  return s;
}

struct DayCase {
  Date date;
  bool open;
  int from, to;
  ClosedReason reason;
  const char* rule;
  const char* why;
};

TEST(CounterDay, MunicipalCasesOfHolidaysMd) {
  const CounterSchedule yamagata = Weekdays(8 * 60 + 30, 17 * 60);  // R-OFF-2
  const DayCase weekday_cases[] = {
      {D(2025, 12, 26), true, 510, 1020, ClosedReason::kNone, "R-OFF-1", "Friday before the closure"},
      {D(2025, 12, 29), false, 0, 0, ClosedReason::kAnnualClosure, "R-OFF-1", "12/29"},
      {D(2025, 12, 31), false, 0, 0, ClosedReason::kAnnualClosure, "R-OFF-1", "12/31"},
      {D(2026, 1, 1), false, 0, 0, ClosedReason::kAnnualClosure, "R-OFF-1", "元日 inside the closure"},
      {D(2026, 1, 2), false, 0, 0, ClosedReason::kAnnualClosure, "R-OFF-1", "1/2"},
      {D(2026, 1, 5), true, 510, 1020, ClosedReason::kNone, "R-OFF-1", "first open day of 2026"},
      {D(2026, 1, 12), false, 0, 0, ClosedReason::kNationalHoliday, "R-OFF-1", "成人の日"},
      {D(2026, 9, 22), false, 0, 0, ClosedReason::kNationalHoliday, "R-OFF-1", "国民の休日"},
      {D(2026, 11, 21), false, 0, 0, ClosedReason::kWeekday, "R-OFF-1", "a Saturday"},
  };
  for (const DayCase& c : weekday_cases) {
    auto d = CounterDay(yamagata, c.date);
    ASSERT_TRUE(d.ok()) << c.why;
    EXPECT_EQ(d->open, c.open) << c.why;
    EXPECT_EQ(d->reason, c.reason) << c.why;
    EXPECT_EQ(d->rule, c.rule) << c.why;
    if (c.open) {
      EXPECT_EQ(d->hours, (TimeRange{c.from, c.to})) << c.why;
    }
  }
}

TEST(CounterDay, YokohamaSecondAndFourthSaturdays) {
  const DayCase cases[] = {
      {D(2026, 3, 14), true, 540, 720, ClosedReason::kNone, "R-OFF-1", "2nd Saturday"},
      {D(2026, 3, 21), false, 0, 0, ClosedReason::kWeekday, "R-OFF-1", "3rd Saturday"},
      {D(2026, 3, 28), true, 540, 720, ClosedReason::kNone, "R-OFF-1", "4th Saturday"},
      {D(2026, 3, 16), true, 525, 1020, ClosedReason::kNone, "R-OFF-1", "a Monday"},
      // holidays.md §9: 祝日 on a 2nd/4th Saturday stays open (seed 003).
      {D(2023, 2, 11), true, 540, 720, ClosedReason::kNone, "R-OFF-5", "建国記念の日, 2nd Sat"},
      {D(2023, 9, 23), true, 540, 720, ClosedReason::kNone, "R-OFF-5", "秋分の日, 4th Sat"},
      {D(2024, 11, 23), true, 540, 720, ClosedReason::kNone, "R-OFF-5", "勤労感謝の日, 4th Sat"},
      {D(2029, 8, 11), true, 540, 720, ClosedReason::kNone, "R-OFF-5", "山の日, 2nd Sat"},
      {D(2030, 2, 23), true, 540, 720, ClosedReason::kNone, "R-OFF-5", "天皇誕生日, 4th Sat"},
  };
  for (const DayCase& c : cases) {
    auto d = CounterDay(Yokohama(), c.date);
    ASSERT_TRUE(d.ok()) << c.why;
    EXPECT_EQ(d->open, c.open) << c.why;
    EXPECT_EQ(d->reason, c.reason) << c.why;
    EXPECT_EQ(d->rule, c.rule) << c.why;
    if (c.open) {
      EXPECT_EQ(d->hours, (TimeRange{c.from, c.to})) << c.why;
    }
  }
  auto holiday = CounterDay(Yokohama(), D(2023, 2, 11));
  ASSERT_NE(holiday->holiday, nullptr);  // still named, though open
}

TEST(OpenDays, NextPreviousAndBetween) {
  const CounterSchedule s = Weekdays(510, 1020);
  auto next = NextOpenDay(s, D(2025, 12, 27));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->date, D(2026, 1, 5));  // over the weekend and 12/29–1/3
  EXPECT_EQ(NextOpenDay(s, D(2026, 1, 5))->date, D(2026, 1, 5));  // itself when open
  // R-OFF-6: "if the 40th day is closed, the open day before it".
  EXPECT_EQ(PreviousOpenDay(s, D(2026, 1, 3))->date, D(2025, 12, 26));
  EXPECT_EQ(PreviousOpenDay(s, D(2026, 5, 6))->date, D(2026, 5, 1));  // Golden Week
  EXPECT_EQ(*OpenDaysBetween(s, D(2026, 5, 1), D(2026, 5, 31)), 18);  // 4–6 May are holidays
  EXPECT_FALSE(OpenDaysBetween(s, D(2026, 5, 31), D(2026, 5, 1)).ok());
  EXPECT_EQ(CounterDays(s, D(2026, 5, 1), D(2026, 5, 7))->size(), 7u);
}

TEST(OpenDays, NeverOpenScheduleIsAnErrorNotALoop) {
  CounterSchedule never;
  auto next = NextOpenDay(never, D(2026, 1, 1));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(PreviousOpenDay(never, D(2026, 1, 1)).ok());
  EXPECT_EQ(CounterDay(never, D(2100, 1, 1)).error().code, ErrorCode::kOutOfRange);
}

TEST(ValidateSchedule, RejectsBadRanges) {
  CounterSchedule s = Weekdays(510, 1020);
  EXPECT_TRUE(ValidateSchedule(s).ok());
  s.weekly[3] = TimeRange{1020, 510};
  EXPECT_FALSE(ValidateSchedule(s).ok());
  CounterSchedule sat = Weekdays(510, 1020);
  sat.ordinal_saturdays = 1 << 6;
  EXPECT_FALSE(ValidateSchedule(sat).ok());
}

TEST(DescribeDay, JapaneseWithEnglishAndRule) {
  auto d = CounterDay(Yokohama(), D(2026, 3, 14));
  ASSERT_TRUE(d.ok());
  const std::string text = DescribeDay(*d);
  EXPECT_NE(text.find("2026-03-14 (土)"), std::string::npos);
  EXPECT_NE(text.find("09:00"), std::string::npos);
  EXPECT_NE(text.find("R-OFF-1"), std::string::npos);
}

}  // namespace
}  // namespace mynacert::calendar
