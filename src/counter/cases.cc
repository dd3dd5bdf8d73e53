#include "counter/cases.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "counter/internal.h"
#include "rules/id_documents.h"

namespace mynacert::counter {

namespace {

using internal::Audit;
using nlohmann::json;

std::string RuleIds(const Decision& d) {
  std::string out;
  for (const auto* list : {&d.refusals, &d.reasons}) {
    for (const rules::Reason& r : *list) {
      if (out.find(r.rule) == std::string::npos) out += (out.empty() ? "" : ",") + r.rule;
    }
  }
  return out;
}

}  // namespace

Result<DecisionInput> Cases::InputFor(const Case& c, Date today) {
  DecisionInput in;
  MYNACERT_ASSIGN_OR_RETURN(in.municipality, profiles_.Find(c.municipality));
  MYNACERT_ASSIGN_OR_RETURN(in.resident, store_.GetResident(c.resident_id));
  if (c.representative_id) {
    MYNACERT_ASSIGN_OR_RETURN(Resident rep, store_.GetResident(c.representative_id));
    in.representative = rep;
    MYNACERT_ASSIGN_OR_RETURN(in.representative_is_parent,
                              store_.IsParentOf(c.representative_id, c.resident_id));
  }
  MYNACERT_ASSIGN_OR_RETURN(in.assessment, registry_.AssessResident(in.resident, today));
  MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(c.resident_id));
  if (card) {
    MYNACERT_ASSIGN_OR_RETURN(auto auth, store_.ActiveCert(card->id, "auth"));
    MYNACERT_ASSIGN_OR_RETURN(auto sign, store_.ActiveCert(card->id, "sign"));
    in.has_active_auth = auth && auth->last_valid_day >= today;
    in.has_active_sign = sign && sign->last_valid_day >= today;
    in.card_suspended = card->suspended();
    in.card_face = card->face;
  }
  if (!c.flags.application.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(in.application, store_.FindCardApplication(c.flags.application));
  }
  for (const Document& d : c.documents) {
    if (d.visit != c.visit || d.item != "inquiry_form" || !d.form_printed) continue;
    MYNACERT_ASSIGN_OR_RETURN(auto events, store_.Events(c.resident_id));
    for (const ResidentEvent& e : events) {
      if ((e.field == "name" || e.field == "address") && e.on > *d.form_printed) {
        in.name_or_address_changed_since_form = true;
      }
    }
  }
  in.the_case = c;
  in.today = today;
  return in;
}

