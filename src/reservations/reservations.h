// Counter reservations (issue 6, R-OFF-5/6): the 予約ID of the city's notice (R-NOT-3), the
// slot view, booking and cancelling, over the store interface (store/database.h). The rules
// themselves are pure (booking_rules.h); this adds what needs the database.
//
// No double booking, in portable SQL. A booking runs in one transaction that
//   1. makes sure the slot's row exists (INSERT … ON CONFLICT DO NOTHING),
//   2. takes a place with UPDATE … SET booked = booked + 1 WHERE … AND booked < capacity
//      RETURNING booked — a row comes back only if a place was free,
//   3. with a 予約ID, claims the code the same way (… WHERE booking_number IS NULL …),
//   4. inserts the booking only when both updates changed a row, then commits.
// The decision "is there a place?" is taken by the UPDATE on the row it changes, never by an
// earlier read, so it holds on SQLite (writers serialise at BEGIN IMMEDIATE) and on
// PostgreSQL under READ COMMITTED (the row lock makes a second UPDATE wait and re-check
// booked < capacity on the committed row): there a booking begins with Writers::kRowLocks and
// runs beside the others. Cancelling decrements in the same way.
// reservations_test.cc runs 1 000 concurrent bookers, each on its own connection, at one slot.
//
// Example:
//   auto store = reservations::ReservationStore::Open(home + "/counter.db");
//   auto code = (*store)->IssueReservationId(42, "yokohama", expiry, window_start);
//   reservations::BookingRequest req;
//   req.counter_id = "yokohama-naka"; req.date = d; req.start_minute = 9 * 60 + 15;
//   req.code = *code; req.name = "横浜　太郎"; req.now = reservations::ToJst(clock.Now());
//   auto r = (*store)->Book(yokohama, req);   // r->refusal, or r->booking and r->cancel_token
//
// Thread-safety: a store owns one connection; use one store per thread (each opening the same
// file), as store::Database requires.
#ifndef MYNACERT_RESERVATIONS_RESERVATIONS_H_
#define MYNACERT_RESERVATIONS_RESERVATIONS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/result.h"
#include "profiles/model.h"
#include "reservations/booking_rules.h"
#include "reservations/reservation_code.h"
#include "store/database.h"

namespace mynacert::reservations {

// Applies the numbered migration files not yet applied (component "reservations").
Status MigrateReservations(store::Database& db);

// A booking as stored.
struct Booking {
  int64_t number = 0;  // 予約番号
  std::string municipality;
  std::string counter_id;
  Date day;
  int start_minute = 0;
  int end_minute = 0;
  std::string code;                     // the canonical 予約ID; "" when booked without one
  std::optional<int64_t> resident_id;   // only when booked without a 予約ID
  std::string name;                     // contact name
  std::string phone;                    // "" when none given
  std::string status;                   // "confirmed" | "cancelled"
  int64_t created_at = 0;               // Unix seconds
  std::optional<int64_t> cancelled_at;
  int changes = 0;                      // times moved to another slot (ReservationStore::Change)
  std::string booked_by;                // the staff member who booked by phone; "" = the web
  std::string email;                    // for its confirmation e-mails; "" = none
};

// A confirmation e-mail waiting in the outbox (reservation_mail), claimed for sending.
struct MailItem {
  std::string id;          // "<number>-<kind>-<changes>"
  int64_t booking_number = 0;
  std::string kind;        // booked | changed | cancelled
  std::string to;
  int attempts = 0;        // before this one
};

struct BookingRequest {
  std::string counter_id;
  Date date;
  int start_minute = 0;
  // The 予約ID as typed ("" = none). Needed where the profile has requires_reservation_id; its
  // window_start is then the start of R-OFF-6's booking period.
  std::string code;
  // Without a 予約ID (Kanazawa's bookings): the resident, if known, and the first day of the
  // holder's renewal window, if the profile books from it (R-OFF-6).
  std::optional<int64_t> resident_id;
  std::optional<Date> window_start;
  std::string name;   // required, at most 100 bytes
  std::string phone;  // optional: digits with - + ( ) and spaces, 6–15 digits
  JstDateTime now;    // when the booking is made (JST), taken once by the caller
  // Without a 予約ID: how many bookings not yet past one booker (the phone's digits, else the
  // name without spaces) may hold at one counter; 0 = no limit. With a 予約ID the code itself
  // allows one (R-OFF-6). Refused as kBookerHasBooking.
  int max_active_per_booker = 1;
  // The staff member booking on a caller's behalf (phone booking, seed 003 専用ダイヤル); "" when
  // the resident books on the web. Recorded with the booking; the service audits it.
  std::string booked_by;
  // Where to send the confirmation (and those of a later move or cancellation); "" = none. An
  // ASCII addr-spec of at most 254 bytes, else kInvalidArgument naming --email.
  std::string email;
};

// Moving a booking (ReservationStore::Change): the new counter (of the same municipality; ""
// keeps the counter), day and start.
struct ChangeRequest {
  std::string counter_id;
  Date date;
  int start_minute = 0;
  JstDateTime now;
};

struct BookingResult {
  std::optional<Refusal> refusal;  // set when refused; nothing was written
  Booking booking;                 // when confirmed
  std::string cancel_token;        // when confirmed: grouped, shown once, stored only hashed
  bool confirmed() const { return !refusal.has_value(); }
};

class ReservationStore {
 public:
  // Migrates the schema, then wraps `db`.
  // `clock` stamps what the store records of its own accord (a 予約ID's issued_at); null: the
  // wall clock. It must outlive the store.
  static Result<std::unique_ptr<ReservationStore>> Open(std::unique_ptr<store::Database> db,
                                                        const Clock* clock = nullptr);
  // The database a locator names (store::Open: a SQLite path or postgresql://…).
  static Result<std::unique_ptr<ReservationStore>> Open(
      const std::string& locator, const store::SqliteOptions& options = {}, const Clock* clock = nullptr);

