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

}  // namespace
}  // namespace mynacert
