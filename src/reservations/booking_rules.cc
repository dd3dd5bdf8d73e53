#include "reservations/booking_rules.h"

#include <cctype>

namespace mynacert::reservations {

namespace {

constexpr int kMinutesPerDay = 24 * 60;

std::string Hm(int minute) { return calendar::FormatMinute(minute); }

Refusal Make(RefusalCode code, std::string rule, std::string ja, std::string en) {
  return Refusal{code, rules::Reason{std::move(rule), std::move(ja), std::move(en)}};
}

// Why a day is closed, in both languages ("土曜日" / "Saturday").
std::pair<std::string, std::string> ClosedWhy(const calendar::DayStatus& day) {
  switch (day.reason) {
    case calendar::ClosedReason::kAnnualClosure: {
      const calendar::AnnualClosure& c = day.closure;
      const std::string span = std::to_string(c.from_month) + "/" + std::to_string(c.from_day) +
                               "–" + std::to_string(c.to_month) + "/" + std::to_string(c.to_day);
      return c.from_month > c.to_month
                 ? std::pair{"年末年始 " + span, "year-end and New Year holidays " + span}
                 : std::pair{"休業期間 " + span, "annual closure " + span};
    }
    case calendar::ClosedReason::kNationalHoliday:
      return {std::string(day.holiday->display_ja), std::string(day.holiday->display_en)};
    case calendar::ClosedReason::kWeekday:
    case calendar::ClosedReason::kNone:
      break;
  }
  const unsigned wd = day.date.weekday();
  if (wd == 0) return {"日曜日", "Sunday"};
  if (wd == 6) return {"土曜日", "Saturday"};
  return {std::string(WeekdayJa(wd)) + "曜日は休み", "closed on this day of the week"};
}

Refusal WalkIn(const profiles::Municipality& m, const profiles::Counter& c) {
  return Make(RefusalCode::kWalkIn, OfficeRulesOf(m).counters,
              c.name_ja + "は予約を受け付けていません。直接お越しください (事前の予約・連絡は不要です)。",
              c.name_en + " takes no reservations: come directly, no booking needed.");
}

Refusal ClosedDay(const calendar::DayStatus& day) {
  const auto [ja, en] = ClosedWhy(day);
  return Make(RefusalCode::kClosedDay, std::string(day.rule),
              day.date.ToStringWithWeekday() + " は閉庁日 (" + ja + ") のため予約できません。",
              day.date.ToString() + " is a closed day (" + en + "): no bookings.");
}

Refusal NoSuchSlot(const profiles::Municipality& m, Date date, int start,
                   const calendar::TimeRange& hours) {
  const int step = m.reservation.slot_minutes;
  return Make(RefusalCode::kNoSuchSlot, OfficeRulesOf(m).counters,
              date.ToStringWithWeekday() + " の " + Hm(start) + " は予約枠ではありません。予約枠は " +
                  Hm(hours.from_minute) + "–" + Hm(hours.to_minute) + " の " +
                  std::to_string(step) + " 分ごとです。",
              Hm(start) + " on " + date.ToString() + " is not a slot: slots start every " +
                  std::to_string(step) + " minutes from " + Hm(hours.from_minute) + " to " +
                  Hm(hours.to_minute) + ".");
}

}  // namespace

// ---- JST time ----

JstDateTime ToJst(std::chrono::system_clock::time_point t) {
  const auto jst = std::chrono::floor<std::chrono::minutes>(t) + std::chrono::hours(9);
  const auto day = std::chrono::floor<std::chrono::days>(jst);
  return JstDateTime{Date(day), static_cast<int>((jst - day).count())};
}

int64_t ToUnixSeconds(JstDateTime t) {
  return (static_cast<int64_t>(t.date.days_since_epoch()) * kMinutesPerDay + t.minute - 9 * 60) *
         60;
}

Result<int> ParseMinute(std::string_view s, std::string_view field) {
  const bool shape = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
                     std::isdigit(static_cast<unsigned char>(s[1])) &&
                     std::isdigit(static_cast<unsigned char>(s[3])) &&
                     std::isdigit(static_cast<unsigned char>(s[4]));
  const int h = shape ? (s[0] - '0') * 10 + (s[1] - '0') : 99;
  const int m = shape ? (s[3] - '0') * 10 + (s[4] - '0') : 99;
  if (h > 23 || m > 59) {
    return InvalidArgument(std::string(field),
                           "'" + std::string(s) + "' は HH:MM 形式の時刻ではありません (expected a time HH:MM)");
  }
  return h * 60 + m;
}

Result<JstDateTime> ParseJstDateTime(std::string_view text, std::string_view field) {
  if (text.size() != 16 || text[10] != 'T') {
    return InvalidArgument(std::string(field), "'" + std::string(text) +
                                                   "' は YYYY-MM-DDTHH:MM 形式ではありません (expected "
                                                   "e.g. 2026-11-20T10:00, JST)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Date d, Date::Parse(text.substr(0, 10), field));
  MYNACERT_ASSIGN_OR_RETURN(int minute, ParseMinute(text.substr(11), field));
  return JstDateTime{d, minute};
}

std::string FormatJstDateTime(JstDateTime t) { return t.date.ToString() + "T" + Hm(t.minute); }

// ---- refusals ----

std::string_view RefusalCodeName(RefusalCode code) {
  switch (code) {
    case RefusalCode::kWalkIn: return "walk_in";
    case RefusalCode::kClosedDay: return "closed_day";
    case RefusalCode::kNoSuchSlot: return "no_such_slot";
    case RefusalCode::kBeforeWindow: return "before_window";
    case RefusalCode::kDeadlinePassed: return "deadline_passed";
    case RefusalCode::kTooFarAhead: return "too_far_ahead";
    case RefusalCode::kTooSoon: return "too_soon";
    case RefusalCode::kPast: return "past";
    case RefusalCode::kCodeRequired: return "code_required";
    case RefusalCode::kCodeInvalid: return "code_invalid";
    case RefusalCode::kCodeUnknown: return "code_unknown";
    case RefusalCode::kCodeOtherMunicipality: return "code_other_municipality";
    case RefusalCode::kCodeExpired: return "code_expired";
    case RefusalCode::kCodeInUse: return "code_in_use";
    case RefusalCode::kFull: return "full";
    case RefusalCode::kBookerHasBooking: return "booker_has_booking";
  }
  return "";
}

OfficeRules OfficeRulesOf(const profiles::Municipality& m) {
  OfficeRules out{"R-OFF-1", "R-OFF-6"};
  if (m.seed.size() < 3) return out;
  // rules.md lists each R-OFF rule's seeds as "003 横浜市": the municipality's own rules are
  // those naming its seed (R-OFF-1 names three seeds and is the general rule).
  const std::string seed = m.seed.substr(0, 3) + " ";
  bool found = false;
  for (int k = 2; k <= 7; ++k) {
    const std::string id = "R-OFF-" + std::to_string(k);
    if (rules::RuleSource(id).find(seed) == std::string_view::npos) continue;
    if (!found) out.counters = id;
    out.bookings = id;
    found = true;
  }
  return out;
}

Refusal CodeRequired(const profiles::Municipality& m) {
  return Make(RefusalCode::kCodeRequired, "R-OFF-6",
              m.name_ja + "の予約には予約ID (白い封筒の「予約ID通知書」に記載) が必要です。",
              "A booking in " + m.name_en +
                  " needs the reservation ID printed on the city's notice (white envelope).");
}

Refusal CodeInvalid(const std::string& why_ja, const std::string& why_en) {
  return Make(RefusalCode::kCodeInvalid, "R-OFF-6",
              "予約IDが正しくありません (" + why_ja + ")。通知書の予約IDをお確かめください。",
              "Not a valid reservation ID (" + why_en + "); check the ID on the notice.");
}

Refusal CodeUnknown() {
  return Make(RefusalCode::kCodeUnknown, "R-OFF-6", "この予約IDは発行されていません。",
              "No such reservation ID has been issued.");
}

Refusal CodeInUse(int64_t booking_number, Date day) {
  return Make(RefusalCode::kCodeInUse, "R-OFF-6",
              "この予約IDでは既に予約があります (予約番号 " + std::to_string(booking_number) + "、" +
                  day.ToStringWithWeekday() + ")。日時を変えるときは、その予約を変更してください。",
              "This reservation ID already holds booking " + std::to_string(booking_number) +
                  " on " + day.ToString() + "; change that booking to move it.");
}

Refusal Full(const profiles::Municipality& m, const Slot& slot) {
  const std::string when = slot.date.ToString() + " " + Hm(slot.start_minute) + "–" + Hm(slot.end_minute);
  return Make(RefusalCode::kFull, OfficeRulesOf(m).bookings,
              "満席です: " + when + " の枠は予約で埋まっています (定員 " +
                  std::to_string(slot.capacity) + ")。別の枠をお選びください。",
              "Full: the slot " + when + " is fully booked (capacity " +
                  std::to_string(slot.capacity) + "); choose another slot.");
}

Refusal BookerHasBooking(int64_t booking_number, Date day, bool by_phone) {
  const std::string ja = by_phone ? "この電話番号" : "このお名前";
  const std::string en = by_phone ? "this phone number" : "this name";
  return Make(RefusalCode::kBookerHasBooking, "",
              ja + "で、この窓口の予約が既にあります (予約番号 " + std::to_string(booking_number) + "、" +
                  day.ToStringWithWeekday() + ")。日時を変えるときは、その予約を変更してください。",
              "There is already a booking at this counter for " + en + " (number " +
                  std::to_string(booking_number) + " on " + day.ToString() +
                  "); change that booking to move it.");
}

// ---- slots ----

Result<DaySlots> SlotsForDay(const profiles::Municipality& m, const profiles::Counter& c,
                             Date date) {
  DaySlots out;
  MYNACERT_ASSIGN_OR_RETURN(out.day, calendar::CounterDay(c.schedule, date));
  if (c.reservation == profiles::ReservationMode::kWalkIn) {
    out.refusal = WalkIn(m, c);
    return out;
  }
  if (!out.day.open) {
    out.refusal = ClosedDay(out.day);
    return out;
  }
  const int step = m.reservation.slot_minutes;
  if (step <= 0) {
    return Error{ErrorCode::kFailedPrecondition, "reservation.slot_minutes",
                 "予約枠の長さが正ではありません (slot_minutes must be positive)", ""};
  }
  for (int start = out.day.hours.from_minute; start < out.day.hours.to_minute; start += step) {
    out.slots.push_back(Slot{date, start, std::min(start + step, out.day.hours.to_minute),
                             m.reservation.slot_capacity, 0});
  }
  return out;
}

Result<std::variant<Slot, Refusal>> FindSlot(const profiles::Municipality& m,
                                             const profiles::Counter& c, Date date,
                                             int start_minute) {
  MYNACERT_ASSIGN_OR_RETURN(DaySlots day, SlotsForDay(m, c, date));
  if (day.refusal) return std::variant<Slot, Refusal>(*day.refusal);
  for (const Slot& s : day.slots) {
    if (s.start_minute == start_minute) return std::variant<Slot, Refusal>(s);
  }
  return std::variant<Slot, Refusal>(NoSuchSlot(m, date, start_minute, day.day.hours));
}

Result<std::optional<Date>> LastBookableDay(const profiles::Municipality& m,
                                            const profiles::Counter& c, Date today) {
  if (m.reservation.max_days_ahead <= 0) return std::optional<Date>();
  const Date limit = today.AddDays(m.reservation.max_days_ahead);
  if (!m.reservation.max_day_closed_falls_back) return std::optional<Date>(limit);
  MYNACERT_ASSIGN_OR_RETURN(calendar::DayStatus day, calendar::PreviousOpenDay(c.schedule, limit));
  return std::optional<Date>(day.date);
}

Result<std::optional<Refusal>> CheckBooking(const profiles::Municipality& m,
                                            const profiles::Counter& c, Date date,
                                            int start_minute, JstDateTime now,
                                            std::optional<Date> window_start) {
  using Verdict = std::optional<Refusal>;
  MYNACERT_ASSIGN_OR_RETURN(auto found, FindSlot(m, c, date, start_minute));
  if (const Refusal* r = std::get_if<Refusal>(&found)) return Verdict(*r);
  const profiles::ReservationPolicy& p = m.reservation;
  const Date today = now.date;

  // R-OFF-6: 予約は電子証明書の更新手続期間の初日から.
  if (p.from_window_start && window_start && today < *window_start) {
    return Verdict(Make(RefusalCode::kBeforeWindow, "R-OFF-6",
                        "予約は更新手続期間の初日 " + window_start->ToStringWithWeekday() +
                            " から受け付けます (本日 " + today.ToString() + ")。",
                        "Bookings open on " + window_start->ToString() +
                            ", the first day of the renewal window (today is " +
                            today.ToString() + ")."));
  }
  // R-OFF-6: 予約受付は来庁希望日前日の午後5時まで.
  if (p.deadline_minute_day_before >= 0) {
    const JstDateTime deadline{date.AddDays(-1), p.deadline_minute_day_before};
    if (now >= deadline) {
      return Verdict(Make(RefusalCode::kDeadlinePassed, "R-OFF-6",
                          date.ToStringWithWeekday() + " の予約受付は前日 " +
                              deadline.date.ToString() + " の " + Hm(deadline.minute) +
                              " までです。",
                          "Bookings for " + date.ToString() + " close at " + Hm(deadline.minute) +
                              " on " + deadline.date.ToString() + ", the day before."));
    }
  }
  // R-OFF-6: 40日後まで (40日後が閉庁日の場合は、その前の開庁日まで).
  MYNACERT_ASSIGN_OR_RETURN(std::optional<Date> last, LastBookableDay(m, c, today));
  if (last && date > *last) {
    const std::string n = std::to_string(p.max_days_ahead);
    const bool fell_back = *last != today.AddDays(p.max_days_ahead);
    const std::string until_ja =
        fell_back ? " (" + n + " 日後が閉庁日のため、その前の開庁日 " + last->ToStringWithWeekday() + " まで)"
                  : " (" + last->ToStringWithWeekday() + ")";
    const std::string until_en =
        fell_back ? last->ToString() + " (the " + n + "th day is closed: the open day before it)"
                  : last->ToString();
    return Verdict(Make(RefusalCode::kTooFarAhead, "R-OFF-6",
                        "予約は " + n + " 日後まで受け付けます" + until_ja + "。" +
                            date.ToString() + " はまだ予約できません。",
                        "Bookings are taken up to " + n + " days ahead, until " + until_en +
                            "; " + date.ToString() + " cannot be booked yet."));
  }
  // R-OFF-3: 1週間以上先の予約.
  if (p.min_days_ahead > 0 && date - today < p.min_days_ahead) {
    const std::string n = std::to_string(p.min_days_ahead);
    const Date first = today.AddDays(p.min_days_ahead);
    return Verdict(Make(RefusalCode::kTooSoon, "R-OFF-3",
                        "予約は " + n + " 日以上先 (" + first.ToStringWithWeekday() +
                            " 以降) の来庁に限ります。",
                        "Bookings must be at least " + n + " days ahead (from " +
                            first.ToString() + ")."));
  }
  if (JstDateTime{date, start_minute} <= now) {
    return Verdict(Make(RefusalCode::kPast, OfficeRulesOf(m).bookings,
                        date.ToStringWithWeekday() + " " + Hm(start_minute) +
                            " の枠は既に始まっています。",
                        "The slot at " + Hm(start_minute) + " on " + date.ToString() +
                            " has already begun."));
  }
  return Verdict();
}

std::optional<Refusal> CheckCode(const profiles::Municipality& m, const CodeRecord& code,
                                 JstDateTime now) {
  if (code.municipality != m.id) {
    return Make(RefusalCode::kCodeOtherMunicipality, "R-OFF-6",
                "この予約IDは" + m.name_ja + "の予約IDではありません。",
                "This reservation ID was not issued by " + m.name_en + ".");
  }
  if (now.date > code.cert_expiry) {
    return Make(RefusalCode::kCodeExpired, "R-OFF-6",
                "この予約IDは使えません: 電子証明書の有効期限 " + code.cert_expiry.ToString() +
                    " を過ぎています。区役所戸籍課にお問い合わせください。",
                "This reservation ID has lapsed: the certificate expired on " +
                    code.cert_expiry.ToString() + ". Please contact the ward office.");
  }
  return std::nullopt;
}

}  // namespace mynacert::reservations
