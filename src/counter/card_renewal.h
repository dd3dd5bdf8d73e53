// The card's own renewal (rules-lifecycle.md R-CARD-1..4): from the card-expiry notice to the
// new card in the holder's hands.
//
//   noticed    J-LIS's notice of the card's expiry went out with a 交付申請書 carrying its
//              申請書ID and a QR code (the notice batch opens the application: OpenApplication)
//   applied    the holder applied with that ID: online (photo uploaded), by post (photo
//              attached, entered by staff) or at the counter (photo taken there) — R-CARD-1;
//              a face-authentication card may be asked for here (R-FACE-1)
//   produced   the card is made: a new virtual card with a new chip ID, its PINs unknown to
//              anyone (the holder sets them at the pick-up), no certificates yet (Produce)
//   notified   the 交付通知書 was mailed (notices/pickup_notice.h); the holder books a pick-up
//              (reservations) and comes
//   picked_up  the counter's card_pickup case: the holder sets the PINs, the card is handed
//              over, both certificates issued onto it, the old card returned and its
//              certificates revoked `superseded` (R-CARD-2; counter/execution.h adopt_card)
//   cancelled  by staff (a holder who moved away, died, or applied again)
//
// Each change is one transaction with its audit record. A refused command changes nothing.
//
// Thread-safety: functions over one CounterStore (one connection), one thread at a time.
#ifndef MYNACERT_COUNTER_CARD_RENEWAL_H_
#define MYNACERT_COUNTER_CARD_RENEWAL_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "profiles/loader.h"

namespace mynacert::counter {

using CardApplication = CounterStore::CardApplication;

// A fresh 申請書ID: 23 decimal digits, random (the form's ID is what proves the online
// application; jpki-facts: the real form's ID has 23 digits).
std::string NewApplicationId();

// R-CARD-1: the application the card-expiry notice carries, for the resident's active card
// expiring on `card_expiry`. Idempotent per (resident, card expiry): the existing one is
// returned. In the caller's transaction (the notice batch records the notice with it).
Result<CardApplication> OpenApplication(CounterStore& store, int64_t resident_id, Date card_expiry,
                                        Date today, std::string_view clerk, int64_t now);

struct ApplyRequest {
  std::string channel;  // online | post | counter
  // online: uploaded; post: attached; counter: taken_at_counter (R-CARD-1). Empty = the
  // channel's own.
  std::string photo;
  bool face = false;    // a face-authentication card (R-FACE-1)
  // online: the holder proves the form is theirs with the birth date printed on it.
  std::optional<Date> birth;
};

// R-CARD-1/3: the holder applies with the form's ID. Errors: `application` (unknown: 404; not
// awaiting an application: 409), `channel`, `photo`, `birth` (online: does not match, 403 —
// with nothing that tells which).
Result<CardApplication> Apply(CounterStore& store, std::string_view id, const ApplyRequest& request,
                              Date today, std::string_view clerk, int64_t now);

// Where produced cards go and what makes them.
struct ProductionEnv {
  std::filesystem::path home;  // card files are relative to it (counter/workspace.h)
  std::string card_secret;
  std::string issuer_master;
};

// R-CARD-2: the card is made — a new card file (new chip ID) with the holder's My Number and
// PIN B, random PINs nobody knows, no certificates; the application records where it is and
// the new card's expiry (R-VAL-2/3/4 from the application date). A crash after the file was
// written and before the record leaves a blank card nobody holds: the next Produce replaces
// it. Errors: `application` (unknown, not applied: 409).
Result<CardApplication> Produce(CounterStore& store, const profiles::Registry& profiles,
                                std::string_view id, const ProductionEnv& env, Date today,
                                std::string_view clerk, int64_t now);

// The 交付通知書 went out (its letter: notices/pickup_notice.h). Errors: `application` (not
// produced: 409).
Result<CardApplication> MarkNotified(CounterStore& store, std::string_view id, Date today,
                                     std::string_view clerk, int64_t now);

// The pick-up booking (a reservation's 予約番号) recorded on the application.
Result<CardApplication> RecordPickupBooking(CounterStore& store, std::string_view id,
                                            int64_t booking_number, std::string_view clerk,
                                            int64_t now);

// Staff cancel an application not yet picked up (the produced card file, if any, is removed).
Result<CardApplication> Cancel(CounterStore& store, std::string_view id,
                               const std::filesystem::path& home, std::string_view reason,
                               std::string_view clerk, int64_t now);

// The application as JSON (API, CLI).
std::string ApplicationJson(const CardApplication& a);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_CARD_RENEWAL_H_
