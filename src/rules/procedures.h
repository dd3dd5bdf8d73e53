// Who may come, what they bring, how many visits, and where (rules.md R-PROC, R-PIN-1,
// R-CERT-4, R-ID): for a municipality, a procedure, an applicant and the situation, the visits
// with their documents, or the refusal with its rule IDs. What a clerk checks at the counter
// (the actual documents presented) is rules/id_documents.h; this is the requirements list.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RULES_PROCEDURES_H_
#define MYNACERT_RULES_PROCEDURES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "profiles/model.h"
#include "rules/reasons.h"

namespace mynacert::rules {

struct Situation {
  int holder_age = 30;               // at the visit
  bool adult_ward = false;           // 成年被後見人
  bool sign_cert = true;             // the procedure concerns the sign cert too
  bool sign_only = false;            // only the sign cert is asked for (refused by R-CERT-4)
  bool same_household = false;       // residence record shows the parent-child relation
  bool honseki_in_city = false;      // 本籍 in the city (Kanazawa)
  bool corporate_guardian = false;   // the guardian is a corporation (Yamagata)
  bool representative_has_photo_id = true;  // R-PROC-3 (Yokohama)
  bool cert_expired = false;         // the J-LIS form is valid until the cert's expiry (B6)
  bool form_name_address_changed = false;   // R-PROC-7 (Setagaya)
  bool form_problem = false;         // PIN mismatch, incomplete, PIN not hidden (R-PROC-5)
  bool pin_forgotten = false;        // R-PROC-1: reset in the same visit with one A or B
  std::string counter_id;            // where the applicant is, if known (R-PROC-8)
  // abolish_card (R-LOST-4): lost | stolen | broken | misused; whether the re-issuance fee
  // applies (unset: lost and broken are the holder's fault, stolen and misused are not).
  std::string card_event;
  std::optional<bool> holder_at_fault;
  // R-FACE-1: the card is a face-authentication card (no PINs, no sign certificate).
  bool face_card = false;
  // face_switch (R-FACE-3): the card type asked for, face | pin. card_pickup (R-CARD-2): the
  // type of the new card as applied for.
  std::string card_type;
};

// R-LOST-4 / R-REV-1: the revocation reason of an abolished card's certificates
// (keyCompromise for lost, stolen or misused; cessationOfOperation for a broken card), and
// whether the fee applies by default.
std::string_view AbolitionReason(std::string_view card_event);
bool AtFaultByDefault(std::string_view card_event);

struct DocumentLine {
  std::string whose;  // "holder" | "representative" | "agent"
  std::string item;   // holder_card, id, inquiry_form, application_form, expiry_notice,
                      // koseki_tohon, touki_jiko_shomei, employee_id
  std::string ja, en;
  std::string alternatives;  // for id: "A×2 または A×1+B×1"; else ""
  bool optional = false;
  std::vector<std::string> rules;
  // For item == "id": the alternatives as data, whether a health insurance card counts here
  // (R-ID-X, Yokohama) and whether the holder's own My Number Card is excluded (R-PROC-6).
  std::vector<profiles::IdCombo> combos;
  bool health_insurance_card = false;
  bool excludes_holder_card = false;
};

struct StaffAction {
  std::string id;  // check_pins, reset_pin, agent_fills_application_form,
                   // hand_over_application_form, take_copies, mail_inquiry_form, staff_enter_pin
  std::string ja, en;
};

struct VisitPlan {
  int number = 1;
  bool holder_present = false;
  int deadline_days_after_previous = 0;  // 0 = none
  bool any_counter = false;
  std::vector<DocumentLine> documents;
  std::vector<StaffAction> staff_actions;
};

struct ProcedurePlan {
  bool possible = true;        // false: refused as asked; `refusals` say why and what instead
  bool same_day = true;
  bool document_inquiry = false;  // 文書照会 (R-PROC-6)
  int fee_yen = 0;                // abolish_card: the re-issuance fee that applies (R-LOST-4)
  std::vector<VisitPlan> visits;
  std::vector<const profiles::Counter*> counters;  // where it can be done
  std::vector<Reason> reasons;
  std::vector<Reason> refusals;
  // The PINs and who must know them, spelled out (the commonest failed visit is a holder who
  // does not know both): formats (R-CERT-2), who enters them (R-PROC-1/2/4/6), what to do when
  // one is forgotten (R-PROC-1, R-PIN-2). Empty when the plan is refused.
  std::vector<Reason> pins;
};

// Errors only for an unknown `situation.counter_id` (field "counter").
Result<ProcedurePlan> PlanProcedure(const profiles::Municipality& m, profiles::Procedure procedure,
                                    profiles::Applicant applicant, const Situation& situation);

std::string_view ProcedureName(profiles::Procedure p);  // "renewal", …
std::string_view ApplicantName(profiles::Applicant a);  // "agent_with_form", …

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_PROCEDURES_H_
