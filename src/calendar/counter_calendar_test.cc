// Counter opening days (R-OFF-1, R-OFF-5): the municipal cases of holidays.md §9, the
// searches, and schedule validation. No oracle exists for these; the expected open-day counts
// were computed separately from the holiday_jp dataset.
#include "calendar/counter_calendar.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mynacert::calendar {
namespace {

constexpr int Hm(int h, int m) { return h * 60 + m; }

CounterSchedule Weekdays(TimeRange hours) {
  CounterSchedule s;
  for (int wd = 1; wd <= 5; ++wd) s.weekly[wd] = hours;
  return s;
}

// Seed 000: weekdays 8:30–17:00.
CounterSchedule Yamagata() { return Weekdays({Hm(8, 30), Hm(17, 0)}); }
// Seed 001: City Hall Mon–Fri 9:00–17:45.
CounterSchedule Kanazawa() { return Weekdays({Hm(9, 0), Hm(17, 45)}); }
// Seed 003: weekdays 8:45–17:00; 2nd/4th Saturdays 9:00–12:00, open on a holiday.
CounterSchedule Yokohama() {
  CounterSchedule s = Weekdays({Hm(8, 45), Hm(17, 0)});
  s.ordinal_saturdays = (1 << 2) | (1 << 4);
  s.saturday_hours = {Hm(9, 0), Hm(12, 0)};
  s.ordinal_saturday_open_on_holiday = true;
  return s;
}
// Seed 003's phone line: every day 9:00–17:30, holidays and New Year included.
CounterSchedule PhoneLine() {
  CounterSchedule s;
  for (auto& day : s.weekly) day = TimeRange{Hm(9, 0), Hm(17, 30)};
  s.closed_on_national_holidays = false;
  s.closures.clear();
  return s;
}
CounterSchedule NeverOpen() { return CounterSchedule{}; }

DayStatus Day(const CounterSchedule& s, Date d) {
  auto r = CounterDay(s, d);
  EXPECT_TRUE(r.ok()) << d << ": " << (r.ok() ? "" : r.error().ToString());
  return r.ok() ? *r : DayStatus{};
}

TEST(CounterDay, SeedCountersAreClosedOverTheNewYearAndOpenOnTheFifthOfJanuary) {
  for (const CounterSchedule& s : {Yamagata(), Kanazawa(), Yokohama()}) {
    for (Date d = Date::Ymd(2025, 12, 29); d <= Date::Ymd(2026, 1, 3); d = d.AddDays(1)) {
      const DayStatus day = Day(s, d);
      EXPECT_FALSE(day.open) << d;
      EXPECT_EQ(day.reason, ClosedReason::kAnnualClosure) << d;
      EXPECT_EQ(day.rule, "R-OFF-1");
    }
    // 1 January is still named, though the closure is the reason given.
    ASSERT_NE(Day(s, Date::Ymd(2026, 1, 1)).holiday, nullptr);
    EXPECT_EQ(Day(s, Date::Ymd(2026, 1, 1)).holiday->name_ja, "元日");
    EXPECT_TRUE(Day(s, Date::Ymd(2026, 1, 5)).open);
    EXPECT_TRUE(Day(s, Date::Ymd(2025, 12, 26)).open);
  }
}

struct DayCase {
  const char* what;
  CounterSchedule (*schedule)();
  Date date;
  bool open;
  TimeRange hours;  // when open
  ClosedReason reason;
  const char* rule;
  const char* holiday_ja;  // display_ja of the day's holiday, "" for none
};

const DayCase kDayCases[] = {
    {"a plain Monday",
     Kanazawa,
     Date::Ymd(2026, 1, 5),
     true,
     {Hm(9, 0), Hm(17, 45)},
     ClosedReason::kNone,
     "R-OFF-1",
     ""},
    {"the sandwiched day",
     Kanazawa,
     Date::Ymd(2026, 9, 22),
     false,
     {},
     ClosedReason::kNationalHoliday,
     "R-OFF-1",
     "国民の休日"},
    {"the sandwiched day (Yamagata)",
     Yamagata,
     Date::Ymd(2026, 9, 22),
     false,
     {},
     ClosedReason::kNationalHoliday,
     "R-OFF-1",
     "国民の休日"},
    {"the sandwiched day (Yokohama)",
     Yokohama,
     Date::Ymd(2026, 9, 22),
     false,
     {},
     ClosedReason::kNationalHoliday,
     "R-OFF-1",
     "国民の休日"},
    {"a substitute Wednesday",
     Kanazawa,
     Date::Ymd(2026, 5, 6),
     false,
     {},
     ClosedReason::kNationalHoliday,
     "R-OFF-1",
     "振替休日 (憲法記念日)"},
    {"a Saturday",
     Kanazawa,
     Date::Ymd(2026, 3, 14),
     false,
     {},
     ClosedReason::kWeekday,
     "R-OFF-1",
     ""},
    {"a Sunday",
     Yokohama,
     Date::Ymd(2026, 3, 15),
     false,
     {},
     ClosedReason::kWeekday,
     "R-OFF-1",
     ""},
    {"Yokohama 2nd Saturday",
     Yokohama,
     Date::Ymd(2026, 3, 14),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-1",
     ""},
    {"Yokohama 4th Saturday",
     Yokohama,
     Date::Ymd(2026, 3, 28),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-1",
     ""},
    {"Yokohama 3rd Saturday",
     Yokohama,
     Date::Ymd(2026, 3, 21),
     false,
     {},
     ClosedReason::kWeekday,
     "R-OFF-1",
     ""},
    {"Yokohama 1st Saturday",
     Yokohama,
     Date::Ymd(2026, 3, 7),
     false,
     {},
     ClosedReason::kWeekday,
     "R-OFF-1",
     ""},
    {"Yokohama 5th Saturday",
     Yokohama,
     Date::Ymd(2026, 5, 30),
     false,
     {},
     ClosedReason::kWeekday,
     "R-OFF-1",
     ""},
    {"Yokohama weekday hours",
     Yokohama,
     Date::Ymd(2026, 3, 16),
     true,
     {Hm(8, 45), Hm(17, 0)},
     ClosedReason::kNone,
     "R-OFF-1",
     ""},
    {"Yokohama closed on a Monday holiday",
     Yokohama,
     Date::Ymd(2026, 1, 12),
     false,
     {},
     ClosedReason::kNationalHoliday,
     "R-OFF-1",
     "成人の日"},
    // R-OFF-5: a 2nd/4th Saturday that is a 祝日 stays open (the real cases of holidays.md §9).
    {"建国記念の日 on a 2nd Saturday",
     Yokohama,
     Date::Ymd(2023, 2, 11),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-5",
     "建国記念の日"},
    {"秋分の日 on a 4th Saturday",
     Yokohama,
     Date::Ymd(2023, 9, 23),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-5",
     "秋分の日"},
    {"勤労感謝の日 on a 4th Saturday",
     Yokohama,
     Date::Ymd(2024, 11, 23),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-5",
     "勤労感謝の日"},
    {"山の日 on a 2nd Saturday",
     Yokohama,
     Date::Ymd(2029, 8, 11),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-5",
     "山の日"},
    {"天皇誕生日 on a 4th Saturday",
     Yokohama,
     Date::Ymd(2030, 2, 23),
     true,
     {Hm(9, 0), Hm(12, 0)},
     ClosedReason::kNone,
     "R-OFF-5",
     "天皇誕生日"},
    {"a holiday Saturday is just a Saturday for Kanazawa",
     Kanazawa,
     Date::Ymd(2023, 2, 11),
     false,
     {},
     ClosedReason::kNationalHoliday,
     "R-OFF-1",
     "建国記念の日"},
    {"the phone line on New Year's Day",
     PhoneLine,
     Date::Ymd(2026, 1, 1),
     true,
     {Hm(9, 0), Hm(17, 30)},
     ClosedReason::kNone,
     "R-OFF-1",
     "元日"},
    {"the phone line on a Sunday",
     PhoneLine,
     Date::Ymd(2026, 3, 15),
     true,
     {Hm(9, 0), Hm(17, 30)},
     ClosedReason::kNone,
     "R-OFF-1",
     ""},
    {"never open",
     NeverOpen,
     Date::Ymd(2026, 3, 16),
     false,
     {},
     ClosedReason::kWeekday,
     "R-OFF-1",
     ""},
};

TEST(CounterDay, EveryMunicipalCaseHolds) {
  for (const DayCase& c : kDayCases) {
    SCOPED_TRACE(std::string(c.what) + " " + c.date.ToString());
    const DayStatus day = Day(c.schedule(), c.date);
    EXPECT_EQ(day.date, c.date);
    EXPECT_EQ(day.open, c.open);
    EXPECT_EQ(day.hours, c.open ? c.hours : TimeRange{});
    EXPECT_EQ(day.reason, c.reason);
    EXPECT_EQ(day.rule, c.rule);
    EXPECT_EQ(day.holiday != nullptr ? std::string(day.holiday->display_ja) : "", c.holiday_ja);
  }
}

TEST(CounterDay, WithoutTheHolidayExceptionAHolidaySaturdayIsClosed) {
  CounterSchedule s = Yokohama();
  s.ordinal_saturday_open_on_holiday = false;
  const DayStatus day = Day(s, Date::Ymd(2023, 2, 11));
  EXPECT_FALSE(day.open);
  EXPECT_TRUE(day.ordinal_saturday);
  EXPECT_EQ(day.reason, ClosedReason::kNationalHoliday);
  EXPECT_EQ(day.rule, "R-OFF-1");
}

TEST(CounterDay, TheAnnualClosureBeatsAnOrdinalSaturday) {
  CounterSchedule s = Yokohama();
  s.ordinal_saturdays |= (1 << 1) | (1 << 5);
  // 2029-12-29 is a 5th Saturday, 2028-01-01 a 1st Saturday (and 元日): both in 12/29–1/3.
  for (Date d : {Date::Ymd(2029, 12, 29), Date::Ymd(2028, 1, 1)}) {
    const DayStatus day = Day(s, d);
    EXPECT_TRUE(day.ordinal_saturday) << d;
    EXPECT_FALSE(day.open) << d;
    EXPECT_EQ(day.reason, ClosedReason::kAnnualClosure) << d;
  }
  EXPECT_TRUE(Day(s, Date::Ymd(2028, 1, 8)).open);  // the 2nd Saturday after it
}

TEST(CounterDay, OrdinalSaturdayHoursReplaceEverySaturdayHours) {
  CounterSchedule s = Yokohama();
  s.weekly[6] = TimeRange{Hm(10, 0), Hm(16, 0)};
  EXPECT_EQ(Day(s, Date::Ymd(2026, 3, 14)).hours, (TimeRange{Hm(9, 0), Hm(12, 0)}));
  EXPECT_EQ(Day(s, Date::Ymd(2026, 3, 21)).hours, (TimeRange{Hm(10, 0), Hm(16, 0)}));
}

TEST(CounterDay, AClosureInsideTheYearNeedNotWrap) {
  CounterSchedule s = Kanazawa();
  s.closures.push_back({8, 13, 8, 16});  // an お盆 closure
  EXPECT_EQ(Day(s, Date::Ymd(2026, 8, 13)).reason, ClosedReason::kAnnualClosure);
  EXPECT_EQ(Day(s, Date::Ymd(2026, 8, 14)).reason, ClosedReason::kAnnualClosure);
  EXPECT_TRUE(Day(s, Date::Ymd(2026, 8, 12)).open);
  EXPECT_TRUE(Day(s, Date::Ymd(2026, 8, 17)).open);
}

TEST(CounterDay, DatesOutsideTheHolidayYearsAreOutOfRange) {
  EXPECT_EQ(CounterDay(Kanazawa(), Date::Ymd(1954, 12, 31)).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(CounterDay(Kanazawa(), Date::Ymd(2100, 1, 1)).error().code, ErrorCode::kOutOfRange);
}

struct SearchCase {
  const char* what;
  CounterSchedule (*schedule)();
  bool next;  // NextOpenDay, else PreviousOpenDay
  Date from;
  Date want;
};

const SearchCase kSearchCases[] = {
    {"an open day is its own next open day", Kanazawa, true, Date::Ymd(2026, 1, 5),
     Date::Ymd(2026, 1, 5)},
    {"over the New Year", Kanazawa, true, Date::Ymd(2025, 12, 27), Date::Ymd(2026, 1, 5)},
    {"Yokohama's 4th Saturday before the New Year", Yokohama, true, Date::Ymd(2025, 12, 27),
     Date::Ymd(2025, 12, 27)},
    {"Yokohama over the New Year", Yokohama, true, Date::Ymd(2025, 12, 28), Date::Ymd(2026, 1, 5)},
    {"over Golden Week 2026", Kanazawa, true, Date::Ymd(2026, 5, 2), Date::Ymd(2026, 5, 7)},
    {"over the 10-day Golden Week of 2019", Yamagata, true, Date::Ymd(2019, 4, 27),
     Date::Ymd(2019, 5, 7)},
    {"over the September 2026 long weekend", Kanazawa, true, Date::Ymd(2026, 9, 19),
     Date::Ymd(2026, 9, 24)},
    {"previous: an open day is its own", Kanazawa, false, Date::Ymd(2026, 1, 5),
     Date::Ymd(2026, 1, 5)},
    {"previous: back over the New Year", Kanazawa, false, Date::Ymd(2026, 1, 4),
     Date::Ymd(2025, 12, 26)},
    {"previous: Yokohama's 4th Saturday", Yokohama, false, Date::Ymd(2026, 1, 4),
     Date::Ymd(2025, 12, 27)},
    {"previous: back over Golden Week", Kanazawa, false, Date::Ymd(2026, 5, 6),
     Date::Ymd(2026, 5, 1)},
    {"previous: a Sunday goes back to Friday", Yamagata, false, Date::Ymd(2026, 3, 15),
     Date::Ymd(2026, 3, 13)},
};

TEST(OpenDaySearch, NextAndPreviousOpenDaysAreFound) {
  for (const SearchCase& c : kSearchCases) {
    SCOPED_TRACE(std::string(c.what) + " from " + c.from.ToString());
    auto r = c.next ? NextOpenDay(c.schedule(), c.from) : PreviousOpenDay(c.schedule(), c.from);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->date, c.want);
    EXPECT_TRUE(r->open);
  }
}

TEST(OpenDaySearch, ANeverOpenScheduleIsAnErrorNotAnEndlessLoop) {
  auto next = NextOpenDay(NeverOpen(), Date::Ymd(2026, 1, 1));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::kNotFound);
  EXPECT_NE(next.error().message.find("400"), std::string::npos) << next.error().message;
  auto previous = PreviousOpenDay(NeverOpen(), Date::Ymd(2026, 1, 1));
  ASSERT_FALSE(previous.ok());
  EXPECT_EQ(previous.error().code, ErrorCode::kNotFound);
}

