#include "rules/procedures.h"

#include <algorithm>

#include "rules/id_documents.h"

namespace mynacert::rules {

namespace {

using profiles::Applicant;
using profiles::ApplicantClass;
using profiles::Party;
using profiles::Procedure;

ApplicantClass ClassOf(Applicant a) {
  switch (a) {
    case Applicant::kSelf: return ApplicantClass::kSelf;
    case Applicant::kLegalRepParent:
    case Applicant::kLegalRepGuardian: return ApplicantClass::kLegalRep;
    case Applicant::kAgentWithForm:
    case Applicant::kAgentWithoutForm: return ApplicantClass::kAgent;
  }
  return ApplicantClass::kSelf;
}

bool Accepts(const profiles::Counter& c, Procedure p, ApplicantClass a) {
  return std::find(c.procedures.begin(), c.procedures.end(), p) != c.procedures.end() &&
         std::find(c.applicants.begin(), c.applicants.end(), a) != c.applicants.end();
}

const char* WhoseName(Party p) {
  switch (p) {
    case Party::kHolder: return "holder";
    case Party::kRepresentative: return "representative";
    case Party::kAgent: return "agent";
  }
  return "holder";
}
const char* WhoseJa(Party p) {
  switch (p) {
    case Party::kHolder: return "本人";
    case Party::kRepresentative: return "法定代理人";
    case Party::kAgent: return "代理人";
  }
  return "";
}
const char* WhoseEn(Party p) {
  switch (p) {
    case Party::kHolder: return "the holder";
    case Party::kRepresentative: return "the legal representative";
    case Party::kAgent: return "the agent";
  }
  return "";
}

DocumentLine Line(std::string whose, std::string item, std::string ja, std::string en,
                  std::string alternatives, bool optional, std::vector<std::string> rules) {
  DocumentLine l;
  l.whose = std::move(whose);
  l.item = std::move(item);
  l.ja = std::move(ja);
  l.en = std::move(en);
  l.alternatives = std::move(alternatives);
  l.optional = optional;
  l.rules = std::move(rules);
  return l;
}

DocumentLine HolderCard() {
  return Line("holder", "holder_card", "本人のマイナンバーカード (原本)", "the holder's My Number Card (original)",
          "", false, {"R-PROC-1"});
}

DocumentLine IdLine(Party whose, const std::vector<profiles::IdCombo>& alts, std::string rule,
                    bool health_insurance_card = false, bool holder_non_card = false) {
  std::string ja = std::string(WhoseJa(whose)) + "の本人確認書類 " + CombosJa(alts);
  std::string en = std::string("identity document of ") + WhoseEn(whose) + ": " + CombosEn(alts);
  if (holder_non_card) {
    ja += " (マイナンバーカード以外)";
    en += " (other than the My Number Card)";
  }
  if (health_insurance_card) {
    ja += " (健康保険証も可)";
    en += " (the health insurance card is accepted)";
  }
  ja += " — 原本・有効期限内";
  en += " — original, unexpired";
  std::vector<std::string> rules = {std::move(rule), "R-PROC-9"};
  if (health_insurance_card) rules.push_back("R-ID-X");
  DocumentLine line = Line(WhoseName(whose), "id", ja, en, CombosJa(alts), false, rules);
  line.combos = alts;
  line.health_insurance_card = health_insurance_card;
  line.excludes_holder_card = holder_non_card;
  return line;
}

DocumentLine InquiryForm(bool from_notice) {
  if (from_notice) {
    return Line("holder", "inquiry_form",
            "照会書兼回答書 (有効期限通知書に同封) — 本人が記入し自署 (できなければ記名押印)、暗証番号を記入して封緘または目隠し、有効期間内のもの",
            "the inquiry-and-response form from the expiry notice — filled in and signed by the holder (or name and seal), PINs written and sealed or covered, within its validity",
            "", false, {"R-PROC-4"});
  }
  return Line("holder", "inquiry_form",
          "照会書兼回答書 (市区町村が本人の住所へ郵送したもの) — 本人が記入し自署 (できなければ記名押印)、暗証番号を記入して目隠し",
          "the inquiry-and-response form mailed by the municipality to the holder's address — filled in and signed by the holder, PINs written and covered",
          "", false, {"R-PROC-6"});
}

StaffAction Action(const std::string& id) {
  if (id == "agent_fills_application_form") {
    return {id, "代理人が窓口で電子証明書の新規発行申請書を記入します",
            "the agent fills in the certificate application form at the counter"};
  }
  if (id == "hand_over_application_form") {
    return {id, "申請書をお渡しします (本人が記入、できなければ代理人が代筆)",
            "staff hand over the application form (the holder fills it in)"};
  }
  if (id == "take_copies") return {id, "書類のコピーをとり、原本を返却します", "staff copy the documents and return the originals"};
  if (id == "mail_inquiry_form") {
    return {id, "照会書兼回答書を本人の住民票の住所へ転送不要郵便で送ります",
            "staff mail the inquiry-and-response form to the holder's registered address (転送不要: not forwarded)"};
  }
  if (id == "staff_enter_pin") return {id, "暗証番号は職員が本人に代わって入力します", "staff enter the PIN from the form on the holder's behalf"};
  if (id == "reset_pin") return {id, "暗証番号を再設定します", "staff reset the PIN (the holder sets a new one)"};
  if (id == "resume_card") {
    return {id, "カードの一時停止を解除し、一時保留中の電子証明書を失効させて新しい電子証明書を発行します",
            "staff lift the card's suspension, revoke the held certificates and issue new ones onto the card"};
  }
  if (id == "face_check") {
    return {id, "職員 (または顔認証付きカードリーダー) が本人の顔とカードの顔写真を照合します (暗証番号の代わり、連続10回まで)",
            "staff (or a face-recognition reader) check the holder's face against the card's photo, in place of "
            "the PIN (10 consecutive failures allowed)"};
  }
  if (id == "set_face_card") {
    return {id, "カードを顔認証マイナンバーカードに切り替えます (暗証番号を消去し、署名用電子証明書を失効させます)",
            "staff switch the card to a face-authentication card (PINs cleared, the sign certificate revoked)"};
  }
  if (id == "set_pin_card") {
    return {id, "顔認証を解除し、本人が新しい暗証番号を設定します (署名用電子証明書は対象なら発行)",
            "staff switch the card back to PINs: the holder sets new PINs (the sign certificate issued if eligible)"};
  }
  if (id == "set_pins") {
    return {id, "本人が新しいカードの暗証番号を設定します", "the holder sets the new card's PINs"};
  }
  if (id == "return_old_card") {
    return {id, "古いカードを回収して廃止し、その電子証明書を失効させます (superseded)",
            "staff take back the old card, abolish it and revoke its certificates (superseded)"};
  }
  if (id == "abolish_card") {
    return {id, "カードを廃止し、電子証明書を失効させます。再交付の申請を受け付けます",
            "staff abolish the card and revoke its certificates; a new card can be applied for"};
  }
  return {id, id, id};
}

StaffAction PinCheck(const profiles::Municipality& m, bool sign) {
  std::string ja = "窓口で暗証番号を照合します: 利用者証明用 (数字4桁)";
  std::string en = "PINs checked at the counter: auth PIN (4 digits)";
  if (sign) {
    ja += "、署名用 (英数字6〜16桁)";
    en += ", sign PIN (6–16 letters and digits)";
  }
  if (m.procedures.check_juki_pin) {
    ja += "、住民基本台帳用 (数字4桁)";
    en += ", 住基 PIN (4 digits)";
  }
  return {"check_pins", ja, en};
}

std::vector<profiles::IdCombo> Combos(std::initializer_list<profiles::IdCombo> c) { return c; }

// R-PROC-6: the municipality's 文書照会 visits.
void PlanDocumentInquiry(const profiles::Municipality& m, Party whose, ProcedurePlan& plan) {
  plan.same_day = false;
  plan.document_inquiry = true;
  const auto& visits = m.procedures.inquiry_visits;
  plan.reasons.push_back(
      {"R-PROC-6",
       "文書照会: " + m.name_ja + "では" + std::to_string(visits.size()) +
           "回の来庁が必要です。照会書兼回答書は本人の住所に転送不要で郵送され、本人が記入して代理人に渡します。",
       "Inquiry by post (文書照会): " + std::to_string(visits.size()) + " visits in " + m.name_en +
           ". The form is mailed to the holder's registered address (not forwarded); the holder fills it in and gives it to the agent."});
  for (size_t i = 0; i < visits.size(); ++i) {
    const profiles::InquiryVisit& v = visits[i];
    VisitPlan vp;
    vp.number = static_cast<int>(i) + 1;
    vp.deadline_days_after_previous = v.deadline_days_after_previous;
    vp.any_counter = v.any_counter;
    for (const profiles::DocumentSpec& d : v.documents) {
      const Party p = d.whose == Party::kAgent ? whose : d.whose;
      if (d.item == "holder_card") {
        vp.documents.push_back(HolderCard());
      } else if (d.item == "id" && p == Party::kRepresentative) {
        // R-PROC-3: a representative without a photo ID: the mailed form confirms the request, so
        // the visits take the ID they have (A or B) and the proof of authority.
        vp.documents.push_back(IdLine(p, {{1, 0}, {0, 1}}, "R-PROC-3"));
        vp.documents.push_back(Line("representative", "touki_jiko_shomei", "登記事項証明書",
                                "certificate of registered matters (成年後見登記)", "", false,
                                {"R-PROC-2"}));
      } else if (d.item == "id") {
        vp.documents.push_back(IdLine(p, d.alternatives, "R-PROC-6", d.health_insurance_card_accepted,
                                      p == Party::kHolder));
      } else if (d.item == "inquiry_form") {
        vp.documents.push_back(InquiryForm(false));
      } else if (d.item == "application_form") {
        vp.documents.push_back(Line("holder", "application_form",
                                "記入済みの 署名用/利用者証明用電子証明書 新規発行/更新申請書",
                                "the filled-in certificate issuance/renewal application form", "",
                                false, {"R-PROC-6"}));
      } else if (d.item == "expiry_notice") {
        vp.documents.push_back(Line("holder", "expiry_notice", "有効期限のお知らせ (届いていれば)",
                                "the expiry notice (if received)", "", d.optional, {"R-NOT-3"}));
      }
    }
    for (const std::string& a : v.actions) vp.staff_actions.push_back(Action(a));
    plan.visits.push_back(std::move(vp));
  }
  for (size_t i = 1; i < visits.size(); ++i) {
    if (visits[i].deadline_days_after_previous > 0) {
      plan.reasons.push_back(
          {"R-PROC-6",
           std::to_string(i + 1) + "回目の来庁は前回から" +
               std::to_string(visits[i].deadline_days_after_previous) + "日以内です" +
               (visits[i].any_counter ? " (前回と違う窓口でも可)。" : "。"),
           "Visit " + std::to_string(i + 1) + " must be within " +
               std::to_string(visits[i].deadline_days_after_previous) + " days of the previous one" +
               (visits[i].any_counter ? " (any counter)." : ".")});
    }
  }
}

}  // namespace

std::string_view ProcedureName(Procedure p) {
  switch (p) {
    case Procedure::kRenewal: return "renewal";
    case Procedure::kNewIssuance: return "new_issuance";
    case Procedure::kPinReset: return "pin_reset";
    case Procedure::kFoundCard: return "found_card";
    case Procedure::kAbolishCard: return "abolish_card";
    case Procedure::kFaceSwitch: return "face_switch";
    case Procedure::kCardPickup: return "card_pickup";
  }
  return "";
}

std::string_view AbolitionReason(std::string_view card_event) {
  return card_event == "broken" ? "cessationOfOperation" : "keyCompromise";
}

bool AtFaultByDefault(std::string_view card_event) {
  return card_event == "lost" || card_event == "broken";
}

std::string_view ApplicantName(Applicant a) {
  switch (a) {
    case Applicant::kSelf: return "self";
    case Applicant::kLegalRepParent: return "legal_rep_parent";
    case Applicant::kLegalRepGuardian: return "legal_rep_guardian";
    case Applicant::kAgentWithForm: return "agent_with_form";
    case Applicant::kAgentWithoutForm: return "agent_without_form";
  }
  return "";
}

namespace {

Result<ProcedurePlan> PlanSteps(const profiles::Municipality& m, Procedure procedure,
                                Applicant applicant, const Situation& s);

// R-CERT-2 formats; who types them depends on who comes.
std::vector<Reason> PinsToKnow(const profiles::Municipality& m, Procedure procedure,
                               Applicant applicant, const Situation& s) {
  std::vector<Reason> out;
  const bool sign = s.sign_cert && !(s.holder_age < 15 || (s.adult_ward && !m.rules.adult_ward_sign_cert));
  const std::string formats_ja =
      std::string("利用者証明用電子証明書の暗証番号 (数字4桁)") +
      (sign ? "と署名用電子証明書の暗証番号 (英数字6〜16文字、英字と数字をどちらも含む)" : "");
  const std::string formats_en =
      std::string("the authentication certificate's PIN (4 digits)") +
      (sign ? " and the signature certificate's password (6 to 16 letters and digits, both "
              "included)"
            : "");
  if (procedure == Procedure::kAbolishCard) {
    out.push_back({"R-LOST-4", "カードの廃止に暗証番号は使いません。新しいカードを受け取るときに、新しい暗証番号を設定します。",
                   "No PIN is used to abolish the card; new PINs are set when the new card is handed over."});
    return out;
  }
  if (procedure == Procedure::kFaceSwitch && s.card_type == "face") {
    out.push_back({"R-FACE-3", "顔認証マイナンバーカードには暗証番号がありません。切り替えると今の暗証番号は消去されます。",
                   "A face-authentication card has no PINs: the current ones are cleared."});
    return out;
  }
  if (s.face_card && procedure != Procedure::kFaceSwitch && procedure != Procedure::kCardPickup) {
    out.push_back({"R-FACE-4", "顔認証マイナンバーカードなので暗証番号は使いません。窓口で顔認証をします。",
                   "A face-authentication card: no PIN is used; the face is checked at the counter."});
    return out;
  }
  if (procedure == Procedure::kCardPickup && s.card_type == "face") {
    out.push_back({"R-FACE-1", "顔認証マイナンバーカードなので、利用者証明用・署名用の暗証番号は設定しません。住民基本台帳用と券面事項入力補助用の暗証番号 (数字4桁) を決めておいてください。",
                   "A face-authentication card: no certificate PINs. Decide the 住基 and text PINs (4 digits each)."});
    return out;
  }
  if (procedure == Procedure::kPinReset || procedure == Procedure::kFaceSwitch ||
      procedure == Procedure::kCardPickup) {
    out.push_back({procedure == Procedure::kPinReset ? "R-CERT-2" : procedure == Procedure::kFaceSwitch ? "R-FACE-3" : "R-CARD-2",
                   "新しく設定する " + formats_ja + (procedure == Procedure::kCardPickup ? "、住民基本台帳用と券面事項入力補助用の暗証番号 (数字4桁)" : "") + " を決めておいてください。",
                   "Decide the new PINs: " + formats_en + "."});
    return out;
  }
  const bool new_pins = procedure == Procedure::kNewIssuance;
  switch (ClassOf(applicant)) {
    case ApplicantClass::kSelf:
      out.push_back({"R-PROC-1",
                     std::string(new_pins ? "新しく設定する " : "ご本人が窓口の端末で入力します: ") +
                         formats_ja + (new_pins ? " を決めておいてください。" : "。"),
                     std::string(new_pins ? "Decide the PINs to set: " : "You type them at the counter: ") +
                         formats_en + "."});
      if (!new_pins) {
        out.push_back({"R-PROC-1",
                       "忘れた場合も、本人確認書類 (A または B を1点) があれば同じ来庁で再設定できます。",
                       "Forgotten? They can be reset in the same visit with one identity document (A or B)."});
        if (sign) {
          out.push_back({"R-PIN-2",
                         "どちらか一方だけ忘れた場合は、もう一方が分かればスマートフォンで予約のうえコンビニのキオスク端末でも再設定できます。",
                         "If you know one of the two, the other can also be reset at a convenience-store "
                         "kiosk after booking in the smartphone app."});
        }
      }
      break;
    case ApplicantClass::kLegalRep:
      out.push_back({"R-PROC-2",
                     "法定代理人が窓口の端末で入力します: " + formats_ja + "。",
                     "The legal representative types them at the counter: " + formats_en + "."});
      break;
    case ApplicantClass::kAgent:
      if (applicant == Applicant::kAgentWithForm) {
        out.push_back({"R-PROC-4",
                       "ご本人が照会書兼回答書に " + formats_ja +
                           " を書き、見えないように封をして (またはシールを貼って) 代理人に渡します。",
                       "The holder writes " + formats_en +
                           " on the inquiry-and-response form and hides them (a sealed envelope or a "
                           "sticker) before handing it to the agent."});
        out.push_back({"R-PROC-5",
                       "書かれた暗証番号がカードと合わないと、郵送での照会 (文書照会) になり、もう一度来庁が必要です。",
                       "If a written PIN does not match the card, the inquiry goes by post (文書照会) "
                       "and the agent comes again."});
      } else {
        out.push_back({"R-PROC-6",
                       "市から本人あてに郵送される照会書に、ご本人が " + formats_ja +
                           " を書き、見えないようにして代理人に渡します。",
                       "The holder writes " + formats_en +
                           " on the form the city mails to them, hidden, for the agent to bring."});
      }
      break;
  }
  return out;
}

}  // namespace

Result<ProcedurePlan> PlanProcedure(const profiles::Municipality& m, Procedure procedure,
                                    Applicant applicant, const Situation& s) {
  MYNACERT_ASSIGN_OR_RETURN(ProcedurePlan plan, PlanSteps(m, procedure, applicant, s));
  if (plan.possible) plan.pins = PinsToKnow(m, procedure, applicant, s);
  return plan;
}

namespace {

// R-PROC-2: what proves the legal representative's authority (戸籍謄本, 登記事項証明書, …).
void AuthorityDocuments(const profiles::Municipality& m, Applicant applicant, const Situation& s,
                        ProcedurePlan& plan, VisitPlan& v) {
  const profiles::ProcedurePolicy& pol = m.procedures;
  const bool ward = s.adult_ward;
  const std::string months =
      pol.authority_proof_max_months
          ? " (発行から" + std::to_string(pol.authority_proof_max_months) + "か月以内)"
          : "";
  const std::string months_en =
      pol.authority_proof_max_months
          ? " (issued within " + std::to_string(pol.authority_proof_max_months) + " months)"
          : "";
  if (ward || applicant == Applicant::kLegalRepGuardian) {
    if (ward) {
      v.documents.push_back(Line("representative", "touki_jiko_shomei", "登記事項証明書" + months,
                             "certificate of registered matters (成年後見登記)" + months_en, "", false,
                             {"R-PROC-2"}));
    } else {
      v.documents.push_back(Line("representative", "koseki_tohon", "戸籍謄本 (未成年後見人)" + months,
                             "family register transcript (guardian of a minor)" + months_en, "", false,
                             {"R-PROC-2"}));
    }
    if (s.corporate_guardian && pol.corporate_guardian_employee_id) {
      v.documents.push_back(Line("representative", "employee_id", "社員証 (成年後見人が法人の場合)",
                             "employee ID (corporate guardian)", "", false, {"R-PROC-2"}));
    }
  } else {
    const bool waived = (pol.koseki_waived_same_household && s.same_household) ||
                        (pol.koseki_waived_honseki_in_city && s.honseki_in_city);
    if (waived) {
      plan.reasons.push_back({"R-PROC-2",
                              "住民票で親子関係が確認できる (または本籍が市内の) ため、戸籍謄本は不要です。",
                              "The residence record (or the 本籍 in the city) shows the relation: no family register transcript needed."});
    } else {
      v.documents.push_back(Line("representative", "koseki_tohon", "戸籍謄本" + months,
                             "family register transcript (戸籍謄本)" + months_en, "", false,
                             {"R-PROC-2"}));
    }
  }
}

// R-LOST-4: 紛失届 / 廃止 at the counter. No PIN, and no card unless it is a broken one (then
// returned). The holder proves identity without the card; a legal representative as R-PROC-2.
// Agents are not taken: no seed or source shows an agent filing a 紛失届, and the certificates
// are already safe on hold once the hotline was called (R-LOST-1).
Result<ProcedurePlan> PlanAbolition(const profiles::Municipality& m, Applicant applicant,
                                    const Situation& s, ProcedurePlan plan) {
  const std::string& ev = s.card_event;
  if (ev != "lost" && ev != "stolen" && ev != "broken" && ev != "misused") {
    return InvalidArgument("card_event",
                           "lost (紛失) | stolen (盗難) | broken (破損) | misused (不正利用) のいずれか (R-LOST-4)");
  }
  const ApplicantClass cls = ClassOf(applicant);
  if (cls == ApplicantClass::kAgent) {
    plan.possible = false;
    plan.refusals.push_back(
        {"R-LOST-4",
         "カードの廃止 (紛失届) は本人または法定代理人が窓口で行います。電子証明書は紛失・盗難の電話 (R-LOST-1) で既に一時保留されています。",
         "The card is abolished (紛失届) at the counter by the holder or the legal representative; the "
         "certificates are already on hold after the hotline call (R-LOST-1)."});
    return plan;
  }
  VisitPlan v;
  v.holder_present = cls == ApplicantClass::kSelf || !m.procedures.legal_rep_may_come_alone;
  if (ev == "broken") {
    v.documents.push_back(Line("holder", "holder_card", "壊れたマイナンバーカード (返納します)",
                               "the broken My Number Card (returned)", "", false, {"R-LOST-4"}));
  }
  if (cls == ApplicantClass::kSelf) {
    // The card cannot prove identity here: A×1, or B×2 (the usual rule where no card is shown).
    v.documents.push_back(IdLine(Party::kHolder, Combos({{1, 0}, {0, 2}}), "R-LOST-4", false, true));
  } else {
    v.documents.push_back(IdLine(Party::kRepresentative, Combos({{1, 0}}), "R-PROC-2"));
    AuthorityDocuments(m, applicant, s, plan, v);
  }
  v.staff_actions.push_back(Action("abolish_card"));
  const std::string_view reason = AbolitionReason(ev);
  const char* ev_ja = ev == "lost" ? "紛失" : ev == "stolen" ? "盗難" : ev == "broken" ? "破損" : "不正利用";
  plan.reasons.push_back(
      {"R-LOST-4",
       std::string("カード (") + ev_ja + ") を廃止し、電子証明書を失効させます (失効理由 " + std::string(reason) +
           ", R-REV-1)。新しいカードは再交付の申請をします。",
       "The card (" + ev + ") is abolished and its certificates revoked (" + std::string(reason) +
           ", R-REV-1); a new card is applied for as a re-issuance."});
  const bool at_fault = s.holder_at_fault.value_or(AtFaultByDefault(ev));
  if (at_fault) {
    plan.fee_yen = m.fees.reissue_card_yen + m.fees.reissue_certificates_yen;
    plan.reasons.push_back(
        {"R-LOST-4",
         "再交付手数料: カード " + std::to_string(m.fees.reissue_card_yen) + "円、電子証明書 " +
             std::to_string(m.fees.reissue_certificates_yen) + "円 (本人の責による" + ev_ja + "のため)。",
         "Re-issuance fee: " + std::to_string(m.fees.reissue_card_yen) + " yen for the card and " +
             std::to_string(m.fees.reissue_certificates_yen) + " yen for the certificates (the holder at fault)."});
  } else {
    plan.reasons.push_back({"R-LOST-4", std::string("再交付手数料はかかりません (") + ev_ja + "、本人の責によらないため)。",
                            "No re-issuance fee (" + ev + ", not the holder's fault)."});
  }
  if (ev == "stolen" || ev == "lost") {
    plan.reasons.push_back({"R-LOST-1",
                            std::string("警察の") + (ev == "stolen" ? "盗難届" : "遺失届") +
                                "の受理番号があればお知らせください (家の外でなくした場合・盗まれた場合)。",
                            "Bring the police receipt number where the card was lost outside the home or stolen."});
  }
  plan.visits.push_back(std::move(v));
  return plan;
}

// R-FACE-3: normal ⇄ face-authentication card, at a counter, the same day. The holder comes
// (the face is checked against the card); a minor or an adult ward with the legal
// representative, who also proves their authority.
Result<ProcedurePlan> PlanFaceSwitch(const profiles::Municipality& m, Applicant applicant,
                                     const Situation& s, ProcedurePlan plan) {
  if (s.card_type != "face" && s.card_type != "pin") {
    return InvalidArgument("card_type", "face (顔認証マイナンバーカードへ) | pin (暗証番号のカードへ) のいずれか (R-FACE-3)");
  }
  const bool to_face = s.card_type == "face";
  if (to_face == s.face_card) {
    plan.possible = false;
    plan.refusals.push_back({"R-FACE-3",
                             to_face ? "このカードは既に顔認証マイナンバーカードです。" : "このカードは既に暗証番号のカードです。",
                             to_face ? "The card is already a face-authentication card." : "The card already uses PINs."});
    return plan;
  }
  const ApplicantClass cls = ClassOf(applicant);
  if (cls == ApplicantClass::kAgent) {
    plan.possible = false;
    plan.refusals.push_back({"R-FACE-3",
                             "顔認証マイナンバーカードへの切り替え・解除は、本人が窓口で行います (法定代理人は本人と一緒に)。",
                             "The switch is made at the counter with the holder present (a legal representative comes with the holder)."});
    return plan;
  }
  VisitPlan v;
  v.holder_present = true;
  v.documents.push_back(HolderCard());
  if (cls == ApplicantClass::kLegalRep) {
    v.documents.push_back(IdLine(Party::kRepresentative, Combos({{1, 0}}), "R-PROC-2"));
    AuthorityDocuments(m, applicant, s, plan, v);
  } else if (!to_face) {
    // The face card proves nothing without its PIN: the holder shows one more document.
    v.documents.push_back(IdLine(Party::kHolder, Combos({{1, 0}, {0, 1}}), "R-FACE-3", false, true));
  }
  const bool sign_eligible = s.holder_age >= 15 && (!s.adult_ward || m.rules.adult_ward_sign_cert);
  if (to_face) {
    v.staff_actions.push_back(Action("set_face_card"));
    plan.reasons.push_back({"R-FACE-1",
                            "顔認証マイナンバーカードは暗証番号を使わず、顔認証付きカードリーダーや職員の目視で本人確認をして使います。健康保険証や本人確認書類として使えますが、マイナポータル、コンビニ交付、e-Tax など暗証番号が必要なサービスには使えません。",
                            "A face-authentication card is used after a face check by a reader or staff, without PINs: as the "
                            "health-insurance card and photo ID, not for services that need a PIN (マイナポータル, kiosks, e-Tax)."});
    plan.reasons.push_back({"R-FACE-3",
                            "暗証番号は消去され、署名用電子証明書は失効します (cessationOfOperation)。カードの追記欄に顔認証と日付を記載します。",
                            "The PINs are cleared and the sign certificate revoked (cessationOfOperation); 顔認証 and the date "
                            "are written on the card's 追記欄."});
  } else {
    v.staff_actions.push_back(Action("face_check"));
    v.staff_actions.push_back(Action("set_pin_card"));
    plan.reasons.push_back({"R-FACE-3",
                            std::string("本人が新しい暗証番号を設定します。") +
                                (sign_eligible ? "署名用電子証明書も発行します (R-CERT-4)。" : "署名用電子証明書は発行されません (R-CERT-4)。"),
                            std::string("The holder sets new PINs. ") +
                                (sign_eligible ? "A sign certificate is issued too (R-CERT-4)." : "No sign certificate (R-CERT-4).")});
  }
  plan.reasons.push_back({"R-FACE-3", "手続きは原則として当日中に窓口で完了します。手数料はかかりません。",
                          "Done at the counter, in principle the same day, free of charge."});
  plan.visits.push_back(std::move(v));
  return plan;
}

// R-CARD-2: the new card handed over after the card's renewal: the holder comes with the
// 交付通知書, the old card (returned) and identity documents, sets the PINs, and receives the
// card with both certificates. A minor under 15 or an adult ward comes with the legal
// representative. An agent cannot collect it (a card is handed to the holder).
Result<ProcedurePlan> PlanPickup(const profiles::Municipality& m, Applicant applicant,
                                 const Situation& s, ProcedurePlan plan) {
  const ApplicantClass cls = ClassOf(applicant);
  if (cls == ApplicantClass::kAgent) {
    plan.possible = false;
    plan.refusals.push_back({"R-CARD-2",
                             "新しいカードは本人が受け取ります (15歳未満・成年被後見人の方は法定代理人と一緒に)。代理人だけでは受け取れません。",
                             "The new card is handed to the holder in person (under 15 or an adult ward: with the legal "
                             "representative); an agent alone cannot collect it."});
    return plan;
  }
  VisitPlan v;
  v.holder_present = true;
  v.documents.push_back(Line("holder", "pickup_notice", "交付通知書 (はがき)", "the pick-up notice (交付通知書)", "",
                             false, {"R-CARD-2"}));
  v.documents.push_back(Line("holder", "holder_card", "今お持ちのマイナンバーカード (返納します)",
                             "the current My Number Card (returned)", "", false, {"R-CARD-2"}));
  if (cls == ApplicantClass::kLegalRep) {
    v.documents.push_back(IdLine(Party::kRepresentative, Combos({{1, 0}}), "R-PROC-2"));
    AuthorityDocuments(m, applicant, s, plan, v);
  } else {
    v.documents.push_back(IdLine(Party::kHolder, Combos({{1, 0}, {0, 2}}), "R-CARD-2", false, true));
  }
  v.staff_actions.push_back(Action("set_pins"));
  v.staff_actions.push_back(Action("return_old_card"));
  const bool face = s.card_type == "face";
  const bool sign_eligible = !face && s.holder_age >= 15 && (!s.adult_ward || m.rules.adult_ward_sign_cert);
  plan.reasons.push_back({"R-CARD-2",
                          std::string("新しいカードに利用者証明用") + (sign_eligible ? "と署名用の電子証明書" : "電子証明書") +
                              "を発行します。古いカードは返納し、その電子証明書は失効します (superseded)。",
                          std::string("The new card receives the auth") + (sign_eligible ? " and sign certificates" : " certificate") +
                              "; the old card is returned and its certificates revoked (superseded)."});
  if (face) {
    plan.reasons.push_back({"R-FACE-1", "顔認証マイナンバーカードとして申請されています: 利用者証明用の暗証番号はなく、署名用電子証明書は発行されません。",
                            "Applied for as a face-authentication card: no certificate PINs and no sign certificate."});
  } else if (!sign_eligible) {
    plan.reasons.push_back({"R-CERT-4", "署名用電子証明書は15歳未満・成年被後見人の方には発行できません。",
                            "No sign cert under 15 or for an adult ward."});
  }
  plan.reasons.push_back({"R-CARD-3", "カードの更新は無料です。", "The card renewal is free of charge."});
  plan.visits.push_back(std::move(v));
  return plan;
}

Result<ProcedurePlan> PlanSteps(const profiles::Municipality& m, Procedure procedure,
                                Applicant applicant, const Situation& s) {
  const profiles::ProcedurePolicy& pol = m.procedures;
  ProcedurePlan plan;
  const ApplicantClass cls = ClassOf(applicant);
  for (const profiles::Counter& c : m.counters) {
    if (Accepts(c, procedure, cls)) plan.counters.push_back(&c);
  }

  // R-PROC-8: the counter where the applicant stands must take this applicant and procedure.
  if (!s.counter_id.empty()) {
    const profiles::Counter* here = m.FindCounter(s.counter_id);
    if (!here) {
      return NotFound("counter", "'" + s.counter_id + "' は" + m.name_ja + "の窓口にありません (unknown counter)");
    }
    if (!Accepts(*here, procedure, cls)) {
      plan.possible = false;
      std::string where_ja, where_en;
      for (const profiles::Counter* c : plan.counters) {
        where_ja += (where_ja.empty() ? "" : "、") + c->name_ja;
        where_en += (where_en.empty() ? "" : ", ") + c->name_en;
      }
      plan.refusals.push_back(
          {"R-PROC-8", here->name_ja + "ではこの申請者・手続きを受け付けていません。次の窓口へ: " + where_ja,
           here->name_en + " does not take this applicant or procedure. Go to: " + where_en});
      return plan;
    }
  }

  const bool needs_rep = s.holder_age < pol.legal_rep_age || s.adult_ward;
  const bool rep = cls == ApplicantClass::kLegalRep;
  // R-PROC-2 / R-PIN-1: minors and adult wards act through their legal representative.
  if (needs_rep && cls != ApplicantClass::kLegalRep) {
    plan.possible = false;
    plan.refusals.push_back(
        {procedure == Procedure::kPinReset ? "R-PIN-1" : "R-PROC-2",
         std::string(s.adult_ward ? "成年被後見人" : std::to_string(pol.legal_rep_age) + "歳未満") +
             "の方の手続きは法定代理人 (親権者・成年後見人等) が行います (--applicant legal_rep_parent / legal_rep_guardian)。",
         std::string(s.adult_ward ? "For an adult ward" : "Under " + std::to_string(pol.legal_rep_age)) +
             ", the legal representative (parent or guardian) applies."});
    return plan;
  }
  if (rep && !needs_rep) {
    plan.possible = false;
    plan.refusals.push_back(
        {"R-PROC-2",
         "法定代理人による手続きは " + std::to_string(pol.legal_rep_age) + "歳未満または成年被後見人の方の場合です。本人または任意代理人の手続きを選んでください。",
         "A legal representative applies only for a holder under " + std::to_string(pol.legal_rep_age) +
             " or an adult ward; choose self or agent."});
    return plan;
  }
  if (procedure == Procedure::kAbolishCard) return PlanAbolition(m, applicant, s, std::move(plan));
  if (procedure == Procedure::kFaceSwitch) return PlanFaceSwitch(m, applicant, s, std::move(plan));
  if (procedure == Procedure::kCardPickup) return PlanPickup(m, applicant, s, std::move(plan));
  if (s.face_card) {
    // R-FACE-1/4: no PIN to reset; the face check replaces the PIN, so the holder comes.
    if (procedure == Procedure::kPinReset) {
      plan.possible = false;
      plan.refusals.push_back({"R-FACE-1",
                               "顔認証マイナンバーカードには暗証番号がありません。暗証番号を使うには、通常のカードへの切り替え (face_switch) をしてください。",
                               "A face-authentication card has no PIN: switch it back to a PIN card (face_switch) to use PINs."});
      return plan;
    }
    if (ClassOf(applicant) == ApplicantClass::kAgent) {
      plan.possible = false;
      plan.refusals.push_back({"R-FACE-4",
                               "顔認証マイナンバーカードは暗証番号の代わりに本人の顔認証をするため、代理人だけでは手続きできません。本人が来庁してください。",
                               "A face-authentication card is checked by the holder's face in place of the PIN: an agent alone cannot do it; the holder comes."});
      return plan;
    }
    if (s.sign_cert) {
      const Reason r{"R-FACE-1", "顔認証マイナンバーカードには署名用電子証明書は発行されません。",
                     "No sign certificate on a face-authentication card."};
      if (s.sign_only) {
        plan.possible = false;
        plan.refusals.push_back(r);
        return plan;
      }
      plan.reasons.push_back({r.rule, r.ja + "利用者証明用のみの手続きです。", r.en + " Only the auth cert is handled."});
    }
  }
  if (procedure == Procedure::kFoundCard) {
    plan.reasons.push_back(
        {"R-LOST-2",
         "一時停止を解除し、一時保留中の電子証明書を失効させて、新しい電子証明書をカードに発行します (一時保留は解除されません)。電話では解除できません。",
         "The suspension is lifted, the held certificates are revoked and new ones issued onto the card (a "
         "hold is never released). It cannot be done by phone."});
  }
  // R-CERT-4: no sign cert under 15 or (unless the profile follows seed 003) for an adult ward.
  const bool sign_excluded =
      s.holder_age < 15 || (s.adult_ward && !m.rules.adult_ward_sign_cert);
  if (s.sign_cert && procedure != Procedure::kPinReset && sign_excluded) {
    const Reason r{"R-CERT-4",
                   "署名用電子証明書は15歳未満・成年被後見人の方には発行できません。",
                   "No sign cert under 15 or for an adult ward."};
    if (s.sign_only) {
      plan.possible = false;
      plan.refusals.push_back(r);
      return plan;
    }
    plan.reasons.push_back({r.rule, r.ja + "利用者証明用のみの手続きです。", r.en + " Only the auth cert is handled."});
  }
  const bool sign = s.sign_cert && !sign_excluded && !s.face_card;

  if (cls == ApplicantClass::kSelf) {
    VisitPlan v;
    v.holder_present = true;
    v.documents.push_back(HolderCard());
    if (procedure == Procedure::kPinReset || s.pin_forgotten) {
      v.documents.push_back(IdLine(Party::kHolder, Combos({{1, 0}, {0, 1}}),
                                   procedure == Procedure::kPinReset ? "R-PIN-1" : "R-PROC-1", false,
                                   true));
      v.staff_actions.push_back(Action("reset_pin"));
      plan.reasons.push_back({procedure == Procedure::kPinReset ? "R-PIN-1" : "R-PROC-1",
                              "暗証番号を忘れた場合は、本人確認書類 (A または B を1点) があれば同じ来庁で再設定できます。",
                              "A forgotten PIN is reset in the same visit with one identity document (A or B)."});
    }
    if (procedure != Procedure::kPinReset) {
      v.staff_actions.push_back(s.face_card ? Action("face_check") : PinCheck(m, sign));
    }
    if (procedure == Procedure::kFoundCard) v.staff_actions.push_back(Action("resume_card"));
    plan.reasons.push_back({"R-PROC-1", "本人が来庁する場合は1回で手続きできます (所要約10分, R-PROC-10)。",
                            "The holder in person: one visit (about 10 minutes, R-PROC-10)."});
    if (pol.check_juki_pin && procedure != Procedure::kPinReset) {
      plan.reasons.push_back({"R-PROC-1", m.name_ja + "では住民基本台帳用暗証番号も照合します。",
                              m.name_en + " also checks the 住基 PIN."});
    }
    plan.visits.push_back(std::move(v));
  } else if (rep) {
    if (!s.representative_has_photo_id) {
      if (pol.guardian_without_photo_id == profiles::NoPhotoIdGuardian::kDocumentInquiry) {
        plan.reasons.push_back({"R-PROC-3", "顔写真付きの本人確認書類がない法定代理人は文書照会になります。",
                                "A representative without a photo ID goes through the inquiry by post."});
        PlanDocumentInquiry(m, Party::kRepresentative, plan);
        return plan;
      }
      plan.possible = false;
      plan.refusals.push_back({"R-PROC-2", "法定代理人は顔写真付きの本人確認書類 (A 書類) を1点お持ちください。",
                               "The legal representative needs one photo ID (an A document)."});
      return plan;
    }
    VisitPlan v;
    v.holder_present = !pol.legal_rep_may_come_alone;
    v.documents.push_back(HolderCard());
    v.documents.push_back(IdLine(Party::kRepresentative, Combos({{1, 0}}), "R-PROC-2"));
    AuthorityDocuments(m, applicant, s, plan, v);
    const bool ward = s.adult_ward;
    // R-PROC-3 (Yokohama, seed 003: 「更新対象者本人が成年被後見人の方の場合、成年後見人の方に
    // 手続をお願いしています。なお、署名用電子証明書の更新の場合、必ず更新対象者本人も窓口に同行する
    // 必要があります。」): the guardian renews alone, and the ward comes too only for the sign cert.
    if (ward && pol.adult_ward_sign_renewal_holder_present && procedure == Procedure::kRenewal) {
      v.holder_present = sign;
      if (sign) {
        plan.reasons.push_back({"R-PROC-3", "署名用電子証明書の更新では本人も窓口に同行する必要があります。",
                                "For a sign-cert renewal the adult ward must come with the guardian."});
      } else {
        plan.reasons.push_back({"R-PROC-3", "利用者証明用電子証明書だけの更新は、成年後見人だけで来庁できます。",
                                "Renewing the auth cert only, the guardian may come alone."});
      }
    }
    if (procedure == Procedure::kPinReset || s.pin_forgotten) {
      // R-PROC-1 / R-PIN-1: the representative's A document (already required) suffices.
      v.staff_actions.push_back(Action("reset_pin"));
      plan.reasons.push_back({procedure == Procedure::kPinReset ? "R-PIN-1" : "R-PROC-1",
                              "忘れた暗証番号は同じ来庁で再設定できます (法定代理人の本人確認書類で)。",
                              "A forgotten PIN is reset in the same visit (with the representative's ID)."});
    }
    if (s.face_card) {
      v.holder_present = true;  // R-FACE-4: the face check needs the holder
      v.staff_actions.push_back(Action("face_check"));
    } else if (procedure != Procedure::kPinReset) {
      v.staff_actions.push_back(PinCheck(m, sign));
    }
    if (procedure == Procedure::kFoundCard) v.staff_actions.push_back(Action("resume_card"));
    plan.reasons.push_back({"R-PROC-2",
                            v.holder_present ? "法定代理人が本人と一緒に来庁します。" : "法定代理人だけで来庁できます。",
                            v.holder_present ? "The legal representative comes with the holder."
                                             : "The legal representative may come alone."});
    plan.visits.push_back(std::move(v));
  } else {
    // Agents (任意代理人).
    bool form_usable = applicant == Applicant::kAgentWithForm;
    if (form_usable && procedure == Procedure::kPinReset) {
      form_usable = false;
      plan.reasons.push_back({"R-PIN-1", "代理人による暗証番号の再設定は当日にはできず、文書照会になります。",
                              "An agent cannot reset a PIN the same day: inquiry by post."});
    } else if (form_usable && s.pin_forgotten) {
      // The form carries the PIN the holder knows; a forgotten PIN cannot be written on it.
      form_usable = false;
      plan.reasons.push_back({"R-PIN-1", "暗証番号が分からない場合、代理人は当日には手続きできず、文書照会で再設定します。",
                              "With a forgotten PIN the agent cannot finish the same day: inquiry by post."});
    } else if (form_usable && procedure == Procedure::kFoundCard) {
      // R-LOST-3: the expiry notice's form is for a renewal; an agent lifts a suspension through
      // the inquiry by post.
      form_usable = false;
      plan.reasons.push_back({"R-LOST-3", "一時停止解除を代理人が行う場合は、文書照会になります。",
                              "An agent lifts a suspension through the inquiry by post (文書照会)."});
    } else if (form_usable && procedure == Procedure::kNewIssuance &&
               !(s.cert_expired && pol.expired_form_usable_if_unchanged)) {
      form_usable = false;
      plan.reasons.push_back({"R-PROC-6", "新規発行では有効期限通知書の照会書兼回答書は使えず、文書照会になります。",
                              "The form of the expiry notice is for renewals: a new issuance by an agent goes through the inquiry by post."});
    }
    if (form_usable && s.cert_expired) {
      if (pol.expired_form_usable_if_unchanged && !s.form_name_address_changed) {
        plan.reasons.push_back({"R-PROC-7", "有効期限後でも、照会書兼回答書に印字された住所・氏名に変更がなければ使えます。",
                                "After expiry the form stays usable because the printed name and address are unchanged."});
      } else {
        form_usable = false;
        plan.reasons.push_back(pol.expired_form_usable_if_unchanged
                                   ? Reason{"R-PROC-7", "住所・氏名が変わったため、照会書兼回答書は使えません。文書照会になります。",
                                            "Name or address changed: the form cannot be used; inquiry by post."}
                                   : Reason{"B6-FORM", "照会書兼回答書の有効期間 (証明書の有効期限まで) が過ぎているため使えません。文書照会になります。",
                                            "The form was valid until the certificate's expiry: inquiry by post."});
      }
    }
    if (form_usable && s.form_problem) {
      form_usable = false;
      plan.reasons.push_back({"R-PROC-5", "照会書兼回答書の暗証番号が照合できない・記入不足・目隠しがない場合は、文書照会になります。",
                              "PIN mismatch, an incomplete form or an uncovered PIN: inquiry by post."});
    }
    if (form_usable) {
      VisitPlan v;
      v.documents.push_back(HolderCard());
      v.documents.push_back(IdLine(Party::kAgent, Combos({{1, 0}}), "R-PROC-4"));
      v.documents.push_back(InquiryForm(true));
      v.staff_actions.push_back(Action("staff_enter_pin"));
      if (pol.staff_copy_documents) v.staff_actions.push_back(Action("take_copies"));
      plan.reasons.push_back({"R-PROC-4", "照会書兼回答書があれば代理人が1回の来庁で当日に手続きできます。",
                              "With the inquiry-and-response form the agent completes it in one visit, the same day."});
      plan.visits.push_back(std::move(v));
    } else {
      PlanDocumentInquiry(m, Party::kAgent, plan);
    }
  }
  if (pol.staff_copy_documents || pol.id_must_match_registry) {
    plan.reasons.push_back({"R-PROC-9",
                            std::string("本人確認書類は原本・有効期限内のもの") +
                                (pol.id_must_match_registry ? "で、氏名・住所が住民票と一致するもの" : "") +
                                (pol.staff_copy_documents ? "。窓口で複写します。" : "。"),
                            std::string("Identity documents: originals, unexpired") +
                                (pol.id_must_match_registry ? ", name and address as in the residence record" : "") +
                                (pol.staff_copy_documents ? "; staff copy them." : ".")});
  }
  if (!pol.refused_documents.empty()) {
    std::string ja, en;
    for (const std::string& id : pol.refused_documents) {
      if (const IdDocumentKind* k = FindIdDocument(id)) {
        ja += (ja.empty() ? "" : "・") + std::string(k->name_ja);
        en += (en.empty() ? "" : ", ") + std::string(k->name_en);
      }
    }
    plan.reasons.push_back({"R-ID-X", ja + "は本人確認書類として使えません。", en + ": not accepted as identity documents."});
  }
  return plan;
}

}  // namespace

}  // namespace mynacert::rules
