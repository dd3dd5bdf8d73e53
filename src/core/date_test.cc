#include "core/date.h"

#include <gtest/gtest.h>

namespace mynacert {
namespace {

TEST(Date, ParsesIsoDates) {
  auto d = Date::Parse("2026-07-07", "today");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 7u);
  EXPECT_EQ(d->day(), 7u);
  EXPECT_EQ(d->ToString(), "2026-07-07");
  EXPECT_EQ(Date::Ymd(1000, 1, 9).ToString(), "1000-01-09");
  EXPECT_EQ(Date::Ymd(9999, 12, 31).ToString(), "9999-12-31");
  EXPECT_EQ(Date::Ymd(812, 10, 1).ToString(), "0812-10-01");
  EXPECT_EQ(d->ToStringWithWeekday(), "2026-07-07 (火)");
}

TEST(Date, RejectsImpossibleDatesNamingTheField) {
  for (const char* bad : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31"}) {
    auto d = Date::Parse(bad, "birth");
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().field, "birth");
    EXPECT_NE(d.error().ToString().find("birth: "), std::string::npos);
  }
  EXPECT_TRUE(Date::Parse("2024-02-29").ok());
}

TEST(Date, RejectsMalformedText) {
  for (const char* bad : {"", "2026-7-7", "2026/07/07", "20260707", "2026-07-07 ", "abcd-ef-gh",
                          "+026-07-07", "2026-07-0x"}) {
    EXPECT_FALSE(Date::Parse(bad).ok()) << bad;
  }
}

TEST(Date, AddMonthsClampsToTheMonthsLastDay) {
  EXPECT_EQ(Date::Ymd(2026, 5, 31).AddMonthsClamped(-3), Date::Ymd(2026, 2, 28));
  EXPECT_EQ(Date::Ymd(2028, 5, 31).AddMonthsClamped(-3), Date::Ymd(2028, 2, 29));
  EXPECT_EQ(Date::Ymd(2026, 3, 24).AddMonthsClamped(-3), Date::Ymd(2025, 12, 24));
  EXPECT_EQ(Date::Ymd(2026, 1, 31).AddMonthsClamped(1), Date::Ymd(2026, 2, 28));
  EXPECT_EQ(Date::Ymd(2024, 2, 29).AddYearsClamped(1), Date::Ymd(2025, 2, 28));
  EXPECT_EQ(Date::Ymd(2024, 2, 29).AddYearsClamped(4), Date::Ymd(2028, 2, 29));
}

TEST(Date, LastDayOfMonthAndWeekday) {
  EXPECT_EQ(Date::Ymd(2026, 2, 10).LastDayOfMonth(), Date::Ymd(2026, 2, 28));
  EXPECT_EQ(Date::Ymd(2028, 2, 10).LastDayOfMonth(), Date::Ymd(2028, 2, 29));
  EXPECT_TRUE(Date::Ymd(2026, 4, 30).IsLastDayOfMonth());
  EXPECT_EQ(Date::Ymd(2026, 11, 22).weekday(), 0u);  // a Sunday
  EXPECT_EQ(Date::Ymd(2026, 11, 23) - Date::Ymd(2026, 11, 22), 1);
}

}  // namespace
}  // namespace mynacert
