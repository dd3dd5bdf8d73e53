#include "counter/decision.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "counter/internal.h"
#include "rules/dates.h"
#include "rules/validity.h"

namespace mynacert::counter {

namespace {

using profiles::Applicant;
using profiles::Procedure;
using rules::Reason;

std::vector<const Document*> DocsOfVisit(const Case& c, int visit) {
  std::vector<const Document*> out;
  for (const Document& d : c.documents)
    if (d.visit == visit) out.push_back(&d);
  return out;
}

// A planned step with its description for the clerk (Japanese, English).
PlannedStep StepOf(const StepName& step) {
  const std::string id = FormatStep(step);
  const bool sign = step.key == pki::CaKind::kSign;
  const std::string cert_ja = sign ? "署名用電子証明書" : "利用者証明用電子証明書";
  const std::string cert_en = sign ? "sign cert" : "auth cert";
  switch (step.kind) {
    case StepKind::kCheckPins:
      return {id, "カードで暗証番号を照合", "check the PINs on the card"};
    case StepKind::kResetPin: {
      const std::string pin(step.pin ? internal::PinName(*step.pin) : "");
      return {id, pin + " の暗証番号を再設定 (新しい暗証番号)", "reset the " + pin + " PIN (a new PIN)"};
    }
    case StepKind::kKeygen:
      return {id, "カード内で" + cert_ja + "の鍵ペアを生成", "generate the " + cert_en + " key pair on the card"};
    case StepKind::kIssue:
      return {id, "認証局が" + cert_ja + "を発行", "the CA issues the " + cert_en};
    case StepKind::kWrite:
      return {id, cert_ja + "をカードに書き込み", "write the " + cert_en + " to the card"};
    case StepKind::kRevokeOld:
      return {id, "旧" + cert_ja + "を失効 (superseded)", "revoke the old " + cert_en + " (superseded)"};
    case StepKind::kCreateCard:
      return {id, "カードを作成 (暗証番号を設定)", "make the card (PINs set)"};
    case StepKind::kWriteCa:
      return {id, "認証局の証明書をカードに書き込み", "write the CA certificates to the card"};
    case StepKind::kWriteData:
      return {id, "券面事項 (個人番号・基本4情報) をカードに書き込み",
              "write the My Number and the basic four data to the card"};
    case StepKind::kRevoke:
      return {id, cert_ja + "を失効", "revoke the " + cert_en};
    case StepKind::kResumeCard:
      return {id, "カードの一時停止を解除", "lift the card's suspension"};
    case StepKind::kAbolishCard:
      return {id, "カードを廃止", "abolish the card"};
    case StepKind::kFaceCheck:
      return {id, "顔認証 (本人の顔とカードの顔写真を照合)", "the face check (the holder's face against the card's photo)"};
    case StepKind::kFaceOn:
      return {id, "顔認証マイナンバーカードに切り替え (暗証番号を消去)", "switch to a face-authentication card (PINs cleared)"};
    case StepKind::kFaceOff:
      return {id, "暗証番号のカードに切り替え (新しい暗証番号を設定)", "switch back to PINs (new PINs set)"};
    case StepKind::kAdoptCard:
      return {id, "新しいカードを交付し、古いカードを返納", "hand over the new card; the old card returned"};
    case StepKind::kClose:
      return {id, "案件を完了", "close the case"};
  }
  return {id, id, id};
}

}  // namespace

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAccepted: return "accepted";
    case Outcome::kMissing: return "missing";
    case Outcome::kNextVisit: return "next_visit";
    case Outcome::kRefused: return "refused";
  }
  return "";
}

std::string_view OutcomeJa(Outcome o) {
  switch (o) {
    case Outcome::kAccepted: return "受付可 (本日実施できます)";
    case Outcome::kMissing: return "不足あり";
    case Outcome::kNextVisit: return "次回来庁";
    case Outcome::kRefused: return "受付不可";
  }
  return "";
}