Result<int64_t> Cases::OpenCase(const OpenRequest& r, int64_t at,
                                std::span<const Document> documents) {
  MYNACERT_ASSIGN_OR_RETURN(Resident resident, store_.GetResident(r.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(resident.municipality));
  MYNACERT_ASSIGN_OR_RETURN(auto procedure, ParseProcedure(r.procedure, "procedure"));
  // R-LOST-4: a 紛失届 says what happened to the card; no other procedure takes it.
  if (procedure == profiles::Procedure::kAbolishCard) {
    const std::string& ev = r.flags.card_event;
    if (ev != "lost" && ev != "stolen" && ev != "broken" && ev != "misused") {
      return InvalidArgument("card_event",
                             "カードの廃止には理由が必要です: lost (紛失) | stolen (盗難) | broken (破損) | "
                             "misused (不正利用) (R-LOST-4)");
    }
  } else if (!r.flags.card_event.empty() || r.flags.holder_at_fault) {
    return InvalidArgument(r.flags.card_event.empty() ? "holder_at_fault" : "card_event",
                           "カードの廃止 (abolish_card) の場合だけです (abolish_card only, R-LOST-4)");
  }
  // R-FACE-3: the switch says which way; R-CARD-2: the pick-up names its application.
  if (procedure == profiles::Procedure::kFaceSwitch) {
    if (r.flags.card_type != "face" && r.flags.card_type != "pin") {
      return InvalidArgument("card_type", "切り替え先: face (顔認証マイナンバーカード) | pin (暗証番号のカード) (R-FACE-3)");
    }
  } else if (!r.flags.card_type.empty()) {
    return InvalidArgument("card_type", "カードの切り替え (face_switch) の場合だけです (face_switch only, R-FACE-3)");
  }
  if (procedure == profiles::Procedure::kCardPickup) {
    MYNACERT_ASSIGN_OR_RETURN(auto app, store_.FindCardApplication(r.flags.application));
    if (!app || app->resident_id != r.resident_id) {
      return NotFound("application", "この住民の交付申請書ID '" + r.flags.application +
                                         "' がありません (no such card application for this resident, R-CARD-2)");
    }
  } else if (!r.flags.application.empty()) {
    return InvalidArgument("application", "新しいカードの受け取り (card_pickup) の場合だけです (card_pickup only, R-CARD-2)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto applicant, ParseApplicant(r.applicant, "applicant"));
  (void)applicant;
  if (r.visit.counter_id.empty() || !m->FindCounter(r.visit.counter_id)) {
    std::string known;
    for (const profiles::Counter& c : m->counters) known += (known.empty() ? "" : ", ") + c.id;
    return NotFound("counter", "'" + r.visit.counter_id + "' は" + m->name_ja +
                                   "の窓口にありません (known: " + known + ")");
  }
  if (r.flags.certs != "both" && r.flags.certs != "auth" && r.flags.certs != "sign") {
    return InvalidArgument("certs", "both | auth | sign のいずれか");
  }
  MYNACERT_ASSIGN_OR_RETURN(card::PinId pin_id, internal::ParsePinName(r.flags.pin, "pin"));
  (void)pin_id;
  if (r.representative_id) {
    MYNACERT_ASSIGN_OR_RETURN(Resident rep, store_.GetResident(r.representative_id));
    (void)rep;
  }
  Case c;
  c.resident_id = r.resident_id;
  c.municipality = resident.municipality;
  c.procedure = r.procedure;
  c.applicant = r.applicant;
  c.representative_id = r.representative_id;
  c.flags = r.flags;
  c.decision = "{}";
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, store_.OpenCase(c, r.visit, at));
  MYNACERT_RETURN_IF_ERROR(Audit(store_, r.visit.clerk, id, r.resident_id, "case_open",
                                 json{{"procedure", r.procedure},
                                      {"applicant", r.applicant},
                                      {"counter", r.visit.counter_id},
                                      {"on", r.visit.on.ToString()},
                                      {"holder_present", r.visit.holder_present},
                                      {"card_event", r.flags.card_event}}
                                     .dump(),
                                 at));
  MYNACERT_RETURN_IF_ERROR(
      AddDocumentsAndCommit(std::move(tx), id, documents, r.visit.clerk, at, /*opening=*/true));
  return id;
}

Status Cases::Present(int64_t case_id, std::span<const Document> documents,
                      std::string_view clerk, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  return AddDocumentsAndCommit(std::move(tx), case_id, documents, clerk, at);
}

Status Cases::AddDocumentsAndCommit(store::Transaction tx, int64_t case_id,
                                    std::span<const Document> documents, std::string_view clerk,
                                    int64_t at, bool opening) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (!documents.empty() && c.state != "open" && c.state != "accepted") {
    return Error{
        ErrorCode::kFailedPrecondition, "case",
        "案件は " + c.state + " の状態です。書類を受け付けられません (the case is " + c.state + ")",
        ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(c.municipality));
  static const std::vector<std::string> kItems = {
      "holder_card",       "id",          "inquiry_form", "application_form", "koseki_tohon",
      "touki_jiko_shomei", "employee_id", "expiry_notice", "pickup_notice"};
  for (Document d : documents) {
    if (std::find(kItems.begin(), kItems.end(), d.item) == kItems.end()) {
      return InvalidArgument("document",
                             "'" + d.item +
                                 "': holder_card | id | inquiry_form | application_form | "
                                 "koseki_tohon | touki_jiko_shomei | employee_id | expiry_notice | pickup_notice");
    }
    if (d.whose != "holder" && d.whose != "representative" && d.whose != "agent") {
      return InvalidArgument("document", "whose は holder | representative | agent");
    }
    if (d.item == "id" && !rules::FindIdDocument(d.kind)) {
      return InvalidArgument("document",
                             "'" + d.kind +
                                 "' は本人確認書類の一覧にありません (unknown identity document; see "
                                 "`mynacert procedure --documents`)",
                             "R-ID-X");
    }
    if (d.item == "inquiry_form" && d.form_source != "jlis" && d.form_source != "municipal") {
      return InvalidArgument("document", "照会書兼回答書の source は jlis | municipal");
    }
    const Visit* visit = c.current_visit();
    d.visit = c.visit;
    // R-ID-X: Yokohama takes a health insurance card as the agent's ID on the first 文書照会 visit.
    bool health_insurance_ok = false;
    if (c.applicant == "agent_without_form" &&
        c.visit <= static_cast<int>(m->procedures.inquiry_visits.size())) {
      for (const profiles::DocumentSpec& spec :
           m->procedures.inquiry_visits[c.visit - 1].documents) {
        if (spec.item == "id" && spec.health_insurance_card_accepted && d.whose == "agent")
          health_insurance_ok = true;
      }
    }
    if (auto problem = CheckPresented(*m, d, visit->on, health_insurance_ok)) {
      // Nothing of the command stays (tx ends uncommitted); the refusal alone is audited.
      { store::Transaction discarded = std::move(tx); }
      MYNACERT_ASSIGN_OR_RETURN(store::Transaction audit, store::Transaction::Begin(store_.db()));
      MYNACERT_RETURN_IF_ERROR(Audit(store_, clerk, opening ? 0 : case_id, c.resident_id,
                                     "document_refused",
                                     json{{"visit", c.visit},
                                          {"command", opening ? "case_open" : "present"},
                                          {"item", d.item},
                                          {"kind", d.kind},
                                          {"whose", d.whose},
                                          {"rule", problem->rule},
                                          {"reason", problem->en}}
                                         .dump(),
                                     at));
      MYNACERT_RETURN_IF_ERROR(audit.Commit());
      return InvalidArgument("document", problem->ja + " / " + problem->en, problem->rule);
    }
    if (d.item == "id") {
      rules::PresentedDocument p;
      p.kind = d.kind;
      p.expires = d.expires;
      p.issued = d.issued;
      const rules::IdCheck check =
          rules::CheckIdentityDocument(*m, p, visit->on, health_insurance_ok);
      d.category = check.category == rules::IdCategory::kA ? "A" : "B";
    }
    MYNACERT_ASSIGN_OR_RETURN(int seq, store_.AddDocument(case_id, d));
    if (c.state == "accepted") {
      c.state = "open";
      MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, at));
    }
    json detail{{"visit", c.visit}, {"seq", seq}, {"item", d.item}, {"whose", d.whose}};
    if (!d.kind.empty()) detail["kind"] = d.kind;
    if (!d.category.empty()) detail["category"] = d.category;
    if (d.item == "inquiry_form") {
      detail["source"] = d.form_source;
      detail["signed"] = d.form_signed;
      detail["pin_hidden"] = d.form_pin_hidden;
      detail["complete"] = d.form_complete;
    }
    MYNACERT_RETURN_IF_ERROR(
        Audit(store_, clerk, case_id, c.resident_id, "document_presented", detail.dump(), at));
  }
  return tx.Commit();
}

