// Is a counter (窓口) open on a given day, and when: the answers over a `CounterSchedule`
// (calendar/schedule.h) and the national holidays (calendar/holidays.h).
//
// The order of the checks, each answer carrying its rule ID (rules.md R-OFF):
//   1. an annual closure (12/29–1/3 by default)            -> closed, R-OFF-1
//   2. a national holiday of any kind, when the schedule closes on them
//        - on an ordinal Saturday with ordinal_saturday_open_on_holiday
//                                                          -> open, saturday_hours, R-OFF-5
//        - otherwise                                       -> closed, R-OFF-1
//   3. an ordinal Saturday (bit n = the n-th Saturday)     -> open, saturday_hours, R-OFF-1
//   4. the weekly hours of the weekday                     -> open or closed, R-OFF-1
// So an annual closure beats an ordinal Saturday, and an ordinal Saturday's hours replace
// weekly[6] on that day. A closed day names one reason, the first that applies; `holiday`
// is set on every national holiday, open or closed, so a caller can still say "元日".
//
// Every function works on dates in 1955–2099 (the holiday tables) and returns kOutOfRange
// outside them. The searches are bounded: a schedule never open within
// kMaxOpenDaySearchDays days gives kNotFound, never an endless loop.
//
// Example:
//   auto day = calendar::CounterDay(counter.schedule, today);
//   if (day.ok()) std::cout << calendar::DescribeDay(*day) << "\n";
//   // 2026-03-14 (土) 開庁 09:00–12:00 (open) [R-OFF-1]
//
// Thread-safety: pure functions of their arguments; safe to call concurrently.
#ifndef MYNACERT_CALENDAR_COUNTER_CALENDAR_H_
#define MYNACERT_CALENDAR_COUNTER_CALENDAR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/holidays.h"
#include "calendar/schedule.h"
#include "core/date.h"
#include "core/result.h"

namespace mynacert::calendar {

// How far NextOpenDay / PreviousOpenDay look before giving up (a year and a month: any real
// counter opens within a few weeks, even across the New Year closure and Golden Week).
inline constexpr int kMaxOpenDaySearchDays = 400;

enum class ClosedReason : uint8_t {
  kNone,             // the day is open
  kWeekday,          // no hours that day of the week (Saturday, Sunday, or a weekday off)
  kNationalHoliday,  // a 休日 of the 祝日法 or of a one-off law; see DayStatus::holiday
  kAnnualClosure,    // e.g. 年末年始 12/29–1/3; see DayStatus::closure
};

// "", "weekday", "national_holiday", "annual_closure" (stable, for JSON and tests).
std::string_view ClosedReasonName(ClosedReason reason);

struct DayStatus {
  Date date;
  bool open = false;
  TimeRange hours{};                          // when open; {0, 0} when closed
  ClosedReason reason = ClosedReason::kNone;  // when closed
  // The national holiday on this day, open or closed; nullptr on an ordinary day. Points into
  // the static holiday table (valid for the life of the program).
  const Holiday* holiday = nullptr;
  AnnualClosure closure{};        // the closure that applied, when reason == kAnnualClosure
  bool ordinal_saturday = false;  // the day is one of the schedule's ordinal Saturdays
  // "R-OFF-5" when an ordinal Saturday opens on a holiday; "R-OFF-1" for every other answer.
  std::string_view rule;
};

// The answer for one day. kOutOfRange outside 1955–2099.
Result<DayStatus> CounterDay(const CounterSchedule& schedule, Date d);

// The first open day on or after `from` (`from` itself when open). kNotFound when none opens
// within kMaxOpenDaySearchDays days; kOutOfRange when the search leaves 1955–2099 first.
Result<DayStatus> NextOpenDay(const CounterSchedule& schedule, Date from);

// The last open day on or before `on_or_before` (R-OFF-6: "if the 40th day is closed, up to
// the open day before it"). Errors as for NextOpenDay.
Result<DayStatus> PreviousOpenDay(const CounterSchedule& schedule, Date on_or_before);

// The number of open days with from <= day <= to. kInvalidArgument when from > to;
// kOutOfRange when either end lies outside 1955–2099.
Result<int> OpenDaysBetween(const CounterSchedule& schedule, Date from, Date to);

// One DayStatus per day with from <= day <= to, in order (for a calendar listing). Errors as
// for OpenDaysBetween.
Result<std::vector<DayStatus>> CounterDays(const CounterSchedule& schedule, Date from, Date to);

// One line for a clerk or a resident, Japanese first with English alongside:
//   "2026-03-14 (土) 開庁 09:00–12:00 (open) [R-OFF-1]"
//   "2026-09-22 (火) 閉庁: 国民の休日 (closed: Citizens' Holiday; 祝日法3条3項) [R-OFF-1]"
//   "2025-12-30 (火) 閉庁: 年末年始 12/29–1/3 (closed: year-end and New Year holidays) [R-OFF-1]"
std::string DescribeDay(const DayStatus& day);

// Checks what the functions above take for granted; profiles call it on load. Errors are
// kInvalidArgument with the field named ("weekly[1]", "saturday_hours", "closures[0]"):
//   - every TimeRange given satisfies 0 <= from_minute < to_minute <= 1440;
//   - ordinal_saturdays uses bits 1..5 only, and then saturday_hours is a valid range;
//   - every closure names days that exist (29 February allowed).
// A schedule that is never open is valid (the searches then return kNotFound).
Status ValidateSchedule(const CounterSchedule& schedule);

}  // namespace mynacert::calendar

#endif  // MYNACERT_CALENDAR_COUNTER_CALENDAR_H_
