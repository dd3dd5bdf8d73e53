#include "core/clock.h"

namespace mynacert {

Date Clock::JstDate(std::chrono::system_clock::time_point t) {
  const auto jst = t + std::chrono::hours(9);
  return Date(std::chrono::floor<std::chrono::days>(jst));
}

FixedClock FixedClock::AtJstNoon(Date d) {
  return FixedClock(std::chrono::system_clock::time_point(d.sys_days()) + std::chrono::hours(3));
}

}  // namespace mynacert
