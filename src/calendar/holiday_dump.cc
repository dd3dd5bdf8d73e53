// holiday_dump FROM TO: prints the national holidays of the years FROM..TO as
// "YYYY-MM-DD,name" lines (the Cabinet Office CSV names), for tools/holiday-oracle/compare.sh.
// Exit 0 on success, 2 on bad arguments or years outside 1955–2099.
#include <charconv>
#include <cstdio>
#include <string_view>

#include "calendar/holidays.h"

namespace {

bool ParseYear(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  int from = 0;
  int to = 0;
  if (argc != 3 || !ParseYear(argv[1], from) || !ParseYear(argv[2], to)) {
    std::fprintf(stderr, "usage: holiday_dump FROM_YEAR TO_YEAR (1955–2099)\n");
    return 2;
  }
  const auto csv = mynacert::calendar::HolidaysCsv(from, to);
  if (!csv.ok()) {
    std::fprintf(stderr, "holiday_dump: %s\n", csv.error().ToString().c_str());
    return 2;
  }
  std::fwrite(csv->data(), 1, csv->size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