Result<Procedure> ParseProcedure(std::string_view name, std::string_view field) {
  for (Procedure p : {Procedure::kRenewal, Procedure::kNewIssuance, Procedure::kPinReset,
                      Procedure::kFoundCard, Procedure::kAbolishCard, Procedure::kFaceSwitch,
                      Procedure::kCardPickup}) {
    if (rules::ProcedureName(p) == name) return p;
  }
  return InvalidArgument(std::string(field),
                         "'" + std::string(name) +
                             "': renewal | new_issuance | pin_reset | found_card | abolish_card | "
                             "face_switch | card_pickup のいずれか");
}

Result<Applicant> ParseApplicant(std::string_view name, std::string_view field) {
  for (Applicant a : {Applicant::kSelf, Applicant::kLegalRepParent, Applicant::kLegalRepGuardian,
                      Applicant::kAgentWithForm, Applicant::kAgentWithoutForm}) {
    if (rules::ApplicantName(a) == name) return a;
  }
  return InvalidArgument(std::string(field),
                         "'" + std::string(name) +
                             "': self | legal_rep_parent | legal_rep_guardian | agent_with_form | "
                             "agent_without_form のいずれか");
}

std::optional<Reason> CheckPresented(const profiles::Municipality& m, const Document& d,
                                     Date today, bool health_insurance_card_accepted) {
  if (d.item == "id") {
    rules::PresentedDocument p;
    p.kind = d.kind;
    p.expires = d.expires;
    p.issued = d.issued;
    p.original = d.original;
    p.legible = d.legible;
    rules::IdCheck check = rules::CheckIdentityDocument(m, p, today, health_insurance_card_accepted);
    if (!check.accepted) return check.reason;
    return std::nullopt;
  }
  if (!d.original) {
    return Reason{"R-PROC-9", "書類はコピーでは受け付けできません。原本をお持ちください。",
                  "A copy is refused: bring the original."};
  }
  if (d.item == "koseki_tohon" || d.item == "touki_jiko_shomei") {
    if (!d.issued) {
      return Reason{"R-PROC-2", "発行日が必要です (the issue date is needed)",
                    "the issue date of the proof of authority is needed"};
    }
    return rules::CheckAuthorityProof(m, *d.issued, today);
  }
  return std::nullopt;
}

