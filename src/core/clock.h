// The one source of "now" (style.md habit 2). Services hold a `Clock&`; pure domain code in
// rules/ and calendar/ never sees a clock, only a `Date today` taken once per request or
// counter case, so that a decision can never straddle midnight JST.
//
// Thread-safety: implementations must be safe for concurrent Now() calls.
#ifndef MYNACERT_CORE_CLOCK_H_
#define MYNACERT_CORE_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "core/date.h"

namespace mynacert {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;

  // Now as whole seconds since the Unix epoch (how the stores record times).
  int64_t UnixSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count();
  }
  // Today's date in Japan: JST is UTC+9 with no DST since 1951, so no tz database is needed.
  Date TodayJst() const { return JstDate(Now()); }
  // The date in Japan at `t`.
  static Date JstDate(std::chrono::system_clock::time_point t);
};

// `unix_seconds` in UTC through strftime's `format` ("%Y%m%dT%H%M%SZ" for iCalendar, "%a, %d
// %b %Y %H:%M:%S GMT" for HTTP); the result is at most 63 bytes.
std::string FormatUtc(int64_t unix_seconds, const char* format);

// The wall clock.
class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that says what it is told. For tests and for `--today` on the command line.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t) {}
  // Noon JST on `d`.
  static FixedClock AtJstNoon(Date d);
  std::chrono::system_clock::time_point Now() const override { return t_; }
  void Set(std::chrono::system_clock::time_point t) { t_ = t; }
  void Advance(std::chrono::system_clock::duration d) { t_ += d; }

 private:
  std::chrono::system_clock::time_point t_;
};

// The wall clock moved by a fixed offset: time runs, from another starting point. For a sandbox
// or a demo that must be "open at 10:00" whatever the hour (`serve --clock-start`), never for a
// production counter.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(std::chrono::system_clock::time_point start)
      : offset_(start - std::chrono::system_clock::now()) {}
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now() + offset_; }

 private:
  std::chrono::system_clock::duration offset_;
};

}  // namespace mynacert

#endif  // MYNACERT_CORE_CLOCK_H_
