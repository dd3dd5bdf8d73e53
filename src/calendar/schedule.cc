#include "calendar/schedule.h"

#include <cstdio>

namespace mynacert::calendar {

std::string FormatMinute(int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

}  // namespace mynacert::calendar