Status Cases::NextVisit(int64_t case_id, const Visit& v, int64_t at,
                        std::span<const Document> documents) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state != "waiting") {
    return Error{
        ErrorCode::kFailedPrecondition, "case",
        "案件は次回来庁待ちではありません (the case is " + c.state + ", not waiting for a visit)",
        "R-PROC-6"};
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(c.municipality));
  if (!m->FindCounter(v.counter_id)) {
    return NotFound("counter", "'" + v.counter_id + "' は" + m->name_ja +
                                   "の窓口にありません (unknown counter)");
  }
  if (v.on < c.current_visit()->on) {
    return InvalidArgument("date", "前回の来庁 (" + c.current_visit()->on.ToString() +
                                       ") より前です (before the previous visit)");
  }
  Visit next = v;
  next.number = c.visit + 1;
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_RETURN_IF_ERROR(store_.AddVisit(case_id, next));
  c.visit = next.number;
  c.state = "open";
  MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, at));
  MYNACERT_RETURN_IF_ERROR(Audit(store_, v.clerk, case_id, c.resident_id, "visit",
                                 json{{"visit", next.number},
                                      {"on", v.on.ToString()},
                                      {"counter", v.counter_id},
                                      {"holder_present", v.holder_present}}
                                     .dump(),
                                 at));
  return AddDocumentsAndCommit(std::move(tx), case_id, documents, v.clerk, at);
}

Result<Decision> Cases::Decide(int64_t case_id, std::string_view clerk, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  return Decide(case_id, clerk, at, c.current_visit()->on);
}

Result<Decision> Cases::Decide(int64_t case_id, std::string_view clerk, int64_t at, Date today) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state == "done" || c.state == "executing" || c.state == "cancelled") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "案件は " + c.state + " です (the case is " + c.state + ")", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(DecisionInput in, InputFor(c, today));
  MYNACERT_ASSIGN_OR_RETURN(Decision d, counter::Decide(in));
  // R-PROC-5: a form that cannot be used as it is (PIN not hidden, unsigned, incomplete, PIN
  // mismatch) turns the case into 文書照会 at this same visit.
  if (c.applicant == "agent_with_form" && d.document_inquiry && d.outcome != Outcome::kRefused) {
    c.flags.switched_from = c.applicant;
    c.applicant = "agent_without_form";
    d.reasons.push_back({"R-PROC-5", "この案件は文書照会に切り替わりました (代理人・照会書なし)。",
                         "The case switched to the inquiry by post (agent without a form)."});
  }
  switch (d.outcome) {
    case Outcome::kAccepted:
      c.state = "accepted";
      break;
    case Outcome::kMissing:
      c.state = "open";
      break;
    case Outcome::kNextVisit:
      c.state = "waiting";
      c.deadline = d.next_visit_by;
      break;
    case Outcome::kRefused:
      c.state = "refused";
      break;
  }
  c.decision = DecisionJson(d);
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, at));
  json detail{
      {"visit", c.visit}, {"outcome", std::string(OutcomeName(d.outcome))}, {"rules", RuleIds(d)}};
  if (d.next_visit_by) detail["next_visit_by"] = d.next_visit_by->ToString();
  std::vector<std::string> steps;
  for (const PlannedStep& s : d.steps) steps.push_back(s.id);
  if (!steps.empty()) detail["steps"] = steps;
  MYNACERT_RETURN_IF_ERROR(
      Audit(store_, clerk, case_id, c.resident_id, "decision", detail.dump(), at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return d;
}

}  // namespace mynacert::counter