TEST(OpenDaySearch, ASearchLeavingTheHolidayYearsIsOutOfRange) {
  EXPECT_EQ(NextOpenDay(NeverOpen(), Date::Ymd(2099, 12, 1)).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(PreviousOpenDay(NeverOpen(), Date::Ymd(1955, 2, 1)).error().code,
            ErrorCode::kOutOfRange);
  // An open day close to the edge is still found.
  EXPECT_EQ(NextOpenDay(Kanazawa(), Date::Ymd(2099, 12, 26))->date, Date::Ymd(2099, 12, 28));
}

TEST(OpenDaysBetween, CountsInclusively) {
  struct Row {
    CounterSchedule (*schedule)();
    Date from, to;
    int want;
  };
  // Counted separately from the holiday_jp dataset (weekdays not holidays and not in
  // 12/29–1/3; Yokohama adds its 2nd/4th Saturdays outside the closure).
  const Row rows[] = {
      {Kanazawa, Date::Ymd(2026, 1, 1), Date::Ymd(2026, 1, 31), 19},
      {Yokohama, Date::Ymd(2026, 1, 1), Date::Ymd(2026, 1, 31), 21},
      {Kanazawa, Date::Ymd(2026, 1, 1), Date::Ymd(2026, 12, 31), 240},
      {Yokohama, Date::Ymd(2026, 1, 1), Date::Ymd(2026, 12, 31), 264},
      {Kanazawa, Date::Ymd(2019, 4, 1), Date::Ymd(2019, 5, 31), 39},
      {Yokohama, Date::Ymd(2019, 4, 1), Date::Ymd(2019, 5, 31), 43},
      {Kanazawa, Date::Ymd(2025, 12, 1), Date::Ymd(2026, 1, 31), 39},
      {Kanazawa, Date::Ymd(2026, 1, 5), Date::Ymd(2026, 1, 5), 1},
      {Kanazawa, Date::Ymd(2026, 1, 4), Date::Ymd(2026, 1, 4), 0},
      {PhoneLine, Date::Ymd(2026, 1, 1), Date::Ymd(2026, 12, 31), 365},
      {NeverOpen, Date::Ymd(2026, 1, 1), Date::Ymd(2026, 12, 31), 0},
  };
  for (const Row& r : rows) {
    auto n = OpenDaysBetween(r.schedule(), r.from, r.to);
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    EXPECT_EQ(*n, r.want) << r.from << ".." << r.to;
  }
}

TEST(OpenDaysBetween, RefusesReversedAndOutOfRangeRanges) {
  EXPECT_EQ(OpenDaysBetween(Kanazawa(), Date::Ymd(2026, 2, 1), Date::Ymd(2026, 1, 1)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(OpenDaysBetween(Kanazawa(), Date::Ymd(2099, 1, 1), Date::Ymd(2100, 1, 1)).error().code,
            ErrorCode::kOutOfRange);
  EXPECT_EQ(OpenDaysBetween(Kanazawa(), Date::Ymd(1954, 1, 1), Date::Ymd(1955, 1, 1)).error().code,
            ErrorCode::kOutOfRange);
}

TEST(CounterDays, ListsEveryDayInOrder) {
  auto days = CounterDays(Yokohama(), Date::Ymd(2026, 12, 21), Date::Ymd(2027, 1, 10));
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 21u);
  EXPECT_EQ(days->front().date, Date::Ymd(2026, 12, 21));
  EXPECT_EQ(days->back().date, Date::Ymd(2027, 1, 10));
  std::vector<std::string> open;
  for (const DayStatus& d : *days) {
    if (d.open) open.push_back(d.date.ToString());
  }
  EXPECT_EQ(open, (std::vector<std::string>{"2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24",
                                            "2026-12-25", "2026-12-26", "2026-12-28", "2027-01-04",
                                            "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08",
                                            "2027-01-09"}));
}

TEST(DescribeDay, NamesTheReasonInJapaneseAndEnglishWithTheRule) {
  EXPECT_EQ(DescribeDay(Day(Yokohama(), Date::Ymd(2026, 3, 14))),
            "2026-03-14 (土) 開庁 09:00–12:00 (open) [R-OFF-1]");
  EXPECT_EQ(DescribeDay(Day(Yokohama(), Date::Ymd(2023, 2, 11))),
            "2023-02-11 (土) 開庁 09:00–12:00: 建国記念の日ですが第2土曜日は開庁 (open: 2nd "
            "Saturday opening, though National Foundation Day) [R-OFF-5]");
  EXPECT_EQ(DescribeDay(Day(Kanazawa(), Date::Ymd(2026, 9, 22))),
            "2026-09-22 (火) 閉庁: 国民の休日 (closed: Citizens' Holiday; 祝日法3条3項) [R-OFF-1]");
  EXPECT_EQ(DescribeDay(Day(Kanazawa(), Date::Ymd(2025, 12, 30))),
            "2025-12-30 (火) 閉庁: 年末年始 12/29–1/3 (closed: year-end and New Year holidays) "
            "[R-OFF-1]");
  EXPECT_EQ(DescribeDay(Day(Yokohama(), Date::Ymd(2026, 3, 21))),
            "2026-03-21 (土) 閉庁: 土曜日 (closed: Saturday) [R-OFF-1]");
  EXPECT_EQ(DescribeDay(Day(Kanazawa(), Date::Ymd(2021, 8, 9))),
            "2021-08-09 (月) 閉庁: 振替休日 (山の日) (closed: Substitute holiday (Mountain Day); "
            "祝日法3条2項) [R-OFF-1]");
  EXPECT_EQ(DescribeDay(Day(PhoneLine(), Date::Ymd(2026, 1, 1))),
            "2026-01-01 (木) 開庁 09:00–17:30: 元日 (open; New Year's Day) [R-OFF-1]");
}

TEST(ValidateSchedule, AcceptsTheSeedSchedulesAndRefusesBrokenOnes) {
  for (const CounterSchedule& s : {Yamagata(), Kanazawa(), Yokohama(), PhoneLine(), NeverOpen()}) {
    EXPECT_TRUE(ValidateSchedule(s).ok());
  }
  struct Row {
    const char* what;
    CounterSchedule schedule;
    const char* field;
  };
  std::vector<Row> rows;
  {
    CounterSchedule s = Kanazawa();
    s.weekly[1] = TimeRange{Hm(17, 0), Hm(9, 0)};
    rows.push_back({"reversed hours", s, "weekly[1]"});
  }
  {
    CounterSchedule s = Kanazawa();
    s.weekly[3] = TimeRange{Hm(9, 0), Hm(24, 1)};
    rows.push_back({"past midnight", s, "weekly[3]"});
  }
  {
    CounterSchedule s = Yokohama();
    s.ordinal_saturdays = 1;  // bit 0: a "0th Saturday"
    rows.push_back({"bit 0", s, "ordinal_saturdays"});
  }
  {
    CounterSchedule s = Yokohama();
    s.saturday_hours = {};
    rows.push_back({"ordinal Saturdays without hours", s, "saturday_hours"});
  }
  {
    CounterSchedule s = Kanazawa();
    s.closures.push_back({2, 30, 3, 1});
    rows.push_back({"30 February", s, "closures[1]"});
  }
  for (const Row& r : rows) {
    const Status st = ValidateSchedule(r.schedule);
    ASSERT_FALSE(st.ok()) << r.what;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument) << r.what;
    EXPECT_EQ(st.error().field, r.field) << r.what;
  }
  CounterSchedule leap = Kanazawa();
  leap.closures.push_back({2, 29, 2, 29});
  EXPECT_TRUE(ValidateSchedule(leap).ok());
}

// The hours in one line as residents read them (the letters, the residents' page).
TEST(CounterHours, OneLineInJapaneseAndEnglish) {
  EXPECT_EQ(HoursJa(Yokohama()), "平日 08:45–17:00、第2・第4土曜日 09:00–12:00 (土日祝日・年末年始を除く)");
  EXPECT_EQ(HoursEn(Yokohama()),
            "Weekdays 08:45–17:00, 2nd and 4th Saturdays 09:00–12:00 (closed on other weekends, holidays and "
            "29 Dec–3 Jan)");
  EXPECT_EQ(HoursJa(Kanazawa()), "平日 09:00–17:45 (土日祝日・年末年始を除く)");
}

}  // namespace
}  // namespace mynacert::calendar
