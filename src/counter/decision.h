// What the counter decides for a case at its current visit (rules.md R-PROC, R-ID, R-PIN,
// R-CERT-4, R-WIN, R-VAL): from the municipality's profile, the residence record, the card's
// assessment and what was presented, one of
//
//   accepted   everything this procedure needs is here: `steps` is exactly what will be
//              executed (PIN check → keys on the card → issuance → write → revoke old → close)
//   missing    this visit lacks documents or people: `missing` lists them
//   next_visit 文書照会: this visit is complete, the next one is due (`next_visit_by`); e.g. the
//              form is mailed today and the agent returns with it
//   refused    cannot be done as asked: `refusals` say why and what instead, with rule IDs
//
// Pure function of its inputs: the store and the clock are the caller's (counter/service.h).
//
// Thread-safety: pure functions.
#ifndef MYNACERT_COUNTER_DECISION_H_
#define MYNACERT_COUNTER_DECISION_H_

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/steps.h"
#include "counter/store.h"
#include "profiles/model.h"
#include "rules/assessment.h"
#include "rules/id_documents.h"
#include "rules/procedures.h"

namespace mynacert::counter {

enum class Outcome { kAccepted, kMissing, kNextVisit, kRefused };
std::string_view OutcomeName(Outcome o);  // "accepted", …
std::string_view OutcomeJa(Outcome o);    // "受付可", …

struct PlannedStep {
  std::string id;  // check_pins, reset_pin:auth, keygen:auth, issue:auth, write:auth, …
  std::string ja, en;
};

struct Decision {
  Outcome outcome = Outcome::kMissing;
  int visit = 1;
  int visits_total = 1;
  bool document_inquiry = false;
  std::vector<rules::Reason> reasons;
  std::vector<rules::Reason> refusals;
  std::vector<rules::DocumentLine> missing;
  std::vector<rules::Reason> document_checks;  // each presented document: accepted or why not
  std::vector<rules::StaffAction> actions;     // what staff do at this visit
  std::optional<Date> next_visit_by;
  std::vector<PlannedStep> steps;       // accepted: what will be executed, in order
  std::optional<Date> auth_expiry;      // accepted: the new certificates' last valid days
  std::optional<Date> sign_expiry;
  bool paid_reissue = false;            // R-WIN-4: before the window
  int fee_yen = 0;                      // abolish_card: the re-issuance fee (R-LOST-4)
};

struct DecisionInput {
  const profiles::Municipality* municipality = nullptr;
  Resident resident;
  std::optional<Resident> representative;
  bool representative_is_parent = false;  // resident_relations has the pair
  // The card's assessment on `today`, absent when the resident has no card.
  std::optional<rules::Assessment> assessment;
  bool has_active_auth = false;  // a current auth cert to revoke as superseded
  bool has_active_sign = false;
  bool card_suspended = false;  // 一時停止 after a loss report (R-LOST-1)
  bool card_face = false;       // a face-authentication card (R-FACE-1)
  // card_pickup (R-CARD-2): the application the case names (flags.application), if found.
  std::optional<CounterStore::CardApplication> application;
  // R-PROC-7: the record's name or address changed after the form was printed.
  bool name_or_address_changed_since_form = false;
  Case the_case;
  Date today;
};

// Parses "renewal" etc. (errors name `field`).
Result<profiles::Procedure> ParseProcedure(std::string_view name, std::string_view field);
Result<profiles::Applicant> ParseApplicant(std::string_view name, std::string_view field);

// The decision at the case's current visit.
Result<Decision> Decide(const DecisionInput& in);

// Checks one document against the current visit of the case (before it is recorded): nullopt
// when acceptable, else the reason it is refused (R-PROC-9, R-ID-X, R-ID-A, R-PROC-2).
std::optional<rules::Reason> CheckPresented(const profiles::Municipality& m, const Document& d,
                                            Date today, bool health_insurance_card_accepted);

// The whole decision as JSON (for --json and the case record).
std::string DecisionJson(const Decision& d);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_DECISION_H_
