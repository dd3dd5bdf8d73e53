// The JSON of bookings, slots and refusals, one shape for `mynacert reservation … --json` and
// the service's /api/slots and /api/bookings (docs/api.md, docs/reservations.md).
//
// Thread-safety: pure functions of their arguments.
#ifndef MYNACERT_RESERVATIONS_RESERVATION_JSON_H_
#define MYNACERT_RESERVATIONS_RESERVATION_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "reservations/reservations.h"

namespace mynacert::reservations {

// {code, rule, text (Japanese), text_en}.
nlohmann::json RefusalJson(const Refusal& r);

// The request field a refusal is about, without a prefix: "counter", "time", "code", "date"
// or "window_start" (for kBeforeWindow without a 予約ID).
std::string RefusalField(RefusalCode code, bool with_code);

// {number, municipality, counter, date, start, end, code ("7KQ2-M9XD-4TC" or null), resident,
// name, phone, status, changes (times moved), channel ("web" | "phone": booked by staff)}.
nlohmann::json BookingJson(const Booking& b);

// A counter's day as bookable at `now`: {municipality, counter, date, label, now, open, day,
// refusal, last_bookable, slots: [{start, end, capacity, booked, available, bookable_now,
// refusal}]}. `view` from ReservationStore::SlotView. Errors as CheckBooking's.
Result<nlohmann::json> SlotsJson(const profiles::Municipality& m, const profiles::Counter& c,
                                 const DaySlots& view, Date date, JstDateTime now);

// A counter's days as a resident's month calendar (GET /api/availability): {municipality,
// counter, now, first_bookable, last_bookable, days: [{date, label, open, capacity, available,
// level ("many" | "few" | "none" | "closed"), bookable, refusal}]} for `month` (the days of one
// month), `ahead` (from today on: where the first bookable day is looked for). A day is
// bookable when a slot of it passes CheckBooking at `now` (with `window_start` from a 予約ID: nothing
// before the window opens, R-OFF-6) and has a free place; an unbookable day says why (closed, before the window, too
// soon, too far, full, …). "few": a quarter or less of the day's places are free.
Result<nlohmann::json> AvailabilityJson(const profiles::Municipality& m, const profiles::Counter& c,
                                        const std::vector<DaySlots>& month,
                                        const std::vector<DaySlots>& ahead, JstDateTime now,
                                        std::optional<Date> window_start);

}  // namespace mynacert::reservations

#endif  // MYNACERT_RESERVATIONS_RESERVATION_JSON_H_
