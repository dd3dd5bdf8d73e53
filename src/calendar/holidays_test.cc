// Runs src/calendar/testdata/holiday_cases.txt (the edge cases of holidays.md §5–§6) and checks
// the tables' shape. The full comparison with independent datasets is the `holiday_oracle` test
// (tools/holiday-oracle/compare.sh).
#include "calendar/holidays.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mynacert::calendar {
namespace {

constexpr auto D = Date::Ymd;

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

TEST(Holidays, EveryEdgeCaseOfTheTable) {
  std::ifstream in(std::string(MYNACERT_SOURCE_DIR) + "/src/calendar/testdata/holiday_cases.txt");
  ASSERT_TRUE(in.good());
  std::string line;
  int n = 0, rows = 0;
  while (std::getline(in, line)) {
    ++n;
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '|')) cols.push_back(Trim(c));
    ASSERT_EQ(cols.size(), 5u) << "line " << n;
    SCOPED_TRACE("holiday_cases.txt:" + std::to_string(n) + " " + cols[0] + " " + cols[4]);
    ++rows;
    auto date = Date::Parse(cols[0]);
    ASSERT_TRUE(date.ok());
    auto h = FindHoliday(*date);
    ASSERT_TRUE(h.ok()) << h.error().ToString();
    if (cols[1] == "none") {
      EXPECT_EQ(*h, nullptr);
      EXPECT_FALSE(IsNationalHoliday(*date));
      continue;
    }
    ASSERT_NE(*h, nullptr);
    EXPECT_TRUE(IsNationalHoliday(*date));
    EXPECT_EQ(HolidayKindName((*h)->kind), cols[1]);
    EXPECT_EQ((*h)->name_ja, cols[2]);
    EXPECT_EQ((*h)->basis.substr(0, cols[3].size()), cols[3]);
    EXPECT_FALSE((*h)->display_ja.empty());
    EXPECT_FALSE((*h)->name_en.empty());
  }
  EXPECT_GE(rows, 60);
}

TEST(Holidays, YearCountsOfTheDatasets) {
  // holidays.md §6: 12 in the smallest years, 22 in 2019, 21 in 2024.
  for (int y : {1970, 1971, 1972, 1977, 1983}) {
    auto year = HolidaysOfYear(y);
    ASSERT_TRUE(year.ok());
    EXPECT_EQ(year->size(), 12u) << y;
  }
  EXPECT_EQ(HolidaysOfYear(2019)->size(), 22u);
  EXPECT_EQ(HolidaysOfYear(2024)->size(), 21u);
  auto between = HolidaysBetween(D(1970, 1, 1), D(2050, 12, 31));
  ASSERT_TRUE(between.ok());
  EXPECT_EQ(between->size(), 1329u);  // holiday_jp 2.5.1, 1970–2050 (holidays.md §7.1)
}

TEST(Holidays, EquinoxTruncationYears) {
  // holidays.md §3: INT truncates toward zero before 1980.
  EXPECT_EQ(*VernalEquinoxDay(1956), 21u);
  EXPECT_EQ(*VernalEquinoxDay(1960), 20u);
  EXPECT_EQ(*AutumnalEquinoxDay(2012), 22u);
  EXPECT_EQ(*AutumnalEquinoxDay(2024), 22u);
  EXPECT_TRUE(IsNationalHoliday(D(1956, 3, 21)));
  EXPECT_TRUE(IsNationalHoliday(D(1960, 3, 20)));
}

TEST(Holidays, RangeIsRefusedOutside1955To2099) {
  EXPECT_FALSE(FindHoliday(D(1954, 12, 31)).ok());
  EXPECT_FALSE(FindHoliday(D(2100, 1, 1)).ok());
  EXPECT_EQ(FindHoliday(D(2100, 1, 1)).error().code, ErrorCode::kOutOfRange);
  EXPECT_FALSE(IsNationalHoliday(D(2100, 1, 1)));
  EXPECT_FALSE(HolidaysOfYear(1954).ok());
  EXPECT_TRUE(HolidaysOfYear(2099).ok());
  EXPECT_FALSE(HolidaysCsv(2026, 2025).ok());
}

TEST(Holidays, ProvisionalBeyondNextYear) {
  EXPECT_FALSE(IsProvisionalYear(2026, 2026));
  EXPECT_FALSE(IsProvisionalYear(2027, 2026));
  EXPECT_TRUE(IsProvisionalYear(2028, 2026));
}

TEST(Holidays, CsvIsTheCabinetOfficeForm) {
  auto csv = HolidaysCsv(2021, 2021);
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("2021-07-22,海の日\n"), std::string::npos);
  EXPECT_NE(csv->find("2021-08-09,休日\n"), std::string::npos);
  EXPECT_EQ(csv->find("2021-10-11"), std::string::npos);
}

}  // namespace
}  // namespace mynacert::calendar
