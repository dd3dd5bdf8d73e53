// The booking rules without a database (booking_rules.h), one row per rule edge, with the
// Yokohama and Kanazawa profiles and real dates: 2026's holidays, the 12/29–1/3 closure, a
// 2nd Saturday that is a holiday (2029-08-11 山の日; 2026 has no holiday on a Saturday), a 40th
// day on a Sunday.
#include "reservations/booking_rules.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "profiles/loader.h"

namespace mynacert::reservations {
namespace {

using profiles::Municipality;

const profiles::Registry& Reg() {
  static const profiles::Registry reg = *profiles::Registry::Builtin();
  return reg;
}
const Municipality& Profile(std::string_view id) { return **Reg().Find(id); }

constexpr int Hm(int h, int m) { return h * 60 + m; }
JstDateTime At(int y, unsigned mo, unsigned d, int h, int mi) {
  return JstDateTime{Date::Ymd(y, mo, d), Hm(h, mi)};
}

struct Row {
  const char* what;
  const char* municipality;
  const char* counter;
  Date date;
  int start;
  JstDateTime now;
  std::optional<Date> window_start;
  std::optional<RefusalCode> refusal;  // nullopt = bookable
  const char* rule;                    // of the refusal
  const char* text;                    // a piece of the Japanese reason ("" = not checked)
};

constexpr std::optional<RefusalCode> kOk = std::nullopt;
const std::optional<Date> kNoWindow = std::nullopt;

TEST(CheckBooking, EveryRuleEdge) {
  const Date nov1 = Date::Ymd(2026, 11, 1);
  const Row rows[] = {
      // ---- Yokohama (R-OFF-5/6): weekdays 8:45–17:00, 2nd/4th Saturdays 9:00–12:00 ----
      {"a weekday slot", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(9, 15),
       At(2026, 11, 20, 10, 0), nov1, kOk, "", ""},
      {"the first slot at opening", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(8, 45),
       At(2026, 11, 20, 10, 0), nov1, kOk, "", ""},
      {"the last slot, 16:45–17:00", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1),
       Hm(16, 45), At(2026, 11, 20, 10, 0), nov1, kOk, "", ""},
      {"17:00 is closing, not a slot", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1),
       Hm(17, 0), At(2026, 11, 20, 10, 0), nov1, RefusalCode::kNoSuchSlot, "R-OFF-5", "17:00"},
      {"off the 30-minute grid", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(9, 0),
       At(2026, 11, 20, 10, 0), nov1, RefusalCode::kNoSuchSlot, "R-OFF-5", "08:45–17:00"},
      {"before opening", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(8, 15),
       At(2026, 11, 20, 10, 0), nov1, RefusalCode::kNoSuchSlot, "R-OFF-5", ""},

