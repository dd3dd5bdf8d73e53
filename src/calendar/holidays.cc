#include "calendar/holidays.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace mynacert::calendar {

namespace {

namespace chr = std::chrono;

// ---- Names -------------------------------------------------------------------------------

enum class Name : uint8_t {
  kGanjitsu,
  kSeijin,
  kKenkoku,
  kTennoTanjobi,
  kShunbun,
  kMidori,
  kShowa,
  kKenpo,
  kKodomo,
  kUmi,
  kYama,
  kKeiro,
  kShubun,
  kTaiiku,
  kTaiikuSports2019,
  kSports,
  kBunka,
  kKinro,
  kKekkon1959,
  kTaiso1989,
  kSokuiRei1990,
  kKekkon1993,
  kSokui2019,
  kSokuiRei2019,
  kCount,
};

struct NameText {
  std::string_view csv_ja;  // the Cabinet Office CSV name
  std::string_view en;
  std::string_view display_ja;
  std::string_view display_en;
  std::string_view furikae_ja;  // display names of a substitute for this day
  std::string_view furikae_en;
};

// Indexed by Name. English follows the Cabinet Office's English list.
constexpr std::array<NameText, static_cast<size_t>(Name::kCount)> kNames = {{
    {"元日", "New Year's Day", "元日", "New Year's Day", "振替休日 (元日)",
     "Substitute holiday (New Year's Day)"},
    {"成人の日", "Coming of Age Day", "成人の日", "Coming of Age Day", "振替休日 (成人の日)",
     "Substitute holiday (Coming of Age Day)"},
    {"建国記念の日", "National Foundation Day", "建国記念の日", "National Foundation Day",
     "振替休日 (建国記念の日)", "Substitute holiday (National Foundation Day)"},
    {"天皇誕生日", "The Emperor's Birthday", "天皇誕生日", "The Emperor's Birthday",
     "振替休日 (天皇誕生日)", "Substitute holiday (The Emperor's Birthday)"},
    {"春分の日", "Vernal Equinox Day", "春分の日", "Vernal Equinox Day", "振替休日 (春分の日)",
     "Substitute holiday (Vernal Equinox Day)"},
    {"みどりの日", "Greenery Day", "みどりの日", "Greenery Day", "振替休日 (みどりの日)",
     "Substitute holiday (Greenery Day)"},
    {"昭和の日", "Showa Day", "昭和の日", "Showa Day", "振替休日 (昭和の日)",
     "Substitute holiday (Showa Day)"},
    {"憲法記念日", "Constitution Memorial Day", "憲法記念日", "Constitution Memorial Day",
     "振替休日 (憲法記念日)", "Substitute holiday (Constitution Memorial Day)"},
    {"こどもの日", "Children's Day", "こどもの日", "Children's Day", "振替休日 (こどもの日)",
     "Substitute holiday (Children's Day)"},
    {"海の日", "Marine Day", "海の日", "Marine Day", "振替休日 (海の日)",
     "Substitute holiday (Marine Day)"},
    {"山の日", "Mountain Day", "山の日", "Mountain Day", "振替休日 (山の日)",
     "Substitute holiday (Mountain Day)"},
    {"敬老の日", "Respect for the Aged Day", "敬老の日", "Respect for the Aged Day",
     "振替休日 (敬老の日)", "Substitute holiday (Respect for the Aged Day)"},
    {"秋分の日", "Autumnal Equinox Day", "秋分の日", "Autumnal Equinox Day", "振替休日 (秋分の日)",
     "Substitute holiday (Autumnal Equinox Day)"},
    {"体育の日", "Health and Sports Day", "体育の日", "Health and Sports Day",
     "振替休日 (体育の日)", "Substitute holiday (Health and Sports Day)"},
    {"体育の日（スポーツの日）", "Health and Sports Day", "体育の日（スポーツの日）",
     "Health and Sports Day", "振替休日 (体育の日)", "Substitute holiday (Health and Sports Day)"},
    {"スポーツの日", "Sports Day", "スポーツの日", "Sports Day", "振替休日 (スポーツの日)",
     "Substitute holiday (Sports Day)"},
    {"文化の日", "Culture Day", "文化の日", "Culture Day", "振替休日 (文化の日)",
     "Substitute holiday (Culture Day)"},
    {"勤労感謝の日", "Labour Thanksgiving Day", "勤労感謝の日", "Labour Thanksgiving Day",
     "振替休日 (勤労感謝の日)", "Substitute holiday (Labour Thanksgiving Day)"},
    {"結婚の儀", "Wedding of Crown Prince Akihito", "皇太子明仁親王の結婚の儀",
     "Wedding of Crown Prince Akihito", "振替休日", "Substitute holiday"},
    {"大喪の礼", "State Funeral of Emperor Showa", "昭和天皇の大喪の礼",
     "State Funeral of Emperor Showa", "振替休日", "Substitute holiday"},
    {"即位礼正殿の儀", "Enthronement Ceremony", "即位礼正殿の儀", "Enthronement Ceremony",
     "振替休日", "Substitute holiday"},
    {"結婚の儀", "Wedding of Crown Prince Naruhito", "皇太子徳仁親王の結婚の儀",
     "Wedding of Crown Prince Naruhito", "振替休日", "Substitute holiday"},
    {"休日（祝日扱い）", "Enthronement Day", "天皇の即位の日", "Enthronement Day", "振替休日",
     "Substitute holiday"},
    {"休日（祝日扱い）", "Enthronement Ceremony Day", "即位礼正殿の儀の行われる日",
     "Enthronement Ceremony Day", "振替休日", "Substitute holiday"},
}};

constexpr const NameText& Text(Name n) { return kNames[static_cast<size_t>(n)]; }

constexpr std::string_view kBasisArt2 = "祝日法2条";
constexpr std::string_view kBasisArt3Para2 = "祝日法3条2項";
constexpr std::string_view kBasisArt3Para3 = "祝日法3条3項";
// 平成三十二年東京オリンピック競技大会・東京パラリンピック競技大会特別措置法 32条.
constexpr std::string_view kBasisOlympic2020 = "特措法32条1項";
constexpr std::string_view kBasisOlympic2021 = "特措法32条2項";
constexpr std::string_view kBasisKekkon1959 =
    "皇太子明仁親王の結婚の儀の行われる日を休日とする法律";
constexpr std::string_view kBasisTaiso1989 = "昭和天皇の大喪の礼の行われる日を休日とする法律";
constexpr std::string_view kBasisSokuiRei1990 = "即位礼正殿の儀の行われる日を休日とする法律";
constexpr std::string_view kBasisKekkon1993 =
    "皇太子徳仁親王の結婚の儀の行われる日を休日とする法律";
constexpr std::string_view kBasis2019 =
    "天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律";

constexpr std::string_view kFurikaeEn = "Substitute Holiday";
constexpr std::string_view kKokuminJa = "国民の休日";
constexpr std::string_view kKokuminEn = "Citizens' Holiday";
constexpr std::string_view kKyujitsu = "休日";

// ---- Dates -------------------------------------------------------------------------------

constexpr Date kFirstDay = Date::Ymd(kFirstHolidayYear, 1, 1);
constexpr Date kLastDay = Date::Ymd(kLastHolidayYear, 12, 31);
constexpr int kDayCount = kLastDay - kFirstDay + 1;

// 1973 law No. 10, in force on its promulgation day.
constexpr Date kFurikaeFrom = Date::Ymd(1973, 4, 12);
// 1985 amendment (law No. 103), in force on its promulgation day.
constexpr Date kKokuminFrom = Date::Ymd(1985, 12, 27);
// 2005 amendment (law No. 43): the new texts of 3条2項 and 3条3項.
constexpr Date kLaw2007 = Date::Ymd(2007, 1, 1);

constexpr bool InTable(Date d) { return d >= kFirstDay && d <= kLastDay; }
constexpr int Index(Date d) { return d - kFirstDay; }
constexpr bool InYears(int year) { return year >= kFirstHolidayYear && year <= kLastHolidayYear; }

Date NthMonday(int year, unsigned month, unsigned n) {
  return Date(chr::sys_days(chr::year(year) / chr::month(month) / chr::Monday[n]));
}

// The exact integer form of holidays.md §3. The first term is positive, so `/` is floor;
// the second must truncate toward zero (INT), which C++ `/` does — std::floor would move
// 18 dates of 1955–1978 by one day.
int VernalDay(int y) {
  const int n = y - 1980;
  if (y >= 1980) return (20843100 + 242194 * n) / 1000000 - n / 4;
  return (20835700 + 242194 * n) / 1000000 - (y - 1983) / 4;
}
int AutumnalDay(int y) {
  const int n = y - 1980;
  if (y >= 1980) return (23248800 + 242194 * n) / 1000000 - n / 4;
  return (23258800 + 242194 * n) / 1000000 - (y - 1983) / 4;
}

Error YearsError(int year) {
  return OutOfRange({}, std::to_string(year) + " 年の祝日は計算できません。対象は " +
                            std::to_string(kFirstHolidayYear) + "–" +
                            std::to_string(kLastHolidayYear) + " 年です (holidays are computed " +
                            "for 1955–2099 only)");
}

// ---- The tables --------------------------------------------------------------------------

struct Entry {
  Date date;
  HolidayKind kind;
  Name name;  // the day's own name; for a substitute, the 祝日 it replaces
  std::string_view basis;
  bool counts_as_shukujitsu;  // triggers 3条2項 and 3条3項
};

// The 祝日 and one-off days of one year (holidays.md §2, §6).
void AddYear(int y, std::vector<Entry>& out) {
  auto add = [&](Date d, Name name, std::string_view basis = kBasisArt2) {
    out.push_back({d, HolidayKind::kShukujitsu, name, basis, true});
  };
  auto special = [&](Date d, Name name, std::string_view basis, bool deemed_shukujitsu) {
    out.push_back({d, HolidayKind::kSpecialLaw, name, basis, deemed_shukujitsu});
  };
  auto ymd = [y](unsigned m, unsigned d) { return Date::Ymd(y, m, d); };

  add(ymd(1, 1), Name::kGanjitsu);
  add(y <= 1999 ? ymd(1, 15) : NthMonday(y, 1, 2), Name::kSeijin);
  if (y >= 1967) add(ymd(2, 11), Name::kKenkoku);
  // The 2019 change of reign fell between 23 Feb and 23 Dec: no 天皇誕生日 that year.
  if (y <= 1988) add(ymd(4, 29), Name::kTennoTanjobi);
  if (y >= 1989 && y <= 2018) add(ymd(12, 23), Name::kTennoTanjobi);
  if (y >= 2020) add(ymd(2, 23), Name::kTennoTanjobi);
  add(ymd(3, static_cast<unsigned>(VernalDay(y))), Name::kShunbun);
  if (y >= 1989 && y <= 2006) add(ymd(4, 29), Name::kMidori);
  if (y >= 2007) {
    add(ymd(4, 29), Name::kShowa);
    add(ymd(5, 4), Name::kMidori);
  }
  add(ymd(5, 3), Name::kKenpo);
  add(ymd(5, 5), Name::kKodomo);
  if (y >= 1996 && y <= 2002) add(ymd(7, 20), Name::kUmi);
  if ((y >= 2003 && y <= 2019) || y >= 2022) add(NthMonday(y, 7, 3), Name::kUmi);
  if ((y >= 2016 && y <= 2019) || y >= 2022) add(ymd(8, 11), Name::kYama);
  if (y == 2020) {
    add(ymd(7, 23), Name::kUmi, kBasisOlympic2020);
    add(ymd(7, 24), Name::kSports, kBasisOlympic2020);
    add(ymd(8, 10), Name::kYama, kBasisOlympic2020);
  }
  if (y == 2021) {
    add(ymd(7, 22), Name::kUmi, kBasisOlympic2021);
    add(ymd(7, 23), Name::kSports, kBasisOlympic2021);
    add(ymd(8, 8), Name::kYama, kBasisOlympic2021);
  }
  if (y >= 1966 && y <= 2002) add(ymd(9, 15), Name::kKeiro);
  if (y >= 2003) add(NthMonday(y, 9, 3), Name::kKeiro);
  add(ymd(9, static_cast<unsigned>(AutumnalDay(y))), Name::kShubun);
  if (y >= 1966 && y <= 1999) add(ymd(10, 10), Name::kTaiiku);
  if (y >= 2000 && y <= 2018) add(NthMonday(y, 10, 2), Name::kTaiiku);
  // The CSV's name for the last 体育の日, the renaming having been enacted.
  if (y == 2019) add(NthMonday(y, 10, 2), Name::kTaiikuSports2019);
  if (y >= 2022) add(NthMonday(y, 10, 2), Name::kSports);
  add(ymd(11, 3), Name::kBunka);
  add(ymd(11, 23), Name::kKinro);

  if (y == 1959) special(ymd(4, 10), Name::kKekkon1959, kBasisKekkon1959, false);
  if (y == 1989) special(ymd(2, 24), Name::kTaiso1989, kBasisTaiso1989, false);
  if (y == 1990) special(ymd(11, 12), Name::kSokuiRei1990, kBasisSokuiRei1990, false);
  if (y == 1993) special(ymd(6, 9), Name::kKekkon1993, kBasisKekkon1993, false);
  // 附則: these two days count as 国民の祝日 for 3条2項 and 3項 (hence 4/30 and 5/2).
  if (y == 2019) {
    special(ymd(5, 1), Name::kSokui2019, kBasis2019, true);
    special(ymd(10, 22), Name::kSokuiRei2019, kBasis2019, true);
  }
}

Holiday ToHoliday(const Entry& e) {
  const NameText& t = Text(e.name);
  switch (e.kind) {
    case HolidayKind::kFurikae:
      return {e.date, e.kind, kKyujitsu, kFurikaeEn, e.basis, t.furikae_ja, t.furikae_en};
    case HolidayKind::kKokumin:
      return {e.date, e.kind, kKyujitsu, kKokuminEn, e.basis, kKokuminJa, kKokuminEn};
    case HolidayKind::kShukujitsu:
    case HolidayKind::kSpecialLaw:
      break;
  }
  return {e.date, e.kind, t.csv_ja, t.en, e.basis, t.display_ja, t.display_en};
}

struct Tables {
  std::vector<uint64_t> bits;     // bit Index(d) set = d is a holiday
  std::vector<Holiday> holidays;  // sorted by date, one per date
  // holidays of year y: [year_begin[y - first], year_begin[y - first + 1])
  std::array<size_t, kLastHolidayYear - kFirstHolidayYear + 2> year_begin{};
};

Tables Build() {
  std::vector<Entry> entries;
  entries.reserve(static_cast<size_t>(kLastHolidayYear - kFirstHolidayYear + 1) * 26);
  for (int y = kFirstHolidayYear; y <= kLastHolidayYear; ++y) AddYear(y, entries);

  // Per day: which entry (+1; 0 = none) and whether it is a 祝日 for 3条2項/3項.
  std::vector<int> entry_of(kDayCount, 0);
  std::vector<bool> shukujitsu(kDayCount, false);
  auto mark = [&](size_t i) {
    const int day = Index(entries[i].date);
    if (entry_of[day] != 0) return;  // two 祝日 on one day give one day off (none in range)
    entry_of[day] = static_cast<int>(i) + 1;
    shukujitsu[day] = entries[i].counts_as_shukujitsu;
  };
  for (size_t i = 0; i < entries.size(); ++i) mark(i);
  const size_t base_count = entries.size();
  auto is_shukujitsu = [&](Date d) { return InTable(d) && shukujitsu[Index(d)]; };
  auto is_holiday = [&](Date d) { return InTable(d) && entry_of[Index(d)] != 0; };

  // 3条2項: only a Sunday 祝日 gives a substitute. Before 2007 the next day; from 2007 the
  // nearest following day that is not a 祝日 (Sun 3 May -> Wed 6 May).
  for (size_t i = 0; i < base_count; ++i) {
    const Entry e = entries[i];
    if (!e.counts_as_shukujitsu || e.date < kFurikaeFrom || e.date.weekday() != 0) continue;
    Date sub = e.date.AddDays(1);
    if (e.date >= kLaw2007) {
      while (is_shukujitsu(sub)) sub = sub.AddDays(1);
    }
    if (!InTable(sub) || is_holiday(sub)) continue;
    entries.push_back({sub, HolidayKind::kFurikae, e.name, kBasisArt3Para2, false});
    mark(entries.size() - 1);
  }

  // 3条3項: a day between two 祝日. Until 2006 not a Sunday and not a substitute day; from
  // 2007 any day that is not itself a 祝日 (it can no longer be a substitute in practice).
  for (size_t i = 0; i < base_count; ++i) {
    const Entry e = entries[i];
    if (!e.counts_as_shukujitsu) continue;
    const Date mid = e.date.AddDays(1);
    if (mid < kKokuminFrom || !InTable(mid) || !is_shukujitsu(mid.AddDays(1))) continue;
    if (is_shukujitsu(mid)) continue;
    if (mid < kLaw2007 && mid.weekday() == 0) continue;
    if (is_holiday(mid)) continue;  // already a substitute day: it stays one
    entries.push_back({mid, HolidayKind::kKokumin, e.name, kBasisArt3Para3, false});
    mark(entries.size() - 1);
  }

  Tables t;
  t.bits.assign((kDayCount + 63) / 64, 0);
  t.holidays.reserve(entries.size());
  for (int day = 0; day < kDayCount; ++day) {
    if (entry_of[day] == 0) continue;
    t.bits[day >> 6] |= uint64_t{1} << (day & 63);
    t.holidays.push_back(ToHoliday(entries[entry_of[day] - 1]));
  }
  size_t k = 0;
  for (int y = kFirstHolidayYear; y <= kLastHolidayYear + 1; ++y) {
    while (k < t.holidays.size() && t.holidays[k].date.year() < y) ++k;
    t.year_begin[y - kFirstHolidayYear] = k;
  }
  return t;
}

const Tables& GetTables() {
  static const Tables tables = Build();
  return tables;
}

// Precondition: InYears(year).
std::span<const Holiday> YearSpan(const Tables& t, int year) {
  const size_t begin = t.year_begin[year - kFirstHolidayYear];
  const size_t end = t.year_begin[year - kFirstHolidayYear + 1];
  return std::span<const Holiday>(t.holidays.data() + begin, end - begin);
}

const Holiday* Lookup(const Tables& t, Date d) {
  const auto it = std::lower_bound(t.holidays.begin(), t.holidays.end(), d,
                                   [](const Holiday& h, Date x) { return h.date < x; });
  return it != t.holidays.end() && it->date == d ? &*it : nullptr;
}

}  // namespace

