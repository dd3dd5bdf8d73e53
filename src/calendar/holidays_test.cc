// National holidays: the edge cases of holidays.md §5–§6 (rows of testdata/holiday_cases.txt),
// the year counts of the datasets, and the API's contract. The full comparison with the three
// npm datasets is the `holiday_oracle` CTest test (tools/holiday-oracle).
#include "calendar/holidays.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace mynacert::calendar {
namespace {

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

struct CaseRow {
  int line;
  std::string date, kind, name, basis, why;
};

std::vector<CaseRow> LoadCases() {
  std::ifstream in(std::string(MYNACERT_SOURCE_DIR) + "/src/calendar/testdata/holiday_cases.txt");
  EXPECT_TRUE(in.good());
  std::vector<CaseRow> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string item;
    while (std::getline(ss, item, '|')) cols.push_back(Trim(item));
    EXPECT_EQ(cols.size(), 5u) << "holiday_cases.txt:" << n;
    if (cols.size() == 5) rows.push_back({n, cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

Date D(const std::string& s) {
  auto d = Date::Parse(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date();
}

TEST(Holidays, EveryEdgeCaseRowHolds) {
  const std::vector<CaseRow> rows = LoadCases();
  ASSERT_GE(rows.size(), 80u);  // guards against a parse that silently drops rows
  for (const CaseRow& row : rows) {
    SCOPED_TRACE("holiday_cases.txt:" + std::to_string(row.line) + " " + row.date + " " + row.why);
    const Date d = D(row.date);
    auto h = FindHoliday(d);
    ASSERT_TRUE(h.ok()) << h.error().ToString();
    if (row.kind == "none") {
      EXPECT_EQ(*h, nullptr) << (*h)->name_ja;
      EXPECT_FALSE(IsNationalHoliday(d));
      continue;
    }
    ASSERT_NE(*h, nullptr);
    EXPECT_TRUE(IsNationalHoliday(d));
    EXPECT_EQ((*h)->date, d);
    EXPECT_EQ(HolidayKindName((*h)->kind), row.kind);
    EXPECT_EQ((*h)->name_ja, row.name);
    EXPECT_EQ((*h)->basis.substr(0, row.basis.size()), row.basis) << (*h)->basis;
  }
}

TEST(Holidays, YearCountsMatchTheDatasets) {
  // holidays.md §6: 12 in the smallest years, 22 in 2019 (the record), 21 in 2024.
  const std::map<int, size_t> want = {{1970, 12}, {1971, 12}, {1972, 12}, {1977, 12},
                                      {1983, 12}, {2019, 22}, {2024, 21}, {2026, 18}};
  for (const auto& [year, count] : want) {
    auto span = HolidaysOfYear(year);
    ASSERT_TRUE(span.ok());
    EXPECT_EQ(span->size(), count) << year;
  }
  size_t smallest = 100, largest = 0;
  for (int y = 1970; y <= 2050; ++y) {
    smallest = std::min(smallest, HolidaysOfYear(y)->size());
    largest = std::max(largest, HolidaysOfYear(y)->size());
  }
  EXPECT_EQ(smallest, 12u);
  EXPECT_EQ(largest, 22u);
}

TEST(Holidays, RangeTotalsMatchTheDatasets) {
  // §7: the CSV has 1,050 rows 1955–2026; holiday_jp 1,329 entries 1970–2050, of which 133
  // substitutes, 24 sandwiched days and 5 one-off days; japanese-holidays 1,304 for 2027–2099.
  auto cao = HolidaysBetween(Date::Ymd(1955, 1, 1), Date::Ymd(2026, 12, 31));
  auto hj = HolidaysBetween(Date::Ymd(1970, 1, 1), Date::Ymd(2050, 12, 31));
  auto jh = HolidaysBetween(Date::Ymd(2027, 1, 1), Date::Ymd(2099, 12, 31));
  ASSERT_TRUE(cao.ok() && hj.ok() && jh.ok());
  EXPECT_EQ(cao->size(), 1050u);
  EXPECT_EQ(hj->size(), 1329u);
  EXPECT_EQ(jh->size(), 1304u);
  std::map<HolidayKind, int> kinds;
  for (const Holiday& h : *hj) ++kinds[h.kind];
  EXPECT_EQ(kinds[HolidayKind::kShukujitsu], 1167);
  EXPECT_EQ(kinds[HolidayKind::kFurikae], 133);
  EXPECT_EQ(kinds[HolidayKind::kKokumin], 24);
  EXPECT_EQ(kinds[HolidayKind::kSpecialLaw], 5);
}

TEST(Holidays, SandwichedDaysAreExactlyTheListOfSection5) {
  // Old text 1988–2006 (4 May, not on Sundays or substitute days), 2019, and the Tuesdays
  // between 敬老の日 and 秋分の日 from 2009.
  const std::vector<std::string> want = {
      "1988-05-04", "1989-05-04", "1990-05-04", "1991-05-04", "1993-05-04", "1994-05-04",
      "1995-05-04", "1996-05-04", "1999-05-04", "2000-05-04", "2001-05-04", "2002-05-04",
      "2004-05-04", "2005-05-04", "2006-05-04", "2009-09-22", "2015-09-22", "2019-04-30",
      "2019-05-02", "2026-09-22", "2032-09-21", "2037-09-22", "2043-09-22", "2049-09-21"};
  const auto all = HolidaysBetween(Date::Ymd(1955, 1, 1), Date::Ymd(2050, 12, 31));
  ASSERT_TRUE(all.ok());
  std::vector<std::string> got;
  for (const Holiday& h : *all) {
    if (h.kind == HolidayKind::kKokumin) got.push_back(h.date.ToString());
  }
  EXPECT_EQ(got, want);
}

TEST(Holidays, SubstituteDaysFollowASundayHolidayAndAreMondaysOrSixthOfMay) {
  const auto all = HolidaysBetween(Date::Ymd(1955, 1, 1), Date::Ymd(2099, 12, 31));
  ASSERT_TRUE(all.ok());
  int substitutes = 0;
  for (const Holiday& h : *all) {
    if (h.kind != HolidayKind::kFurikae) continue;
    ++substitutes;
    SCOPED_TRACE(h.date.ToString());
    EXPECT_GE(h.date, Date::Ymd(1973, 4, 12));
    if (h.date.weekday() != 1) {
      EXPECT_EQ(h.date.month(), 5u);
      EXPECT_EQ(h.date.day(), 6u);
      EXPECT_GE(h.date.year(), 2007);
    }
    // Walk back over the 祝日 run to the Sunday that caused it.
    Date d = h.date.AddDays(-1);
    while (d.weekday() != 0) {
      ASSERT_TRUE(IsNationalHoliday(d));
      d = d.AddDays(-1);
    }
    auto sunday = FindHoliday(d);
    ASSERT_TRUE(sunday.ok());
    ASSERT_NE(*sunday, nullptr);
    EXPECT_NE((*sunday)->kind, HolidayKind::kFurikae);
  }
  EXPECT_GT(substitutes, 133);  // 133 in 1970–2050 alone
}

TEST(Holidays, SubstituteAndSandwichedDaysHaveRichDisplayNames) {
  struct Row {
    Date date;
    std::string_view display_ja, display_en, name_en;
  };
  const Row rows[] = {
      {Date::Ymd(2021, 8, 9), "振替休日 (山の日)", "Substitute holiday (Mountain Day)",
       "Substitute Holiday"},
      // holiday_jp names this one after こどもの日; the Sunday was 3 May (憲法記念日).
      {Date::Ymd(2026, 5, 6), "振替休日 (憲法記念日)",
       "Substitute holiday (Constitution Memorial Day)", "Substitute Holiday"},
      {Date::Ymd(2008, 5, 6), "振替休日 (みどりの日)", "Substitute holiday (Greenery Day)",
       "Substitute Holiday"},
      {Date::Ymd(2026, 9, 22), "国民の休日", "Citizens' Holiday", "Citizens' Holiday"},
      {Date::Ymd(2019, 5, 1), "天皇の即位の日", "Enthronement Day", "Enthronement Day"},
      {Date::Ymd(1993, 6, 9), "皇太子徳仁親王の結婚の儀", "Wedding of Crown Prince Naruhito",
       "Wedding of Crown Prince Naruhito"},
      {Date::Ymd(2026, 1, 1), "元日", "New Year's Day", "New Year's Day"},
  };
  for (const Row& r : rows) {
    auto h = FindHoliday(r.date);
    ASSERT_TRUE(h.ok());
    ASSERT_NE(*h, nullptr) << r.date;
    EXPECT_EQ((*h)->display_ja, r.display_ja) << r.date;
    EXPECT_EQ((*h)->display_en, r.display_en) << r.date;
    EXPECT_EQ((*h)->name_en, r.name_en) << r.date;
  }
}

// INT of the 1900–1979 formula truncates toward zero; floor is the trap of holidays.md §3.
int FloorDiv(int a, int b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

TEST(Holidays, EquinoxFormulaTruncatesTowardZeroBefore1980) {
  EXPECT_EQ(*VernalEquinoxDay(1956), 21u);
  EXPECT_EQ(*VernalEquinoxDay(1960), 20u);
  int floor_wrong = 0;
  for (int y = 1955; y <= 1978; ++y) {
    const int n = y - 1980;
    const int with_floor = (20835700 + 242194 * n) / 1000000 - FloorDiv(y - 1983, 4);
    const int autumn_floor = (23258800 + 242194 * n) / 1000000 - FloorDiv(y - 1983, 4);
    const bool vernal_differs = with_floor != static_cast<int>(*VernalEquinoxDay(y));
    const bool autumn_differs = autumn_floor != static_cast<int>(*AutumnalEquinoxDay(y));
    EXPECT_EQ(vernal_differs, autumn_differs) << y;
    floor_wrong += vernal_differs;
  }
  EXPECT_EQ(floor_wrong, 18);  // 1956–58, 1960–62, …, 1976–78
}

TEST(Holidays, EquinoxesStayInTheirKnownRanges) {
  for (int y = 1900; y <= 2099; ++y) {
    EXPECT_GE(*VernalEquinoxDay(y), 19u) << y;
    EXPECT_LE(*VernalEquinoxDay(y), 22u) << y;
    EXPECT_GE(*AutumnalEquinoxDay(y), 22u) << y;
    EXPECT_LE(*AutumnalEquinoxDay(y), 24u) << y;
  }
  EXPECT_EQ(VernalEquinoxDay(1899).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(AutumnalEquinoxDay(2100).error().code, ErrorCode::kOutOfRange);
}

TEST(Holidays, CsvHasTheCabinetOfficeFormat) {
  auto csv = HolidaysCsv(2026, 2026);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv,
            "2026-01-01,元日\n2026-01-12,成人の日\n2026-02-11,建国記念の日\n"
            "2026-02-23,天皇誕生日\n2026-03-20,春分の日\n2026-04-29,昭和の日\n"
            "2026-05-03,憲法記念日\n2026-05-04,みどりの日\n2026-05-05,こどもの日\n"
            "2026-05-06,休日\n2026-07-20,海の日\n2026-08-11,山の日\n2026-09-21,敬老の日\n"
            "2026-09-22,休日\n2026-09-23,秋分の日\n2026-10-12,スポーツの日\n"
            "2026-11-03,文化の日\n2026-11-23,勤労感謝の日\n");
  auto range = HolidaysCsv(2019, 2020);
  ASSERT_TRUE(range.ok());
  EXPECT_NE(range->find("2019-05-01,休日（祝日扱い）\n"), std::string::npos);
  EXPECT_NE(range->find("2020-07-24,スポーツの日\n"), std::string::npos);
  EXPECT_EQ(range->substr(0, range->find('\n')), "2019-01-01,元日");
}

TEST(Holidays, OutOfRangeYearsAreRefusedWithErrorsButAnsweredFalseByTheBitTest) {
  EXPECT_FALSE(IsNationalHoliday(Date::Ymd(1954, 1, 1)));
  EXPECT_FALSE(IsNationalHoliday(Date::Ymd(2100, 1, 1)));
  EXPECT_FALSE(IsNationalHoliday(Date::Ymd(1900, 1, 1)));
  EXPECT_TRUE(IsNationalHoliday(Date::Ymd(1955, 1, 1)));
  EXPECT_TRUE(IsNationalHoliday(Date::Ymd(2099, 11, 23)));
  EXPECT_EQ(FindHoliday(Date::Ymd(1954, 12, 31)).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(FindHoliday(Date::Ymd(2100, 1, 1)).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(HolidaysBetween(Date::Ymd(1954, 1, 1), Date::Ymd(1960, 1, 1)).error().code,
            ErrorCode::kOutOfRange);
  EXPECT_EQ(HolidaysBetween(Date::Ymd(2000, 1, 1), Date::Ymd(2100, 1, 1)).error().code,
            ErrorCode::kOutOfRange);
  EXPECT_EQ(HolidaysOfYear(1954).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(HolidaysCsv(1955, 2100).error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(HolidaysCsv(1954, 2000).error().message.find("1955–2099"), std::string::npos);
}

TEST(Holidays, ReversedRangesAreInvalidArguments) {
  EXPECT_EQ(HolidaysBetween(Date::Ymd(2026, 2, 1), Date::Ymd(2026, 1, 1)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(HolidaysCsv(2027, 2026).error().code, ErrorCode::kInvalidArgument);
}

TEST(Holidays, BetweenIsInclusiveAtBothEnds) {
  auto gw = HolidaysBetween(Date::Ymd(2019, 4, 27), Date::Ymd(2019, 5, 6));
  ASSERT_TRUE(gw.ok());
  std::vector<std::string> dates;
  for (const Holiday& h : *gw) dates.push_back(h.date.ToString());
  EXPECT_EQ(dates,
            (std::vector<std::string>{"2019-04-29", "2019-04-30", "2019-05-01", "2019-05-02",
                                      "2019-05-03", "2019-05-04", "2019-05-05", "2019-05-06"}));
  auto one = HolidaysBetween(Date::Ymd(2026, 1, 1), Date::Ymd(2026, 1, 1));
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].name_ja, "元日");
  EXPECT_TRUE(HolidaysBetween(Date::Ymd(2026, 1, 2), Date::Ymd(2026, 1, 11))->empty());
}

TEST(Holidays, BitTestAgreesWithTheListOnEveryDayOfTheRange) {
  auto all = HolidaysBetween(Date::Ymd(1955, 1, 1), Date::Ymd(2099, 12, 31));
  ASSERT_TRUE(all.ok());
  size_t k = 0;
  int set_bits = 0;
  for (Date d = Date::Ymd(1955, 1, 1); d <= Date::Ymd(2099, 12, 31); d = d.AddDays(1)) {
    const bool listed = k < all->size() && (*all)[k].date == d;
    ASSERT_EQ(IsNationalHoliday(d), listed) << d;
    if (listed) {
      const Holiday* h = *FindHoliday(d);
      ASSERT_NE(h, nullptr) << d;
      ASSERT_EQ(h->date, d);
      ASSERT_EQ(h->name_ja, (*all)[k].name_ja);
      ++k;
      ++set_bits;
    } else {
      ASSERT_EQ(*FindHoliday(d), nullptr) << d;
    }
  }
  EXPECT_EQ(k, all->size());
  EXPECT_EQ(set_bits, static_cast<int>(all->size()));
}

TEST(Holidays, YearSpansPartitionTheTableInDateOrder) {
  size_t total = 0;
  for (int y = kFirstHolidayYear; y <= kLastHolidayYear; ++y) {
    auto span = HolidaysOfYear(y);
    ASSERT_TRUE(span.ok());
    for (size_t i = 0; i < span->size(); ++i) {
      EXPECT_EQ((*span)[i].date.year(), y);
      if (i > 0) {
        EXPECT_LT((*span)[i - 1].date, (*span)[i].date);
      }
      EXPECT_FALSE((*span)[i].name_ja.empty());
      EXPECT_FALSE((*span)[i].basis.empty());
    }
    total += span->size();
  }
  EXPECT_EQ(total, HolidaysBetween(Date::Ymd(1955, 1, 1), Date::Ymd(2099, 12, 31))->size());
}

TEST(Holidays, YearsAfterNextYearAreProvisional) {
  EXPECT_FALSE(IsProvisionalYear(2026, 2026));
  EXPECT_FALSE(IsProvisionalYear(2027, 2026));
  EXPECT_TRUE(IsProvisionalYear(2028, 2026));
  EXPECT_FALSE(IsProvisionalYear(1990, 2026));
}

TEST(Holidays, FirstUseFromManyThreadsBuildsOneTable) {
  // Each GoogleTest case runs in its own process under ctest, so this is the first use here.
  std::vector<std::thread> threads;
  std::vector<int> counts(8, 0);
  std::vector<const Holiday*> firsts(8, nullptr);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &counts, &firsts] {
      for (Date d = Date::Ymd(2019, 1, 1); d <= Date::Ymd(2019, 12, 31); d = d.AddDays(1)) {
        counts[t] += IsNationalHoliday(d);
      }
      firsts[t] = *FindHoliday(Date::Ymd(2019, 5, 1));
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(counts[t], 22);
    EXPECT_EQ(firsts[t], firsts[0]);
    EXPECT_NE(firsts[t], nullptr);
  }
}

}  // namespace
}  // namespace mynacert::calendar