      // R-OFF-6: until 17:00 the day before.
      {"16:59 the day before", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(9, 15),
       At(2026, 11, 30, 16, 59), nov1, kOk, "", ""},
      {"17:00 the day before", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(9, 15),
       At(2026, 11, 30, 17, 0), nov1, RefusalCode::kDeadlinePassed, "R-OFF-6",
       "前日 2026-11-30 の 17:00 まで"},
      {"the same day", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1), Hm(15, 15),
       At(2026, 12, 1, 8, 0), nov1, RefusalCode::kDeadlinePassed, "R-OFF-6", ""},
      {"a Monday: the day before is the Sunday, 16:59", "yokohama", "yokohama-naka",
       Date::Ymd(2026, 12, 7), Hm(8, 45), At(2026, 12, 6, 16, 59), nov1, kOk, "", ""},
      {"a Monday: the Sunday at 17:00", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 7),
       Hm(8, 45), At(2026, 12, 6, 17, 0), nov1, RefusalCode::kDeadlinePassed, "R-OFF-6",
       "2026-12-06"},
      {"after the New Year closure: the deadline falls inside it", "yokohama", "yokohama-naka",
       Date::Ymd(2027, 1, 4), Hm(8, 45), At(2027, 1, 3, 16, 59), Date::Ymd(2026, 12, 1), kOk, "",
       ""},

      // R-OFF-6: from the first day of the renewal window (R-WIN-1: expiry 3/24 -> 12/25).
      {"the day before the window opens", "yokohama", "yokohama-naka", Date::Ymd(2027, 1, 5),
       Hm(9, 15), At(2026, 12, 24, 23, 59), Date::Ymd(2026, 12, 25), RefusalCode::kBeforeWindow,
       "R-OFF-6", "2026-12-25"},
      {"the window's first day, midnight", "yokohama", "yokohama-naka", Date::Ymd(2027, 1, 5),
       Hm(9, 15), At(2026, 12, 25, 0, 0), Date::Ymd(2026, 12, 25), kOk, "", ""},
      {"window unknown: not checked", "yokohama", "yokohama-naka", Date::Ymd(2027, 1, 5),
       Hm(9, 15), At(2026, 12, 24, 12, 0), kNoWindow, kOk, "", ""},

      // R-OFF-6: at most 40 days ahead. From Tue 2026-06-02 the 40th day is Sun 07-12; the
      // open day before it is Sat 07-11, a 2nd Saturday (9:00–12:00).
      {"40th day a Sunday: the 2nd Saturday before it", "yokohama", "yokohama-naka",
       Date::Ymd(2026, 7, 11), Hm(11, 30), At(2026, 6, 2, 10, 0), kNoWindow, kOk, "", ""},
      {"40th day a Sunday: closed", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 12),
       Hm(9, 15), At(2026, 6, 2, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1",
       "日曜日"},
      {"the 41st day", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 13), Hm(8, 45),
       At(2026, 6, 2, 10, 0), kNoWindow, RefusalCode::kTooFarAhead, "R-OFF-6",
       "その前の開庁日 2026-07-11 (土) まで"},
      {"a Saturday closes at 12:00", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 11),
       Hm(12, 0), At(2026, 6, 2, 10, 0), kNoWindow, RefusalCode::kNoSuchSlot, "R-OFF-5",
       "09:00–12:00"},
      // From Tue 2026-06-09 the 40th day is Sun 07-19; Sat 07-18 is a 3rd Saturday (closed):
      // the limit is Fri 07-17. Mon 07-20 is 海の日.
      {"fall back past a 3rd Saturday to the Friday", "yokohama", "yokohama-naka",
       Date::Ymd(2026, 7, 17), Hm(16, 45), At(2026, 6, 9, 10, 0), kNoWindow, kOk, "", ""},
      {"a 3rd Saturday is closed", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 18),
       Hm(9, 0), At(2026, 6, 9, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "土曜日"},
      {"海の日 is closed", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 20), Hm(9, 15),
       At(2026, 6, 9, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "海の日"},
      {"after the limit", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 21), Hm(9, 15),
       At(2026, 6, 9, 10, 0), kNoWindow, RefusalCode::kTooFarAhead, "R-OFF-6", "2026-07-17"},
      // From Mon 2026-06-01 the 40th day is Sat 07-11, open: it is the limit itself.
      {"40th day an open 2nd Saturday", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 11),
       Hm(9, 0), At(2026, 6, 1, 10, 0), kNoWindow, kOk, "", ""},
      {"the Monday after it", "yokohama", "yokohama-naka", Date::Ymd(2026, 7, 13), Hm(9, 15),
       At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kTooFarAhead, "R-OFF-6", "2026-07-11"},

      // R-OFF-1 / R-OFF-5: holidays, the 12/29–1/3 closure, Saturdays.
      {"文化の日", "yokohama", "yokohama-naka", Date::Ymd(2026, 11, 3), Hm(9, 15),
       At(2026, 10, 20, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "文化の日"},
      {"勤労感謝の日", "yokohama", "yokohama-naka", Date::Ymd(2026, 11, 23), Hm(9, 15),
       At(2026, 11, 1, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "勤労感謝の日"},
      {"国民の休日", "yokohama", "yokohama-naka", Date::Ymd(2026, 9, 22), Hm(9, 15),
       At(2026, 9, 1, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "国民の休日"},
      {"12/28 is open", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 28), Hm(16, 45),
       At(2026, 12, 1, 10, 0), kNoWindow, kOk, "", ""},
      {"12/29 year-end closure", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 29), Hm(9, 15),
       At(2026, 12, 1, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "年末年始 12/29–1/3"},
      {"1/2 New Year closure", "yokohama", "yokohama-naka", Date::Ymd(2027, 1, 2), Hm(9, 0),
       At(2026, 12, 1, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "年末年始"},
      {"1/4 reopens", "yokohama", "yokohama-naka", Date::Ymd(2027, 1, 4), Hm(8, 45),
       At(2026, 12, 28, 16, 0), kNoWindow, kOk, "", ""},
      {"4th Saturday 12/26", "yokohama", "yokohama-naka", Date::Ymd(2026, 12, 26), Hm(11, 30),
       At(2026, 12, 1, 10, 0), kNoWindow, kOk, "", ""},
      {"山の日 on a 2nd Saturday is open (R-OFF-5)", "yokohama", "yokohama-naka",
       Date::Ymd(2029, 8, 11), Hm(9, 0), At(2029, 7, 20, 10, 0), kNoWindow, kOk, "", ""},
      {"a Saturday has no 08:45 slot", "yokohama", "yokohama-naka", Date::Ymd(2029, 8, 11),
       Hm(8, 45), At(2029, 7, 20, 10, 0), kNoWindow, RefusalCode::kNoSuchSlot, "R-OFF-5", ""},

      // R-OFF-5: 青葉区 and 西区 take walk-ins only.
      {"西区 walk-in", "yokohama", "yokohama-nishi", Date::Ymd(2026, 12, 1), Hm(9, 15),
       At(2026, 11, 20, 10, 0), nov1, RefusalCode::kWalkIn, "R-OFF-5", "直接お越しください"},
      {"青葉区 walk-in", "yokohama", "yokohama-aoba", Date::Ymd(2026, 12, 1), Hm(9, 15),
       At(2026, 11, 20, 10, 0), nov1, RefusalCode::kWalkIn, "R-OFF-5", "青葉区"},

      // ---- Kanazawa (R-OFF-3): City Hall 9:00–17:45 by LINE, a week or more ahead ----
      {"exactly 7 days ahead", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 6, 8), Hm(9, 0),
       At(2026, 6, 1, 10, 0), kNoWindow, kOk, "", ""},
      {"6 days ahead", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 6, 5), Hm(9, 0),
       At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kTooSoon, "R-OFF-3", "2026-06-08"},
      {"tomorrow", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 6, 2), Hm(9, 0),
       At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kTooSoon, "R-OFF-3", ""},
      {"the short last slot 17:30–17:45", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 6, 8),
       Hm(17, 30), At(2026, 6, 1, 10, 0), kNoWindow, kOk, "", ""},
      {"17:45 is closing", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 6, 8), Hm(17, 45),
       At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kNoSuchSlot, "R-OFF-3", ""},
      {"no 40-day limit in Kanazawa", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 12, 1),
       Hm(9, 0), At(2026, 6, 1, 10, 0), kNoWindow, kOk, "", ""},
      {"no window rule in Kanazawa", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 12, 1),
       Hm(9, 0), At(2026, 6, 1, 10, 0), Date::Ymd(2026, 11, 1), kOk, "", ""},
      {"a Saturday", "kanazawa", "kanazawa-cityhall", Date::Ymd(2026, 6, 13), Hm(9, 0),
       At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kClosedDay, "R-OFF-1", "土曜日"},
      {"a holiday 2nd Saturday is just a Saturday here", "kanazawa", "kanazawa-cityhall",
       Date::Ymd(2029, 8, 11), Hm(9, 0), At(2029, 7, 20, 10, 0), kNoWindow,
       RefusalCode::kClosedDay, "R-OFF-1", "山の日"},
      {"市民センター: walk-in", "kanazawa", "kanazawa-shimin-center", Date::Ymd(2026, 6, 8),
       Hm(9, 0), At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kWalkIn, "R-OFF-3", ""},

      // ---- Yamagata (R-OFF-2): no reservation ----
      {"Yamagata City Hall", "yamagata", "yamagata-cityhall", Date::Ymd(2026, 6, 8), Hm(9, 0),
       At(2026, 6, 1, 10, 0), kNoWindow, RefusalCode::kWalkIn, "R-OFF-2", ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    const Municipality& m = Profile(row.municipality);
    const profiles::Counter* c = m.FindCounter(row.counter);
    ASSERT_NE(c, nullptr);
    auto verdict = CheckBooking(m, *c, row.date, row.start, row.now, row.window_start);
    ASSERT_TRUE(verdict.ok()) << verdict.error().ToString();
    if (!row.refusal) {
      EXPECT_FALSE(verdict->has_value())
          << RefusalCodeName((*verdict)->code) << ": " << (*verdict)->reason.ja;
      continue;
    }
    ASSERT_TRUE(verdict->has_value());
    const Refusal& r = **verdict;
    EXPECT_EQ(RefusalCodeName(r.code), RefusalCodeName(*row.refusal)) << r.reason.ja;
    EXPECT_EQ(r.reason.rule, row.rule) << r.reason.ja;
    EXPECT_TRUE(rules::IsKnownRule(r.reason.rule));
    EXPECT_FALSE(r.reason.en.empty());
    EXPECT_NE(r.reason.ja.find(row.text), std::string::npos) << r.reason.ja;
  }
}