std::string_view HolidayKindName(HolidayKind kind) {
  switch (kind) {
    case HolidayKind::kShukujitsu:
      return "shukujitsu";
    case HolidayKind::kFurikae:
      return "furikae";
    case HolidayKind::kKokumin:
      return "kokumin";
    case HolidayKind::kSpecialLaw:
      return "special_law";
  }
  return "shukujitsu";
}

bool IsNationalHoliday(Date d) {
  // One unsigned compare covers both ends of the range.
  const auto day = static_cast<uint32_t>(d - kFirstDay);
  if (day >= static_cast<uint32_t>(kDayCount)) return false;
  return (GetTables().bits[day >> 6] >> (day & 63)) & 1;
}

Result<const Holiday*> FindHoliday(Date d) {
  if (!InTable(d)) return YearsError(d.year());
  if (!IsNationalHoliday(d)) return static_cast<const Holiday*>(nullptr);
  return Lookup(GetTables(), d);
}

Result<std::vector<Holiday>> HolidaysBetween(Date from, Date to) {
  if (!InTable(from)) return YearsError(from.year());
  if (!InTable(to)) return YearsError(to.year());
  if (from > to) {
    return InvalidArgument({}, from.ToString() + " が " + to.ToString() +
                                   " より後です (the range starts after it ends)");
  }
  const Tables& t = GetTables();
  const auto first = std::lower_bound(t.holidays.begin(), t.holidays.end(), from,
                                      [](const Holiday& h, Date x) { return h.date < x; });
  const auto last = std::upper_bound(first, t.holidays.end(), to,
                                     [](Date x, const Holiday& h) { return x < h.date; });
  return std::vector<Holiday>(first, last);
}

