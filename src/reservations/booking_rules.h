// Counter bookings without a database (issue 6): the slots of a counter's day and whether a
// booking may be made now. Pure functions of a profile, a counter, a date and "now" (JST), so
// each rule edge is a one-line test (reservations_test.cc) and the store (reservations.h) only
// adds what needs the database: the 予約ID record, the code's single booking, the slot's count.
//
// The rules, each refusal citing its ID of rules.md (docs/reservations.md):
//   - a walk-in counter (ReservationMode::kWalkIn) takes no bookings: R-OFF-5 in Yokohama
//     (青葉区・西区), R-OFF-2 in Yamagata, R-OFF-3 for Kanazawa's 市民センター;
//   - the day must be open and the start a slot of its hours (R-OFF-1, R-OFF-5 / R-OFF-3):
//     the hours of calendar::CounterDay cut into `slot_minutes` slots from the opening time;
//     the last one ends at the closing time and may be shorter (hours are reception hours);
//   - R-OFF-6 (Yokohama): from the first day of the holder's renewal window; until
//     `deadline_minute_day_before` (17:00) on the calendar day before the visit; at most
//     `max_days_ahead` (40) days after today, a closed 40th day falling back to the open day
//     before it;
//   - R-OFF-3 (Kanazawa): at least `min_days_ahead` (7) days ahead;
//   - never a slot that has already begun.
// Checks run in that order and the first refusal is returned.
//
// Thread-safety: pure functions of their arguments.
#ifndef MYNACERT_RESERVATIONS_BOOKING_RULES_H_
#define MYNACERT_RESERVATIONS_BOOKING_RULES_H_

#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "calendar/counter_calendar.h"
#include "core/date.h"
#include "core/result.h"
#include "profiles/model.h"
#include "rules/reasons.h"

