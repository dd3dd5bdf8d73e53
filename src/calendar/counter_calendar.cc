#include "calendar/counter_calendar.h"

#include <array>
#include <chrono>

namespace mynacert::calendar {

namespace {

constexpr std::string_view kRuleClosedDays = "R-OFF-1";
constexpr std::string_view kRuleSaturdayOnHoliday = "R-OFF-5";
constexpr unsigned kSaturday = 6;
constexpr uint8_t kOrdinalBits = 0b0011'1110;  // bits 1..5

// 1 for days 1–7, 2 for 8–14, …: the n-th such weekday of the month.
unsigned Ordinal(Date d) { return (d.day() - 1) / 7 + 1; }

bool IsOrdinalSaturday(const CounterSchedule& s, Date d) {
  return d.weekday() == kSaturday && ((s.ordinal_saturdays >> Ordinal(d)) & 1) != 0;
}

bool InClosure(const AnnualClosure& c, Date d) {
  const unsigned md = d.month() * 100 + d.day();
  const unsigned from = c.from_month * 100 + c.from_day;
  const unsigned to = c.to_month * 100 + c.to_day;
  return from <= to ? (md >= from && md <= to) : (md >= from || md <= to);
}

bool ValidRange(const TimeRange& r) {
  return r.from_minute >= 0 && r.from_minute < r.to_minute && r.to_minute <= 24 * 60;
}

bool ValidMonthDay(unsigned m, unsigned d) {
  // A leap year, so that 29 February is accepted.
  return std::chrono::year_month_day(std::chrono::year(2000), std::chrono::month(m),
                                     std::chrono::day(d))
      .ok();
}

std::string Range(const TimeRange& r) {
  return FormatMinute(r.from_minute) + "–" + FormatMinute(r.to_minute);
}

std::string MonthDay(unsigned m, unsigned d) { return std::to_string(m) + "/" + std::to_string(d); }

std::string_view OrdinalEn(unsigned n) {
  static constexpr std::array<std::string_view, 6> kOrdinals = {"",    "1st", "2nd",
                                                                "3rd", "4th", "5th"};
  return kOrdinals[n < kOrdinals.size() ? n : 0];
}

Error NoOpenDay(Date from, std::string_view direction_ja, std::string_view direction_en) {
  return NotFound({}, from.ToString() + " から" + std::string(direction_ja) +
                          std::to_string(kMaxOpenDaySearchDays) +
                          " 日以内に開庁日がありません (no open day within " +
                          std::to_string(kMaxOpenDaySearchDays) + " days " +
                          std::string(direction_en) + " " + from.ToString() + ")");
}

}  // namespace

std::string_view ClosedReasonName(ClosedReason reason) {
  switch (reason) {
    case ClosedReason::kNone:
      return "";
    case ClosedReason::kWeekday:
      return "weekday";
    case ClosedReason::kNationalHoliday:
      return "national_holiday";
    case ClosedReason::kAnnualClosure:
      return "annual_closure";
  }
  return "";
}

Result<DayStatus> CounterDay(const CounterSchedule& schedule, Date d) {
  MYNACERT_ASSIGN_OR_RETURN(const Holiday* holiday, FindHoliday(d));
  DayStatus s;
  s.date = d;
  s.holiday = holiday;
  s.ordinal_saturday = IsOrdinalSaturday(schedule, d);
  s.rule = kRuleClosedDays;

  // R-OFF-1: 地方自治法4条の2 / the 条例's 年末年始 comes before any opening.
  for (const AnnualClosure& c : schedule.closures) {
    if (InClosure(c, d)) {
      s.reason = ClosedReason::kAnnualClosure;
      s.closure = c;
      return s;
    }
  }
  if (holiday != nullptr && schedule.closed_on_national_holidays) {
    // R-OFF-5 (seed 003): Yokohama's 2nd/4th Saturday stays open on a 祝日.
    if (s.ordinal_saturday && schedule.ordinal_saturday_open_on_holiday) {
      s.open = true;
      s.hours = schedule.saturday_hours;
      s.rule = kRuleSaturdayOnHoliday;
      return s;
    }
    s.reason = ClosedReason::kNationalHoliday;
    return s;
  }
  if (s.ordinal_saturday) {
    s.open = true;
    s.hours = schedule.saturday_hours;
    return s;
  }
  if (const auto& hours = schedule.weekly[d.weekday()]) {
    s.open = true;
    s.hours = *hours;
    return s;
  }
  s.reason = ClosedReason::kWeekday;
  return s;
}

Result<DayStatus> NextOpenDay(const CounterSchedule& schedule, Date from) {
  for (int i = 0; i < kMaxOpenDaySearchDays; ++i) {
    MYNACERT_ASSIGN_OR_RETURN(DayStatus s, CounterDay(schedule, from.AddDays(i)));
    if (s.open) return s;
  }
  return NoOpenDay(from, "後", "on or after");
}

Result<DayStatus> PreviousOpenDay(const CounterSchedule& schedule, Date on_or_before) {
  for (int i = 0; i < kMaxOpenDaySearchDays; ++i) {
    MYNACERT_ASSIGN_OR_RETURN(DayStatus s, CounterDay(schedule, on_or_before.AddDays(-i)));
    if (s.open) return s;
  }
  return NoOpenDay(on_or_before, "前", "on or before");
}

Result<std::vector<DayStatus>> CounterDays(const CounterSchedule& schedule, Date from, Date to) {
  // Checks both ends first, so that an out-of-range `to` fails before any work.
  MYNACERT_RETURN_IF_ERROR(FindHoliday(to));
  if (from > to) {
    return InvalidArgument({}, from.ToString() + " が " + to.ToString() +
                                   " より後です (the range starts after it ends)");
  }
  std::vector<DayStatus> days;
  days.reserve(static_cast<size_t>(to - from) + 1);
  for (Date d = from; d <= to; d = d.AddDays(1)) {
    MYNACERT_ASSIGN_OR_RETURN(DayStatus s, CounterDay(schedule, d));
    days.push_back(s);
  }
  return days;
}

Result<int> OpenDaysBetween(const CounterSchedule& schedule, Date from, Date to) {
  MYNACERT_ASSIGN_OR_RETURN(const std::vector<DayStatus> days, CounterDays(schedule, from, to));
  int open = 0;
  for (const DayStatus& s : days) open += s.open ? 1 : 0;
  return open;
}

std::string DescribeDay(const DayStatus& day) {
  std::string out = day.date.ToStringWithWeekday();
  const std::string rule = " [" + std::string(day.rule) + "]";
  if (day.open) {
    out += " 開庁 " + Range(day.hours);
    if (day.holiday != nullptr && day.rule == kRuleSaturdayOnHoliday) {
      const unsigned n = Ordinal(day.date);
      out += ": " + std::string(day.holiday->display_ja) + "ですが第" + std::to_string(n) +
             "土曜日は開庁 (open: " + std::string(OrdinalEn(n)) + " Saturday opening, though " +
             std::string(day.holiday->display_en) + ")";
    } else if (day.holiday != nullptr) {
      out += ": " + std::string(day.holiday->display_ja) + " (open; " +
             std::string(day.holiday->display_en) + ")";
    } else {
      out += " (open)";
    }
    return out + rule;
  }
  out += " 閉庁: ";
  switch (day.reason) {
    case ClosedReason::kAnnualClosure: {
      const AnnualClosure& c = day.closure;
      const std::string span =
          MonthDay(c.from_month, c.from_day) + "–" + MonthDay(c.to_month, c.to_day);
      const bool new_year = c.from_month > c.to_month;
      out += (new_year ? "年末年始 " : "休業期間 ") + span +
             (new_year ? " (closed: year-end and New Year holidays)" : " (closed: annual closure)");
      break;
    }
    case ClosedReason::kNationalHoliday:
      out += std::string(day.holiday->display_ja) +
             " (closed: " + std::string(day.holiday->display_en) + "; " +
             std::string(day.holiday->basis) + ")";
      break;
    case ClosedReason::kWeekday:
    case ClosedReason::kNone: {
      const unsigned wd = day.date.weekday();
      if (wd == 0) {
        out += "日曜日 (closed: Sunday)";
      } else if (wd == kSaturday) {
        out += "土曜日 (closed: Saturday)";
      } else {
        out += std::string(WeekdayJa(wd)) + "曜日は休み (closed on this day of the week)";
      }
      break;
    }
  }
  return out + rule;
}

Status ValidateSchedule(const CounterSchedule& schedule) {
  auto bad_range = [](std::string field, const TimeRange& r) {
    return InvalidArgument(std::move(field), "受付時間 " + Range(r) +
                                                 " が不正です (hours must satisfy 00:00 <= from "
                                                 "< to <= 24:00)");
  };
  for (size_t wd = 0; wd < schedule.weekly.size(); ++wd) {
    const auto& hours = schedule.weekly[wd];
    if (hours && !ValidRange(*hours))
      return bad_range("weekly[" + std::to_string(wd) + "]", *hours);
  }
  if ((schedule.ordinal_saturdays & ~kOrdinalBits) != 0) {
    return InvalidArgument("ordinal_saturdays",
                           "第n土曜日の指定は 1〜5 のみです (only bits 1..5, the 1st to 5th "
                           "Saturday, may be set)");
  }
  if (schedule.ordinal_saturdays != 0 && !ValidRange(schedule.saturday_hours)) {
    return bad_range("saturday_hours", schedule.saturday_hours);
  }
  for (size_t i = 0; i < schedule.closures.size(); ++i) {
    const AnnualClosure& c = schedule.closures[i];
    if (!ValidMonthDay(c.from_month, c.from_day) || !ValidMonthDay(c.to_month, c.to_day)) {
      return InvalidArgument("closures[" + std::to_string(i) + "]",
                             "休業期間 " + MonthDay(c.from_month, c.from_day) + "–" +
                                 MonthDay(c.to_month, c.to_day) +
                                 " に存在しない日付があります (the closure names a day that "
                                 "does not exist)");
    }
  }
  return Status();
}

}  // namespace mynacert::calendar