TEST(CheckBooking, PastSlotsWithoutAnyLimit) {
  // A profile with no deadline and no minimum: only "already begun" stops a booking.
  Municipality m = Profile("kanazawa");
  m.reservation.min_days_ahead = 0;
  const profiles::Counter& c = *m.FindCounter("kanazawa-cityhall");
  const JstDateTime now = At(2026, 6, 8, 9, 30);
  auto begun = CheckBooking(m, c, now.date, Hm(9, 30), now, std::nullopt);
  ASSERT_TRUE(begun.ok() && begun->has_value());
  EXPECT_EQ((*begun)->code, RefusalCode::kPast);
  EXPECT_EQ((*begun)->reason.rule, "R-OFF-3");
  auto yesterday = CheckBooking(m, c, Date::Ymd(2026, 6, 5), Hm(9, 30), now, std::nullopt);
  ASSERT_TRUE(yesterday.ok() && yesterday->has_value());
  EXPECT_EQ((*yesterday)->code, RefusalCode::kPast);
  auto later = CheckBooking(m, c, now.date, Hm(10, 0), now, std::nullopt);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->has_value());
}

TEST(LastBookableDay, FallsBackOverClosedDaysOnlyWhenSet) {
  Municipality m = Profile("yokohama");
  const profiles::Counter& c = *m.FindCounter("yokohama-naka");
  EXPECT_EQ(**LastBookableDay(m, c, Date::Ymd(2026, 6, 2)), Date::Ymd(2026, 7, 11));  // 2nd Sat
  EXPECT_EQ(**LastBookableDay(m, c, Date::Ymd(2026, 6, 9)), Date::Ymd(2026, 7, 17));  // Fri
  EXPECT_EQ(**LastBookableDay(m, c, Date::Ymd(2026, 6, 1)), Date::Ymd(2026, 7, 11));  // open
  // 2026-11-19 + 40 = 12-29, in the closure: back to Mon 12-28.
  EXPECT_EQ(**LastBookableDay(m, c, Date::Ymd(2026, 11, 19)), Date::Ymd(2026, 12, 28));
  // 2026-11-24 + 40 = 2027-01-03: back over the whole closure and the 4th Saturday 12-26? No:
  // 12-28 (Mon) is the last open day before 1/3.
  EXPECT_EQ(**LastBookableDay(m, c, Date::Ymd(2026, 11, 24)), Date::Ymd(2026, 12, 28));
  m.reservation.max_day_closed_falls_back = false;
  EXPECT_EQ(**LastBookableDay(m, c, Date::Ymd(2026, 6, 2)), Date::Ymd(2026, 7, 12));
  EXPECT_FALSE(LastBookableDay(Profile("kanazawa"), *Profile("kanazawa").FindCounter("kanazawa-cityhall"),
                               Date::Ymd(2026, 6, 2))->has_value());
}

