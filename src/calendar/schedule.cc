#include "calendar/schedule.h"

#include <cstdio>

namespace mynacert::calendar {

std::string FormatMinute(int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

namespace {

std::string Range(const TimeRange& r) { return FormatMinute(r.from_minute) + "–" + FormatMinute(r.to_minute); }

}  // namespace

std::string HoursJa(const CounterSchedule& s) {
  std::string out;
  if (s.weekly[1]) out = "平日 " + Range(*s.weekly[1]);
  if (s.weekly[6]) {
    out += "、土曜日 " + Range(*s.weekly[6]);
  } else if (s.ordinal_saturdays != 0) {
    std::string which;
    for (int n = 1; n <= 5; ++n) {
      if (s.ordinal_saturdays & (1u << n)) which += (which.empty() ? "第" : "・第") + std::to_string(n);
    }
    out += "、" + which + "土曜日 " + Range(s.saturday_hours);
  }
  return out + " (土日祝日・年末年始を除く)";
}

std::string HoursEn(const CounterSchedule& s) {
  static const char* kOrdinal[] = {"", "1st", "2nd", "3rd", "4th", "5th"};
  std::string out;
  if (s.weekly[1]) out = "Weekdays " + Range(*s.weekly[1]);
  if (s.weekly[6]) {
    out += ", Saturdays " + Range(*s.weekly[6]);
  } else if (s.ordinal_saturdays != 0) {
    std::vector<std::string> which;
    for (int n = 1; n <= 5; ++n) {
      if (s.ordinal_saturdays & (1u << n)) which.push_back(kOrdinal[n]);
    }
    std::string list;
    for (size_t i = 0; i < which.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == which.size() ? " and " : ", ") + which[i];
    }
    out += ", " + list + " Saturdays " + Range(s.saturday_hours);
  }
  return out + " (closed on other weekends, holidays and 29 Dec–3 Jan)";
}

}  // namespace mynacert::calendar
