#include "core/clock.h"

#include <gtest/gtest.h>

namespace mynacert {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::system_clock;

TEST(Clock, TodayJstTurnsAtUtcFifteenHundred) {
  // 2026-07-06 14:59 UTC is 23:59 JST on the 6th; one minute later it is the 7th in Japan.
  const system_clock::time_point t =
      system_clock::time_point(Date::Ymd(2026, 7, 6).sys_days()) + hours(14) + minutes(59);
  FixedClock clock(t);
  EXPECT_EQ(clock.TodayJst(), Date::Ymd(2026, 7, 6));
  clock.Advance(minutes(1));
  EXPECT_EQ(clock.TodayJst(), Date::Ymd(2026, 7, 7));
}

TEST(Clock, AtJstNoonIsThatDay) {
  EXPECT_EQ(FixedClock::AtJstNoon(Date::Ymd(2026, 1, 1)).TodayJst(), Date::Ymd(2026, 1, 1));
}

TEST(FormatUtc, IcalendarAndHttpDates) {
  EXPECT_EQ(FormatUtc(0, "%Y%m%dT%H%M%SZ"), "19700101T000000Z");
  // RFC 7231 7.1.1.1's example.
  EXPECT_EQ(FormatUtc(784111777, "%a, %d %b %Y %H:%M:%S GMT"), "Sun, 06 Nov 1994 08:49:37 GMT");
}

}  // namespace
}  // namespace mynacert
