#include "core/clock.h"

#include <ctime>

namespace mynacert {

Date Clock::JstDate(std::chrono::system_clock::time_point t) {
  const auto jst = t + std::chrono::hours(9);
  return Date(std::chrono::floor<std::chrono::days>(jst));
}

FixedClock FixedClock::AtJstNoon(Date d) {
  return FixedClock(std::chrono::system_clock::time_point(d.sys_days()) + std::chrono::hours(3));
}

std::string FormatUtc(int64_t unix_seconds, const char* format) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace mynacert