TEST(SlotsForDay, HoursCutIntoSlots) {
  const Municipality& y = Profile("yokohama");
  const profiles::Counter& naka = *y.FindCounter("yokohama-naka");
  auto weekday = SlotsForDay(y, naka, Date::Ymd(2026, 12, 1));
  ASSERT_TRUE(weekday.ok());
  EXPECT_FALSE(weekday->refusal);
  ASSERT_EQ(weekday->slots.size(), 17u);  // 08:45 … 16:45, 495 minutes / 30
  EXPECT_EQ(weekday->slots.front().start_minute, Hm(8, 45));
  EXPECT_EQ(weekday->slots.front().end_minute, Hm(9, 15));
  EXPECT_EQ(weekday->slots.back().start_minute, Hm(16, 45));
  EXPECT_EQ(weekday->slots.back().end_minute, Hm(17, 0));
  EXPECT_EQ(weekday->slots.front().capacity, 2);

  auto saturday = SlotsForDay(y, naka, Date::Ymd(2029, 8, 11));  // 山の日, 2nd Saturday
  ASSERT_TRUE(saturday.ok());
  ASSERT_EQ(saturday->slots.size(), 6u);  // 09:00 … 11:30
  EXPECT_EQ(saturday->day.rule, "R-OFF-5");

  auto closed = SlotsForDay(y, naka, Date::Ymd(2026, 12, 30));
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->slots.empty());
  ASSERT_TRUE(closed->refusal);
  EXPECT_EQ(closed->refusal->code, RefusalCode::kClosedDay);

  auto walk_in = SlotsForDay(y, *y.FindCounter("yokohama-nishi"), Date::Ymd(2026, 12, 1));
  ASSERT_TRUE(walk_in.ok());
  EXPECT_TRUE(walk_in->slots.empty());
  ASSERT_TRUE(walk_in->refusal);
  EXPECT_EQ(walk_in->refusal->code, RefusalCode::kWalkIn);
  EXPECT_EQ(walk_in->refusal->reason.rule, "R-OFF-5");

  const Municipality& k = Profile("kanazawa");
  auto city_hall = SlotsForDay(k, *k.FindCounter("kanazawa-cityhall"), Date::Ymd(2026, 6, 8));
  ASSERT_TRUE(city_hall.ok());
  ASSERT_EQ(city_hall->slots.size(), 18u);  // 09:00 … 17:30 (15 minutes)
  EXPECT_EQ(city_hall->slots.back().end_minute - city_hall->slots.back().start_minute, 15);

  EXPECT_FALSE(SlotsForDay(y, naka, Date::Ymd(2100, 1, 4)).ok());  // beyond the holiday tables
}

