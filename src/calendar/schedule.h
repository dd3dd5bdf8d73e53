// When a counter (窓口) is open: the data a municipality profile gives for one counter.
// Pure data; the functions that answer "is it open on 2026-07-07?" are in
// calendar/counter_calendar.h.
//
// R-OFF-1: counters are closed on Saturdays, Sundays, national holidays (every 休日 of the
// 祝日法: 祝日, 振替休日, 国民の休日, one-off days) and 29 Dec–3 Jan (the 条例 default),
// except where a municipality opens on set Saturdays. R-OFF-5: Yokohama's 2nd/4th Saturdays
// stay open even when the Saturday is a holiday.
//
// Thread-safety: a plain value.
#ifndef MYNACERT_CALENDAR_SCHEDULE_H_
#define MYNACERT_CALENDAR_SCHEDULE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mynacert::calendar {

// Minutes after midnight, [from, to). 08:30–17:00 is {510, 1020}.
struct TimeRange {
  int from_minute = 0;
  int to_minute = 0;
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// "08:30".
std::string FormatMinute(int minute);

// An inclusive range of days every year, possibly wrapping the new year: {12,29}–{1,3}.
struct AnnualClosure {
  unsigned from_month = 12, from_day = 29;
  unsigned to_month = 1, to_day = 3;
  friend bool operator==(const AnnualClosure&, const AnnualClosure&) = default;
};

struct CounterSchedule {
  // Opening hours by weekday, 0 = Sunday … 6 = Saturday; nullopt = closed that weekday.
  // Saturday here means "every Saturday"; ordinal Saturdays are below.
  std::array<std::optional<TimeRange>, 7> weekly{};
  // Bit n (1..5) set = the n-th Saturday of the month is open with `saturday_hours`
  // (Yokohama: bits 2 and 4).
  uint8_t ordinal_saturdays = 0;
  TimeRange saturday_hours{};
  // R-OFF-5: an ordinal Saturday that is a national holiday stays open (Yokohama).
  bool ordinal_saturday_open_on_holiday = false;
  // Closed on every 休日 of the 祝日法 (R-OFF-1). True for every seed counter.
  bool closed_on_national_holidays = true;
  // 12/29–1/3 by default (地方自治法 §4-2, the standard 条例).
  std::vector<AnnualClosure> closures{AnnualClosure{}};
};

// A counter's opening hours in one line, for residents: "平日 08:45–17:00、第2・第4土曜日
// 09:00–12:00 (土日祝日・年末年始を除く)" and "Weekdays 08:45–17:00, 2nd and 4th Saturdays
// 09:00–12:00 (closed on other weekends, holidays and 29 Dec–3 Jan)".
std::string HoursJa(const CounterSchedule& s);
std::string HoursEn(const CounterSchedule& s);

}  // namespace mynacert::calendar

#endif  // MYNACERT_CALENDAR_SCHEDULE_H_
