#include "core/clock.h"

namespace mynacert {

Date Clock::TodayJst() const {
  const auto jst = Now() + std::chrono::hours(9);
  return Date(std::chrono::floor<std::chrono::days>(jst));
}

FixedClock FixedClock::AtJstNoon(Date d) {
  return FixedClock(std::chrono::system_clock::time_point(d.sys_days()) + std::chrono::hours(3));
}

}  // namespace mynacert