TEST(OfficeRules, FromTheSeed) {
  EXPECT_EQ(OfficeRulesOf(Profile("yokohama")).counters, "R-OFF-5");
  EXPECT_EQ(OfficeRulesOf(Profile("yokohama")).bookings, "R-OFF-6");
  EXPECT_EQ(OfficeRulesOf(Profile("kanazawa")).counters, "R-OFF-3");
  EXPECT_EQ(OfficeRulesOf(Profile("kanazawa")).bookings, "R-OFF-3");
  EXPECT_EQ(OfficeRulesOf(Profile("yamagata")).counters, "R-OFF-2");
  Municipality sixth = Profile("yamagata");
  sixth.seed.clear();
  EXPECT_EQ(OfficeRulesOf(sixth).counters, "R-OFF-1");
}

TEST(CheckCode, MunicipalityAndExpiry) {
  const Municipality& y = Profile("yokohama");
  CodeRecord code{"X", 1, "yokohama", Date::Ymd(2027, 3, 24), Date::Ymd(2026, 12, 25)};
  EXPECT_FALSE(CheckCode(y, code, At(2027, 3, 24, 23, 59)));  // the expiry day itself
  auto lapsed = CheckCode(y, code, At(2027, 3, 25, 0, 0));
  ASSERT_TRUE(lapsed);
  EXPECT_EQ(lapsed->code, RefusalCode::kCodeExpired);
  EXPECT_NE(lapsed->reason.ja.find("2027-03-24"), std::string::npos);
  code.municipality = "kanazawa";
  auto other = CheckCode(y, code, At(2027, 1, 5, 10, 0));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->code, RefusalCode::kCodeOtherMunicipality);
}

TEST(JstTime, ParseFormatAndClock) {
  auto t = ParseJstDateTime("2026-11-20T10:00", "now");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->date, Date::Ymd(2026, 11, 20));
  EXPECT_EQ(t->minute, Hm(10, 0));
  EXPECT_EQ(FormatJstDateTime(*t), "2026-11-20T10:00");
  for (const char* bad : {"2026-11-20 10:00", "2026-11-20T24:00", "2026-02-30T10:00",
                          "2026-11-20T9:00", "2026-11-20"}) {
    auto r = ParseJstDateTime(bad, "now");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "now");
  }
  // 2026-11-20T01:00Z is 10:00 JST; 2026-11-19T15:30Z is 00:30 JST the next day.
  const auto utc = std::chrono::sys_days(std::chrono::year(2026) / 11 / 20) + std::chrono::hours(1);
  EXPECT_EQ(ToJst(utc), *t);
  EXPECT_EQ(ToUnixSeconds(*t), std::chrono::duration_cast<std::chrono::seconds>(utc.time_since_epoch()).count());
  const auto late = std::chrono::sys_days(std::chrono::year(2026) / 11 / 19) + std::chrono::minutes(15 * 60 + 30);
  EXPECT_EQ(ToJst(late), At(2026, 11, 20, 0, 30));
  EXPECT_EQ(*ParseMinute("09:30", "time"), Hm(9, 30));
  EXPECT_FALSE(ParseMinute("9:30", "time").ok());
}

}  // namespace
}  // namespace mynacert::reservations
