// A booking as an iCalendar file (RFC 5545) that a resident adds to a phone's or computer's
// calendar: one VEVENT in Asia/Tokyo with the counter, the booking number and what to bring.
// A moved booking keeps its UID and raises SEQUENCE (the number of moves), so a calendar that
// imports the new file replaces the old time; a cancelled one says STATUS:CANCELLED.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RESERVATIONS_ICS_H_
#define MYNACERT_RESERVATIONS_ICS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "profiles/model.h"
#include "reservations/reservations.h"

namespace mynacert::reservations {

// A TEXT value escaped (RFC 5545 §3.3.11: backslash, semicolon, comma, newline).
std::string IcsEscape(std::string_view text);
// One content line folded at 75 octets (§3.1), never inside a UTF-8 character, ending CRLF.
std::string IcsFold(std::string_view line);

// The calendar file of `b` at `c` of `m`. `url`: where the booking can be found again ("" =
// none); `stamp`: DTSTAMP, Unix seconds (the time the file is made).
std::string BookingIcs(const profiles::Municipality& m, const profiles::Counter& c, const Booking& b,
                       std::string_view url, int64_t stamp);

}  // namespace mynacert::reservations

#endif  // MYNACERT_RESERVATIONS_ICS_H_