Result<std::span<const Holiday>> HolidaysOfYear(int year) {
  if (!InYears(year)) return YearsError(year);
  return YearSpan(GetTables(), year);
}

Result<std::string> HolidaysCsv(int from_year, int to_year) {
  if (!InYears(from_year)) return YearsError(from_year);
  if (!InYears(to_year)) return YearsError(to_year);
  if (from_year > to_year) {
    return InvalidArgument({}, std::to_string(from_year) + " 年が " + std::to_string(to_year) +
                                   " 年より後です (the range starts after it ends)");
  }
  const Tables& t = GetTables();
  std::string out;
  for (int y = from_year; y <= to_year; ++y) {
    for (const Holiday& h : YearSpan(t, y)) {
      out += h.date.ToString();
      out += ',';
      out += h.name_ja;
      out += '\n';
    }
  }
  return out;
}

bool IsProvisionalYear(int year, int current_year) { return year > current_year + 1; }

Result<unsigned> VernalEquinoxDay(int year) {
  if (year < 1900 || year > 2099) {
    return OutOfRange(
        {}, std::to_string(year) + " 年の春分日は計算できません (the formula holds for 1900–2099)");
  }
  return static_cast<unsigned>(VernalDay(year));
}

Result<unsigned> AutumnalEquinoxDay(int year) {
  if (year < 1900 || year > 2099) {
    return OutOfRange(
        {}, std::to_string(year) + " 年の秋分日は計算できません (the formula holds for 1900–2099)");
  }
  return static_cast<unsigned>(AutumnalDay(year));
}

}  // namespace mynacert::calendar