Result<Decision> Decide(const DecisionInput& in) {
  const profiles::Municipality& m = *in.municipality;
  const Case& c = in.the_case;
  Decision d;
  d.visit = c.visit;
  const Visit* visit = c.current_visit();
  if (!visit) return Error{ErrorCode::kInternal, "case", "案件に来庁記録がありません (no visit)", ""};

  MYNACERT_ASSIGN_OR_RETURN(Procedure procedure, ParseProcedure(c.procedure, "procedure"));
  MYNACERT_ASSIGN_OR_RETURN(Applicant applicant, ParseApplicant(c.applicant, "applicant"));
  const std::vector<const Document*> docs = DocsOfVisit(c, c.visit);

  // R-PROC-6: the deadline of this visit.
  if (c.deadline && visit->on > *c.deadline) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back(
        {"R-PROC-6",
         "来庁期限 " + c.deadline->ToString() + " を過ぎています (" + visit->on.ToString() +
             ")。照会書兼回答書は使えません。最初の来庁からやり直してください。",
         "The visit is past its deadline " + c.deadline->ToString() + " (" + visit->on.ToString() +
             "): start again from the first visit."});
    return d;
  }

  // The card and its certificates (R-WIN-5, R-WIN-6, R-CERT-4).
  if (!in.assessment) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back({"R-WIN-6", "有効なマイナンバーカードがありません。カードの交付申請が必要です。",
                          "No valid My Number Card on record: the card must be applied for."});
    return d;
  }
  const rules::Assessment& a = *in.assessment;
  // R-LOST-2: a suspended card takes only the found-card procedure or its abolition; the
  // found-card procedure needs a suspended card.
  if (in.card_suspended && procedure != Procedure::kFoundCard && procedure != Procedure::kAbolishCard) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back({"R-LOST-2",
                          "このカードは紛失・盗難の届出により一時停止中です。見つかったカードなら一時停止解除 "
                          "(found_card)、見つからないなら廃止 (abolish_card) の手続きをしてください。",
                          "The card is suspended after a loss report: lift the suspension (found_card) if it "
                          "was found, or abolish it (abolish_card)."});
    return d;
  }
  if (procedure == Procedure::kFoundCard && !in.card_suspended) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back({"R-LOST-2",
                          "このカードは一時停止されていません。一時停止解除の手続きは不要です。",
                          "The card is not suspended: there is nothing to lift."});
    return d;
  }
  // R-CARD-2: the card handed over must be this resident's, produced and not yet collected.
  if (procedure == Procedure::kCardPickup) {
    const auto& app = in.application;
    if (!app || app->resident_id != in.resident.id || (app->state != "produced" && app->state != "notified")) {
      d.outcome = Outcome::kRefused;
      const std::string state = app ? app->state : "none";
      d.refusals.push_back({"R-CARD-2",
                            app && app->state == "picked_up"
                                ? "このカードは既に交付済みです。"
                                : "この申請のカードはまだ交付できません (状態: " + state + ")。交付通知書が届いてから来庁してください。",
                            app && app->state == "picked_up"
                                ? "This card was already handed over."
                                : "This application's card cannot be handed over yet (state " + state +
                                      "): come after the pick-up notice arrives."});
      return d;
    }
  }
  if (a.card_expired && procedure != Procedure::kAbolishCard && procedure != Procedure::kCardPickup) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back({"R-WIN-6",
                          "カードの有効期限 (" + a.card.expires.ToString() +
                              ") が過ぎています。電子証明書だけの更新はできません。カードの更新を申請してください。",
                          "The card expired on " + a.card.expires.ToString() +
                              ": certificates cannot be renewed alone; apply for a new card."});
    return d;
  }

  // The situation as the residence record and the case show it.
  rules::Situation s;
  s.holder_age = rules::AgeOn(in.resident.birth, visit->on);
  s.adult_ward = in.resident.adult_ward;
  s.sign_cert = c.flags.certs != "auth";
  s.sign_only = c.flags.certs == "sign";
  s.same_household = in.representative && in.representative_is_parent &&
                     in.representative->household == in.resident.household;
  s.honseki_in_city = c.flags.honseki_in_city;
  s.corporate_guardian = c.flags.corporate_guardian;
  s.representative_has_photo_id = c.flags.representative_has_photo_id;
  s.pin_forgotten = c.flags.pin_forgotten;
  s.counter_id = visit->counter_id;
  s.card_event = c.flags.card_event;
  s.holder_at_fault = c.flags.holder_at_fault;
  s.face_card = in.card_face;
  s.card_type = procedure == Procedure::kCardPickup ? (in.application && in.application->face ? "face" : "pin")
                                                    : c.flags.card_type;
  const Document* form = nullptr;
  for (const Document* doc : docs)
    if (doc->item == "inquiry_form") form = doc;
  s.cert_expired = a.auth.status == rules::CertStatus::kExpired;
  if (applicant == Applicant::kAgentWithForm && form && form->expires && *form->expires < visit->on) {
    s.cert_expired = true;  // B6: the form is valid until the certificate's expiry
  }
  s.form_name_address_changed = in.name_or_address_changed_since_form;
  s.form_problem = c.flags.pin_mismatch ||
                   (applicant == Applicant::kAgentWithForm && form &&
                    (!form->form_signed || !form->form_pin_hidden || !form->form_complete));

  MYNACERT_ASSIGN_OR_RETURN(rules::ProcedurePlan plan, rules::PlanProcedure(m, procedure, applicant, s));
  d.reasons = plan.reasons;
  d.document_inquiry = plan.document_inquiry;
  d.visits_total = static_cast<int>(plan.visits.size());
  d.fee_yen = plan.fee_yen;
  if (!plan.possible) {
    d.outcome = Outcome::kRefused;
    d.refusals = plan.refusals;
    return d;
  }
  // The agent brought the notice's form but it cannot be used: expired (B6 / R-PROC-7) →
  // refused as asked, 文書照会 instead. A form problem (R-PROC-5) switches the case (service).
  if (applicant == Applicant::kAgentWithForm && plan.document_inquiry && procedure == Procedure::kFoundCard) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back({"R-LOST-3",
                          "一時停止解除では有効期限通知書の照会書兼回答書は使えません。代理人は文書照会 (--applicant agent_without_form) で申請できます。",
                          "The expiry notice's form cannot lift a suspension: the agent applies by the inquiry by post (agent_without_form)."});
    return d;
  }
  if (applicant == Applicant::kAgentWithForm && plan.document_inquiry && !s.form_problem) {
    d.outcome = Outcome::kRefused;
    d.refusals.push_back({"R-PROC-4",
                          "照会書兼回答書が有効期間外のため受け付けできません。代理人は文書照会 (--applicant agent_without_form) で申請できます。",
                          "The inquiry-and-response form is outside its validity: refused. The agent may apply by the inquiry by post (agent_without_form)."});
    return d;
  }
  if (c.visit > d.visits_total) {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "この手続きは" + std::to_string(d.visits_total) + "回の来庁です (this procedure has only " +
                     std::to_string(d.visits_total) + " visits)",
                 "R-PROC-6"};
  }
  const rules::VisitPlan& vp = plan.visits[c.visit - 1];
  d.actions = vp.staff_actions;

  // Who must be here.
  if (vp.holder_present && !visit->holder_present) {
    rules::DocumentLine who;
    who.whose = "holder";
    who.item = "holder_present";
    who.ja = "本人の来庁";
    who.en = "the holder in person";
    who.rules = {applicant == Applicant::kSelf ? "R-PROC-1" : (s.adult_ward ? "R-PROC-3" : "R-PROC-2")};
    d.missing.push_back(who);
  }

  // What must be presented at this visit.
  for (const rules::DocumentLine& line : vp.documents) {
    if (line.optional) continue;
    bool satisfied = false;
    if (line.item == "id") {
      int count_a = 0, count_b = 0;
      for (const Document* doc : docs) {
        if (doc->item != "id" || doc->whose != line.whose) continue;
        if (line.excludes_holder_card && doc->kind == "my_number_card") continue;
        rules::PresentedDocument p;
        p.kind = doc->kind;
        p.expires = doc->expires;
        p.issued = doc->issued;
        const rules::IdCheck check = rules::CheckIdentityDocument(m, p, visit->on, line.health_insurance_card);
        if (!check.accepted) continue;
        if (check.category == rules::IdCategory::kA) ++count_a;
        if (check.category == rules::IdCategory::kB) ++count_b;
      }
      satisfied = rules::SatisfiesAny(line.combos, count_a, count_b);
    } else {
      for (const Document* doc : docs) {
        if (doc->item != line.item) continue;
        if (auto problem = CheckPresented(m, *doc, visit->on, false)) {
          d.document_checks.push_back(*problem);
          continue;
        }
        satisfied = true;
      }
    }
    if (!satisfied) d.missing.push_back(line);
  }
  if (!d.missing.empty()) {
    d.outcome = Outcome::kMissing;
    return d;
  }

  if (c.visit < d.visits_total) {
    d.outcome = Outcome::kNextVisit;
    const rules::VisitPlan& next = plan.visits[c.visit];
    if (next.deadline_days_after_previous > 0) {
      d.next_visit_by = visit->on.AddDays(next.deadline_days_after_previous);
    }
    const bool mailing = std::any_of(vp.staff_actions.begin(), vp.staff_actions.end(),
                                     [](const rules::StaffAction& x) { return x.id == "mail_inquiry_form"; });
    std::string by_ja = d.next_visit_by ? "遅くとも " + d.next_visit_by->ToString() + " までに" : "";
    std::string by_en = d.next_visit_by ? ", at the latest on " + d.next_visit_by->ToString() : "";
    if (mailing) {
      d.reasons.push_back({"R-PROC-6",
                           "文書照会: 照会書兼回答書を本日 (" + visit->on.ToString() + ") 住民票の住所へ転送不要で郵送します。代理人は" +
                               by_ja + "それを持って" + std::to_string(c.visit + 1) + "回目の来庁をしてください (" + m.name_ja + ")。",
                           "文書照会: the form is mailed today (" + visit->on.ToString() +
                               ") to the registered address; the agent returns with it" + by_en + " (R-PROC-6, " +
                               m.name_en + ")."});
      if (in.resident.forwarding) {
        d.reasons.push_back({"R-NOT-2",
                             "注意: 転送届が出ているため、転送不要郵便の照会書兼回答書は届きません。住所を確認してください。",
                             "Warning: a forwarding request is on file, so the 転送不要 form will not be delivered."});
      }
    } else {
      d.reasons.push_back({"R-PROC-6",
                           std::to_string(c.visit + 1) + "回目の来庁で手続きを続けます" +
                               (by_ja.empty() ? "。" : " (" + by_ja + ")。"),
                           "The procedure continues at visit " + std::to_string(c.visit + 1) + by_en + "."});
    }
    return d;
  }

  // Accepted: exactly what will be executed.
  d.outcome = Outcome::kAccepted;
  std::vector<StepName> steps;
  if (procedure == Procedure::kPinReset) {
    MYNACERT_ASSIGN_OR_RETURN(const card::PinId pin, internal::ParsePinName(c.flags.pin, "pin"));
    steps.push_back(MakeResetPin(pin));
  } else if (procedure == Procedure::kFaceSwitch) {
    const bool sign_eligible = s.holder_age >= 15 && (!s.adult_ward || m.rules.adult_ward_sign_cert);
    if (s.card_type == "face") {
      // R-FACE-3: the sign certificate revoked first (at the CA), then the PINs cleared.
      if (in.has_active_sign) steps.push_back(MakeStep(StepKind::kRevoke, pki::CaKind::kSign));
      steps.push_back(MakeStep(StepKind::kFaceOn));
    } else {
      steps.push_back(MakeStep(StepKind::kFaceCheck));
      steps.push_back(MakeStep(StepKind::kFaceOff));
      if (sign_eligible && a.sign.if_issued_today) {
        d.sign_expiry = a.sign.if_issued_today;
        steps.push_back(MakeStep(StepKind::kKeygen, pki::CaKind::kSign));
        steps.push_back(MakeStep(StepKind::kIssue, pki::CaKind::kSign));
        steps.push_back(MakeStep(StepKind::kWrite, pki::CaKind::kSign));
      }
    }
  } else if (procedure == Procedure::kCardPickup) {
    // R-CARD-2: the holder's PINs on the produced card, the card handed over, both certificates
    // issued onto it, the old card's revoked superseded.
    const CounterStore::CardApplication& app = *in.application;
    const bool face = app.face;
    const bool sign = !face && s.holder_age >= 15 && (!s.adult_ward || m.rules.adult_ward_sign_cert);
    const Date card_expiry = app.new_card_expiry.value_or(a.card.expires);
    const rules::CertValidity auth =
        rules::ComputeCertValidity(in.resident.birth, visit->on, false, card_expiry, std::nullopt, m.rules);
    d.auth_expiry = auth.expires;
    if (sign) {
      d.sign_expiry =
          rules::ComputeCertValidity(in.resident.birth, visit->on, false, card_expiry, auth.expires, m.rules).expires;
    }
    if (!face) steps.push_back(MakeResetPin(card::PinId::kAuth));
    if (sign) steps.push_back(MakeResetPin(card::PinId::kSign));
    steps.push_back(MakeResetPin(card::PinId::kText));
    steps.push_back(MakeResetPin(card::PinId::kJuki));
    steps.push_back(MakeStep(StepKind::kAdoptCard));
    steps.push_back(MakeStep(StepKind::kKeygen, pki::CaKind::kAuth));
    if (sign) steps.push_back(MakeStep(StepKind::kKeygen, pki::CaKind::kSign));
    steps.push_back(MakeStep(StepKind::kIssue, pki::CaKind::kAuth));
    if (sign) steps.push_back(MakeStep(StepKind::kIssue, pki::CaKind::kSign));
    steps.push_back(MakeStep(StepKind::kWriteCa));
    steps.push_back(MakeStep(StepKind::kWriteData));
    steps.push_back(MakeStep(StepKind::kWrite, pki::CaKind::kAuth));
    if (sign) steps.push_back(MakeStep(StepKind::kWrite, pki::CaKind::kSign));
    if (in.has_active_auth) steps.push_back(MakeStep(StepKind::kRevokeOld, pki::CaKind::kAuth));
    if (in.has_active_sign) steps.push_back(MakeStep(StepKind::kRevokeOld, pki::CaKind::kSign));
  } else if (procedure == Procedure::kAbolishCard) {
    // R-LOST-4: the certificates in force revoked with the event's reason, the card abolished.
    if (in.has_active_auth) steps.push_back(MakeStep(StepKind::kRevoke, pki::CaKind::kAuth));
    if (in.has_active_sign) steps.push_back(MakeStep(StepKind::kRevoke, pki::CaKind::kSign));
    steps.push_back(MakeStep(StepKind::kAbolishCard));
  } else {
    const bool sign_excluded = s.holder_age < 15 || (s.adult_ward && !m.rules.adult_ward_sign_cert);
    const bool want_auth = c.flags.certs != "sign";
    const bool want_sign = c.flags.certs != "auth" && !sign_excluded && !in.card_face;  // R-FACE-1
    if (want_auth) {
      if (!a.auth.if_issued_today) {
        d.outcome = Outcome::kRefused;
        d.refusals.push_back({"R-WIN-6", "利用者証明用電子証明書を本日発行できません。", "No auth cert can be issued today."});
        return d;
      }
      d.auth_expiry = a.auth.if_issued_today;
      if (a.auth.status == rules::CertStatus::kValid) d.paid_reissue = true;
    }
    if (want_sign) {
      if (!a.sign.if_issued_today) {
        d.outcome = Outcome::kRefused;
        d.refusals.push_back({"R-CERT-4", "署名用電子証明書を本日発行できません。", "No sign cert can be issued today."});
        return d;
      }
      d.sign_expiry = a.sign.if_issued_today;
      if (a.sign.status == rules::CertStatus::kValid) d.paid_reissue = true;
    }
    if (procedure == Procedure::kFoundCard) {
      // R-LOST-2: a new issuance after the held certificates are revoked, not a renewal.
    } else if (d.paid_reissue) {
      d.reasons.push_back({"R-WIN-4", "更新期間の前のため、有料の再交付となり、新しい証明書の有効期間は短くなります (R-VAL-7)。",
                           "Before the renewal window: a paid re-issuance with a shorter validity (R-VAL-7)."});
    } else {
      d.reasons.push_back({"R-WIN-4", "手数料は無料です。", "Free of charge."});
    }
    if (in.card_face) {
      steps.push_back(MakeStep(StepKind::kFaceCheck));  // R-FACE-4: in place of the PIN
    } else if (c.flags.pin_forgotten) {
      steps.push_back(MakeResetPin(card::PinId::kAuth));
      if (want_sign) steps.push_back(MakeResetPin(card::PinId::kSign));
    } else {
      steps.push_back(MakeStep(StepKind::kCheckPins));
    }
    if (want_auth) steps.push_back(MakeStep(StepKind::kKeygen, pki::CaKind::kAuth));
    if (want_sign) steps.push_back(MakeStep(StepKind::kKeygen, pki::CaKind::kSign));
    if (want_auth) steps.push_back(MakeStep(StepKind::kIssue, pki::CaKind::kAuth));
    if (want_sign) steps.push_back(MakeStep(StepKind::kIssue, pki::CaKind::kSign));
    if (want_auth) steps.push_back(MakeStep(StepKind::kWrite, pki::CaKind::kAuth));
    if (want_sign) steps.push_back(MakeStep(StepKind::kWrite, pki::CaKind::kSign));
    if (want_auth && in.has_active_auth) steps.push_back(MakeStep(StepKind::kRevokeOld, pki::CaKind::kAuth));
    if (want_sign && in.has_active_sign) steps.push_back(MakeStep(StepKind::kRevokeOld, pki::CaKind::kSign));
    if (procedure == Procedure::kFoundCard) {
      // A held certificate the case does not replace (the sign cert of a holder no longer
      // eligible, or one the case leaves out) is still revoked: a hold is final (R-LOST-2).
      if (!want_auth && in.has_active_auth) steps.push_back(MakeStep(StepKind::kRevoke, pki::CaKind::kAuth));
      if (!want_sign && in.has_active_sign) steps.push_back(MakeStep(StepKind::kRevoke, pki::CaKind::kSign));
      steps.push_back(MakeStep(StepKind::kResumeCard));
    }
  }
  steps.push_back(MakeStep(StepKind::kClose));
  for (const StepName& step : steps) d.steps.push_back(StepOf(step));
  return d;
}