namespace mynacert::reservations {

// A wall-clock moment in Japan to the minute (JST = UTC+9, no DST): the deadline of R-OFF-6 is
// "17:00 the day before", so the rules need the minute, not only the date.
struct JstDateTime {
  Date date;
  int minute = 0;  // 0..1439 after midnight JST
  friend auto operator<=>(const JstDateTime&, const JstDateTime&) = default;
};

// The JST minute containing `t`.
JstDateTime ToJst(std::chrono::system_clock::time_point t);
// Unix seconds of the start of that minute.
int64_t ToUnixSeconds(JstDateTime t);
// "2026-11-20T10:00", strictly; errors name `field`.
Result<JstDateTime> ParseJstDateTime(std::string_view text, std::string_view field);
std::string FormatJstDateTime(JstDateTime t);
// "09:30" -> 570, strictly HH:MM within 00:00–23:59; errors name `field`.
Result<int> ParseMinute(std::string_view text, std::string_view field);

// Why a booking (or a slot listing) is refused. Stable names for JSON and tests.
enum class RefusalCode {
  kWalkIn,                 // the counter takes no bookings (R-OFF-5 / R-OFF-2 / R-OFF-3)
  kClosedDay,              // closed that day (R-OFF-1)
  kNoSuchSlot,             // not the start of a slot within the day's hours
  kBeforeWindow,           // booking before the renewal window opens (R-OFF-6)
  kDeadlinePassed,         // after 17:00 the day before (R-OFF-6)
  kTooFarAhead,            // beyond max_days_ahead (R-OFF-6)
  kTooSoon,                // under min_days_ahead (R-OFF-3)
  kPast,                   // the slot has begun or is over
  kCodeRequired,           // no 予約ID given where one is needed (R-OFF-6)
  kCodeInvalid,            // not a 予約ID (wrong length, letter or check character)
  kCodeUnknown,            // a well-formed 予約ID that was never issued
  kCodeOtherMunicipality,  // issued by another municipality
  kCodeExpired,            // past its certificate's expiry day
  kCodeInUse,              // already holds a confirmed booking
  kFull,                   // 満席: the slot has its capacity of bookings
  kBookerHasBooking,       // without a 予約ID: this phone number (or name) already holds a
                           // booking at this counter (a setting, not a rule of the seeds)
};
// "walk_in", "closed_day", "no_such_slot", "before_window", "deadline_passed", "too_far_ahead",
// "too_soon", "past", "code_required", "code_invalid", "code_unknown",
// "code_other_municipality", "code_expired", "code_in_use", "full", "booker_has_booking".
std::string_view RefusalCodeName(RefusalCode code);

// A refusal: the code and the reason with its rule ID, Japanese first, English alongside,
// dates as 2026-07-07.
struct Refusal {
  RefusalCode code;
  rules::Reason reason;
};

// The rules of rules.md that state a municipality's counters and its bookings, found from the
// profile's seed (rules::RuleSource): Yokohama R-OFF-5 / R-OFF-6, Kanazawa R-OFF-3 / R-OFF-3,
// Yamagata R-OFF-2 / R-OFF-2. A profile without a seed gets R-OFF-1 / R-OFF-6.
struct OfficeRules {
  std::string counters;  // hours and who takes bookings
  std::string bookings;  // the booking rules (cited for a full slot)
};
OfficeRules OfficeRulesOf(const profiles::Municipality& m);

// One bookable slot: [start_minute, end_minute) on `date`.
struct Slot {
  Date date;
  int start_minute = 0;
  int end_minute = 0;
  int capacity = 0;  // the profile's slot_capacity
  int booked = 0;    // filled in by the store; 0 here
  int available() const { return booked < capacity ? capacity - booked : 0; }
};

// The slots of one counter's day. `refusal` is set for a walk-in counter (no slots at all) and
// for a closed day (day.open false, no slots).
struct DaySlots {
  calendar::DayStatus day;
  std::vector<Slot> slots;
  std::optional<Refusal> refusal;
};

// The day's slots. Errors: kOutOfRange outside the holiday tables (1955–2099).
Result<DaySlots> SlotsForDay(const profiles::Municipality& m, const profiles::Counter& c,
                             Date date);

// The slot of `date` starting at `start_minute`, or a refusal (walk-in, closed, not a slot).
Result<std::variant<Slot, Refusal>> FindSlot(const profiles::Municipality& m,
                                             const profiles::Counter& c, Date date,
                                             int start_minute);

// The last day a booking made today may be for (R-OFF-6): today + max_days_ahead, or with
// max_day_closed_falls_back the last open day on or before it. nullopt when the profile sets
// no limit. Errors as for calendar::PreviousOpenDay.
Result<std::optional<Date>> LastBookableDay(const profiles::Municipality& m,
                                            const profiles::Counter& c, Date today);

// Whether a booking of the slot (date, start_minute) may be made at `now`. `window_start` is
// the first day of the holder's renewal window (R-WIN-1), from the 予約ID or the caller;
// nullopt = unknown, and the from_window_start rule is then not checked. nullopt = bookable
// (the slot exists and every rule holds); capacity and the 予約ID are the store's checks.
Result<std::optional<Refusal>> CheckBooking(const profiles::Municipality& m,
                                            const profiles::Counter& c, Date date,
                                            int start_minute, JstDateTime now,
                                            std::optional<Date> window_start);

// The 予約ID as issued (R-NOT-3), for the checks below.
struct CodeRecord {
  std::string code;  // canonical, without hyphens
  int64_t resident_id = 0;
  std::string municipality;
  Date cert_expiry;
  Date window_start;
};

// Whether a 予約ID may be used for a booking in `m` at `now`: issued by `m` and not past its
// certificate's expiry day (a local choice: the notice is for that renewal). The single
// booking per code is the store's check.
std::optional<Refusal> CheckCode(const profiles::Municipality& m, const CodeRecord& code,
                                 JstDateTime now);

// The refusals the store gives (no rule of the calendar involved).
Refusal CodeRequired(const profiles::Municipality& m);
Refusal CodeInvalid(const std::string& why_ja, const std::string& why_en);
Refusal CodeUnknown();
Refusal CodeInUse(int64_t booking_number, Date day);
Refusal Full(const profiles::Municipality& m, const Slot& slot);
Refusal BookerHasBooking(int64_t booking_number, Date day, bool by_phone);

}  // namespace mynacert::reservations

#endif  // MYNACERT_RESERVATIONS_BOOKING_RULES_H_
