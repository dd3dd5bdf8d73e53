// Japanese national holidays (国民の祝日・休日), computed from the law for 1955–2099.
//
// Every day off that 国民の祝日に関する法律 (祝日法) and the one-off laws create is a
// `Holiday` with its kind, names and legal basis (shared/spec/holidays.md §1–§6):
//   kShukujitsu  a 国民の祝日 of 祝日法2条, including the 2020/2021 Olympic moves
//                (特措法32条1項/2項) and the equinoxes of the exact integer formula (§3);
//   kFurikae     a 振替休日 of 祝日法3条2項 (1973-04-12 onward; the 2007 text moves it past
//                consecutive 祝日, e.g. Wed 6 May);
//   kKokumin     a 国民の休日 of 祝日法3条3項, the day sandwiched between two 祝日
//                (1985-12-27 onward; until 2006 not on a Sunday or a substitute day);
//   kSpecialLaw  a day made a 休日 by a one-off law (1959, 1989, 1990, 1993 and the two 2019
//                days, which count as 祝日 for 3条2項/3項).
//
// Names. `name_ja` is the name of the Cabinet Office CSV (syukujitsu.csv): substitute and
// sandwiched days are plain "休日", the 2019 days "休日（祝日扱い）", 2019-10-14
// "体育の日（スポーツの日）". `display_ja` is the richer name for people: "振替休日 (山の日)",
// "国民の休日", "天皇の即位の日". `name_en`/`display_en` are their English counterparts
// (the CSV has no English; name_en of a substitute day is "Substitute Holiday").
//
// Years after next year are predictions: the equinox days are fixed only by the 暦要項
// published each February for the following year, and a later amendment of the law cannot be
// foreseen (IsProvisionalYear).
//
// Example:
//   if (calendar::IsNationalHoliday(d)) ...                       // hot path, a bit test
//   auto h = calendar::FindHoliday(Date::Ymd(2021, 8, 9));        // 振替休日 (山の日)
//   if (h.ok() && *h) std::cout << (*h)->display_ja << " " << (*h)->basis;
//
// Thread-safety: every function is safe to call concurrently. The tables are built once, on
// first use, by a thread-safe static initialiser; `Holiday` pointers and spans into them stay
// valid for the life of the program.
#ifndef MYNACERT_CALENDAR_HOLIDAYS_H_
#define MYNACERT_CALENDAR_HOLIDAYS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace mynacert::calendar {

// The years this module computes. Outside them the functions returning Result give
// kOutOfRange; IsNationalHoliday answers false.
inline constexpr int kFirstHolidayYear = 1955;
inline constexpr int kLastHolidayYear = 2099;

enum class HolidayKind : uint8_t {
  kShukujitsu,  // 国民の祝日 (祝日法2条)
  kFurikae,     // 振替休日 (祝日法3条2項)
  kKokumin,     // 国民の休日 (祝日法3条3項)
  kSpecialLaw,  // 休日 by a one-off law
};

// "shukujitsu", "furikae", "kokumin", "special_law" (stable, for JSON and tests).
std::string_view HolidayKindName(HolidayKind kind);

struct Holiday {
  Date date;
  HolidayKind kind = HolidayKind::kShukujitsu;
  std::string_view name_ja;  // as in the Cabinet Office CSV: "山の日", "休日"
  std::string_view name_en;  // "Mountain Day", "Substitute Holiday"
  std::string_view basis;  // "祝日法2条", "祝日法3条2項", "特措法32条2項", a law's title
  std::string_view display_ja;  // "山の日", "振替休日 (山の日)", "国民の休日"
  std::string_view display_en;  // "Mountain Day", "Substitute holiday (Mountain Day)"
};

// True when `d` is a day off under the 祝日法 or a one-off law: any of the four kinds.
// False for every date outside 1955–2099 (use FindHoliday to tell "no" from "unknown").
// A single bit test after the first call; meant for the rules engine's hot path.
bool IsNationalHoliday(Date d);

// The holiday on `d`, nullptr when `d` is an ordinary day, kOutOfRange outside 1955–2099.
Result<const Holiday*> FindHoliday(Date d);

// Every holiday with from <= date <= to, in date order. kOutOfRange when either end lies
// outside 1955–2099; kInvalidArgument when from > to.
Result<std::vector<Holiday>> HolidaysBetween(Date from, Date to);

// The holidays of one year, in date order, without copying. kOutOfRange outside 1955–2099.
Result<std::span<const Holiday>> HolidaysOfYear(int year);

// One "YYYY-MM-DD,name_ja\n" line per holiday of the years from_year..to_year, sorted: the
// format of the Cabinet Office CSV (without its header) that tools/holiday-oracle compares
// with (holidays.md §9). kOutOfRange / kInvalidArgument as for HolidaysBetween.
Result<std::string> HolidaysCsv(int from_year, int to_year);

// True when the holidays of `year` are a prediction as seen from `current_year`: every year
// after current_year + 1 (holidays.md §3; the 暦要項 fixes only the next year's equinoxes).
// Pass the current year in JST, taken once per request.
bool IsProvisionalYear(int year, int current_year);

// Day of March of 春分日 and day of September of 秋分日 by the exact integer form of the
// 新こよみ便利帳 formula (holidays.md §3), valid for 1900–2099; kOutOfRange otherwise.
Result<unsigned> VernalEquinoxDay(int year);
Result<unsigned> AutumnalEquinoxDay(int year);

}  // namespace mynacert::calendar

#endif  // MYNACERT_CALENDAR_HOLIDAYS_H_