std::string DecisionJson(const Decision& d) {
  auto reasons = [](const std::vector<Reason>& rs) {
    nlohmann::json out = nlohmann::json::array();
    for (const Reason& r : rs) out.push_back({{"rule", r.rule}, {"ja", r.ja}, {"en", r.en}});
    return out;
  };
  nlohmann::json missing = nlohmann::json::array();
  for (const rules::DocumentLine& l : d.missing) {
    missing.push_back({{"whose", l.whose}, {"item", l.item}, {"ja", l.ja}, {"en", l.en}, {"rules", l.rules}});
  }
  nlohmann::json actions = nlohmann::json::array();
  for (const rules::StaffAction& x : d.actions) actions.push_back({{"id", x.id}, {"ja", x.ja}, {"en", x.en}});
  nlohmann::json steps = nlohmann::json::array();
  for (const PlannedStep& x : d.steps) steps.push_back({{"id", x.id}, {"ja", x.ja}, {"en", x.en}});
  nlohmann::json j{{"outcome", std::string(OutcomeName(d.outcome))},
                   {"visit", d.visit},
                   {"visits_total", d.visits_total},
                   {"document_inquiry", d.document_inquiry},
                   {"reasons", reasons(d.reasons)},
                   {"refusals", reasons(d.refusals)},
                   {"document_checks", reasons(d.document_checks)},
                   {"missing", missing},
                   {"actions", actions},
                   {"steps", steps},
                   {"paid_reissue", d.paid_reissue},
                   {"fee_yen", d.fee_yen}};
  j["next_visit_by"] = d.next_visit_by ? nlohmann::json(d.next_visit_by->ToString()) : nlohmann::json();
  j["auth_expiry"] = d.auth_expiry ? nlohmann::json(d.auth_expiry->ToString()) : nlohmann::json();
  j["sign_expiry"] = d.sign_expiry ? nlohmann::json(d.sign_expiry->ToString()) : nlohmann::json();
  return j.dump();
}

}  // namespace mynacert::counter
