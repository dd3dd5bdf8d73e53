// The 交付通知書 (pick-up notice, rules-lifecycle.md R-CARD-2): mailed when the new card of a
// card renewal is produced (counter/card_renewal.h: produced → notified). It says the card is
// ready, how to book the pick-up (the residents' page with a QR code, or the phone), what to
// bring — this notice, the current card (returned at the counter) and identity documents (A×1
// or B×2), as rules::PlanProcedure(kCardPickup) lists them — and which PINs to decide before
// coming; a holder under the legal representative's age or an adult ward comes with the legal
// representative. No PIN is printed or asked for.
//
// One A4 page (a second only for a very long address), rendered in memory as PDF bytes with the
// letters' fonts (notices/pdf_text.h).
//
// Thread-safety: pure functions; RenderPickupNotice keeps one font context per thread.
#ifndef MYNACERT_NOTICES_PICKUP_NOTICE_H_
#define MYNACERT_NOTICES_PICKUP_NOTICE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "notices/letter.h"
#include "profiles/model.h"

namespace mynacert::notices {

// What the 交付通知書 says, before any layout (tests read it without a PDF).
struct PickupNotice {
  Date run_date;
  std::string municipality_ja;
  std::string sender_ja;        // the municipality (and its department)
  std::string name, postal_name, address;
  std::string application_id, application_id_grouped;
  std::optional<Date> applied_on;
  std::optional<Date> new_card_expiry;
  bool face = false;            // a face-authentication card was asked for (R-FACE-1)
  bool legal_rep = false;       // under the legal representative's age or an adult ward
  // <booking base>#/book: the residents' booking page, printed with a QR code ("" = none: the
  // notice gives the phone).
  std::string booking_url;
  std::vector<std::string> contact_lines;
  std::vector<CounterGroup> counters;   // where cards are handed over
  std::vector<Bilingual> bring;         // what to bring (rules::PlanProcedure, kCardPickup)
  std::vector<Bilingual> pins;          // the PINs to decide before coming
  std::vector<Bilingual> notes;         // R-CARD-2/3, R-FACE-1, R-PROC-2
};

// Composes the notice for application `a` (any state; the CLI renders it for a produced or
// notified one). `booking_base` as for ComposeLetter (the profile's contact.booking_url wins).
Result<PickupNotice> ComposePickupNotice(const profiles::Municipality& m, const counter::Resident& r,
                                         const counter::CounterStore::CardApplication& a, Date run_date,
                                         std::string_view booking_base);

// The 交付通知書 as PDF bytes. Fails (kFailedPrecondition) when the Noto CJK fonts are missing.
Result<std::string> RenderPickupNotice(const profiles::Municipality& m, const counter::Resident& r,
                                       const counter::CounterStore::CardApplication& a, Date run_date,
                                       std::string_view booking_base);

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_PICKUP_NOTICE_H_