  store::Database& db() { return *db_; }

  // ---- 予約ID (R-NOT-3) ----
  // The 予約ID of the resident's renewal for the certificate expiring on `cert_expiry`, grouped
  // for print ("7KQ2-M9XD-4TC"). Idempotent per (resident_id, cert_expiry): a second call
  // returns the code of the first, whatever the other arguments. Uses no transaction of its
  // own (each statement is atomic), so it may run inside a caller's transaction on db().
  // Errors: kInvalidArgument when window_start > cert_expiry (R-WIN-1), resident_id <= 0 or
  // municipality is empty.
  Result<std::string> IssueReservationId(int64_t resident_id, std::string_view municipality,
                                         Date cert_expiry, Date window_start);
  // The record of a code as typed (any grouping or case); nullopt when never issued.
  // kInvalidArgument naming --code when the text is not a well-formed code.
  Result<std::optional<CodeRecord>> FindReservationId(std::string_view typed);

  // ---- slots and bookings ----
  // The slots of `counter_id` on `date` with their booked counts. A walk-in counter or a closed
  // day gives DaySlots::refusal and no slots. kNotFound naming --counter for an unknown counter.
  Result<DaySlots> SlotView(const profiles::Municipality& m, std::string_view counter_id,
                            Date date);
  // The same for every day of [from, to] (at most kMaxRangeDays + 1 days), in one query: the
  // month calendar (/api/availability). kInvalidArgument naming --date for a longer or
  // reversed range.
  static constexpr int kMaxRangeDays = 130;
  Result<std::vector<DaySlots>> RangeView(const profiles::Municipality& m,
                                          std::string_view counter_id, Date from, Date to);
  // Books one place, or says why not (BookingResult::refusal, nothing written): the rules of
  // booking_rules.h, the 予約ID (required, issued here, not lapsed, no other confirmed
  // booking whose day has not passed), and a free place ("満席 (full)" otherwise).
  // Errors (not refusals): unknown counter (--counter), a missing or too long name (--name),
  // a malformed phone (--phone), a database failure.
  Result<BookingResult> Book(const profiles::Municipality& m, const BookingRequest& request);
  // Cancels a confirmed booking whose slot has not begun at `now`. `secret` is the 予約ID it
  // was made with or its cancel token. Frees the place and the 予約ID. Errors: kNotFound
  // (--number) when the number and secret do not match (one message for both, so numbers
  // cannot be probed); kFailedPrecondition when already cancelled or begun.
  Result<Booking> Cancel(int64_t number, std::string_view secret, JstDateTime now);
  // The same for staff taking a caller's cancellation by phone (seed 003 専用ダイヤル): no
  // secret; the service audits who did it. kNotFound (--number) for an unknown number.
  Result<Booking> CancelForCaller(int64_t number, JstDateTime now);
  Result<Booking> GetBooking(int64_t number);  // kNotFound naming --number
  // The booking `number` for its holder: `secret` is the 予約ID it was made with or its cancel
  // token, checked as Cancel checks it (one kNotFound for a wrong number and a wrong secret).
  // Any status: a cancelled booking is found and says so.
  Result<Booking> FindBooking(int64_t number, std::string_view secret);
  // Moves a confirmed booking that has not begun to another slot of the same municipality, in
  // one transaction: it keeps its number, 予約ID and cancel token; the new place is taken by the
  // same conditional UPDATE as Book's and the old one freed; `changes` counts the move. The new
  // slot passes the same rules as a booking made at `now` (R-OFF-3/5/6, the 予約ID's window).
  // A refusal (BookingResult::refusal) changes nothing. Errors: as FindBooking's; kFailedPrecondition
  // (--number) when cancelled or begun; kInvalidArgument (--start) for the slot it already has;
  // kNotFound (--counter) for a counter `m` does not have.
  Result<BookingResult> Change(const profiles::Municipality& m, int64_t number,
                               std::string_view secret, const ChangeRequest& request);
  // ---- confirmation e-mails (an outbox written in the booking's transaction) ----
  // Claims up to `limit` messages due at `now` (pending, or claimed over 5 minutes ago by a
  // sender that died): each is claimed by one caller only, whatever the instances.
  Result<std::vector<MailItem>> ClaimMail(int64_t now, int limit);
  // Marks a claimed message sent (its address cleared).
  Status MailSent(const std::string& id, int64_t now);
  // Marks a claimed message failed: tried again later (30 s, 1, 2, 4 … minutes, at most an
  // hour), given up after kMailAttempts tries (its address cleared).
  static constexpr int kMailAttempts = 8;
  Status MailFailed(const std::string& id, const std::string& error, int64_t now);
  // The bookings of one counter and day (confirmed and cancelled), by start and number.
  Result<std::vector<Booking>> List(std::string_view municipality, std::string_view counter_id,
                                    Date date);

 private:
  explicit ReservationStore(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
  // Cancel's body: `secret` checked when given (null: staff, already authorised).
  Result<Booking> CancelChecked(int64_t number, const std::string_view* secret, JstDateTime now);
  std::unique_ptr<store::Database> db_;
  const Clock* clock_;
  // PostgreSQL: the booking numbers this connection reserved, [next_number_, block_end_): a
  // block is taken in its own transaction when these run out; what a process does not use
  // before it ends is a gap, never a number given twice.
  static constexpr int64_t kNumberBlock = 64;
  int64_t next_number_ = 0;
  int64_t block_end_ = 0;
};

}  // namespace mynacert::reservations

#endif  // MYNACERT_RESERVATIONS_RESERVATIONS_H_
