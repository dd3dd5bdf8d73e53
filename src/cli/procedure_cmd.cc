// `mynacert procedure`: who may come, what they bring, how many visits, where (R-PROC, R-ID,
// R-PIN-1, R-CERT-4).
#include <memory>
#include <ostream>

#include <optional>

#include "cli/commands.h"
#include "cli/format.h"
#include "rules/procedures.h"
#include "service/explain.h"

namespace mynacert::cli {

namespace {

struct ProcedureFlags {
  std::string municipality, procedure, applicant, counter;
  int holder_age = 30;
  bool adult_ward = false, auth_only = false, sign_only = false, same_household = false, honseki_in_city = false;
  bool corporate_guardian = false, no_photo_id = false, cert_expired = false;
  bool form_changed = false, form_problem = false, pin_forgotten = false, json = false;
  std::string card_event;  // abolish_card (R-LOST-4)
  std::string card_type;   // face_switch: face | pin (R-FACE-3); card_pickup: the new card's type
  bool face_card = false;  // the card is a face-authentication card (R-FACE-1)
  bool at_fault = false, not_at_fault = false;
  // --holder-at-fault / --not-at-fault, unset when neither is given.
  std::optional<bool> AtFault() const {
    if (at_fault) return true;
    if (not_at_fault) return false;
    return std::nullopt;
  }
};

template <typename E>
Result<E> ParseEnum(const std::string& value, const char* flag,
                    std::initializer_list<std::pair<const char*, E>> values) {
  std::string list;
  for (const auto& [name, e] : values) {
    if (value == name) return e;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  return InvalidArgument(flag, "'" + value + "' は使えません (expected one of: " + list + ")");
}

void Run(const ProcedureFlags& fl, CliContext& ctx) {
  auto procedure = ParseEnum<profiles::Procedure>(
      fl.procedure, "--procedure",
      {{"renewal", profiles::Procedure::kRenewal},
       {"new_issuance", profiles::Procedure::kNewIssuance},
       {"pin_reset", profiles::Procedure::kPinReset},
       {"found_card", profiles::Procedure::kFoundCard},
       {"abolish_card", profiles::Procedure::kAbolishCard},
       {"face_switch", profiles::Procedure::kFaceSwitch},
       {"card_pickup", profiles::Procedure::kCardPickup}});
  if (!procedure.ok()) return ctx.Fail(procedure.error());
  if (*procedure != profiles::Procedure::kAbolishCard && (!fl.card_event.empty() || fl.AtFault())) {
    return ctx.Fail(InvalidArgument(fl.card_event.empty() ? "--holder-at-fault" : "--card-event",
                                    "--procedure abolish_card の場合だけです (abolish_card only)", "R-LOST-4"));
  }
  auto applicant = ParseEnum<profiles::Applicant>(
      fl.applicant, "--applicant",
      {{"self", profiles::Applicant::kSelf},
       {"legal_rep_parent", profiles::Applicant::kLegalRepParent},
       {"legal_rep_guardian", profiles::Applicant::kLegalRepGuardian},
       {"agent_with_form", profiles::Applicant::kAgentWithForm},
       {"agent_without_form", profiles::Applicant::kAgentWithoutForm}});
  if (!applicant.ok()) return ctx.Fail(applicant.error());
  if (fl.holder_age < 0 || fl.holder_age > 130) {
    return ctx.Fail(InvalidArgument("--holder-age", "年齢は0〜130です (must be 0 to 130)"));
  }
  if (fl.auth_only && fl.sign_only) {
    return ctx.Fail(InvalidArgument("--sign-only", "--auth-only と同時には指定できません (conflicting flags)"));
  }
  if (fl.form_changed && !fl.cert_expired) {
    return ctx.Fail(InvalidArgument("--form-changed", "--cert-expired と一緒に指定します (applies "
                                                      "after the certificate expired)",
                                    "R-PROC-7"));
  }
  auto found = ctx.FindMunicipality(fl.municipality);
  if (!found.ok()) return ctx.Fail(found.error());
  const profiles::Municipality& m = **found;
  rules::Situation s;
  s.holder_age = fl.holder_age;
  s.adult_ward = fl.adult_ward;
  s.sign_cert = !fl.auth_only;
  s.sign_only = fl.sign_only;
  s.same_household = fl.same_household;
  s.honseki_in_city = fl.honseki_in_city;
  s.corporate_guardian = fl.corporate_guardian;
  s.representative_has_photo_id = !fl.no_photo_id;
  s.cert_expired = fl.cert_expired;
  s.form_name_address_changed = fl.form_changed;
  s.form_problem = fl.form_problem;
  s.pin_forgotten = fl.pin_forgotten;
  s.counter_id = fl.counter;
  s.card_event = fl.card_event;
  s.holder_at_fault = fl.AtFault();
  s.card_type = fl.card_type;
  s.face_card = fl.face_card;
  auto plan = rules::PlanProcedure(m, *procedure, *applicant, s);
  if (!plan.ok()) return ctx.Fail(plan.error());

  if (fl.json) {
    ctx.out << service::PlanJson(m, fl.procedure, fl.applicant, *plan).dump(2) << "\n";
    return;
  }
  std::ostream& o = ctx.out;
  o << m.name_ja << " (" << m.name_en << ") — " << fl.procedure << " / " << fl.applicant << "\n";
  if (!plan->possible) {
    o << "受付できません / cannot be accepted as asked:\n" << ReasonsText(plan->refusals);
    return;
  }
  o << "来庁 " << plan->visits.size() << " 回 / " << plan->visits.size() << " visit(s)"
    << (plan->same_day ? " — 即日 / same day" : " — 文書照会 / inquiry by post") << "\n";
  for (const rules::VisitPlan& v : plan->visits) {
    o << "\n" << v.number << "回目 / visit " << v.number;
    if (v.deadline_days_after_previous) {
      o << " — 前回から" << v.deadline_days_after_previous << "日以内 / within "
        << v.deadline_days_after_previous << " days";
    }
    if (v.any_counter) o << " — どの窓口でも / any counter";
    o << (v.holder_present ? " — 本人も来庁 / holder present" : "") << "\n";
    if (v.documents.empty()) o << "  持ち物なし / nothing to bring\n";
    for (const rules::DocumentLine& d : v.documents) {
      o << "  ・" << d.ja << (d.optional ? " (任意)" : "") << "\n    " << d.en << "  [";
      for (size_t i = 0; i < d.rules.size(); ++i) o << (i ? ", " : "") << d.rules[i];
      o << "]\n";
    }
    for (const rules::StaffAction& a : v.staff_actions) {
      o << "  → " << a.ja << "\n    " << a.en << "\n";
    }
  }
  o << "\n窓口 / counters (" << plan->counters.size() << "):\n";
  for (const profiles::Counter* c : plan->counters) {
    o << "  " << c->id << "  " << c->name_ja << "\n";
  }
  if (plan->fee_yen > 0) o << "\n手数料 / fee: " << plan->fee_yen << " 円 (yen)\n";
  o << "\n理由 / why:\n" << ReasonsText(plan->reasons);
}

}  // namespace

void AddProcedureCommand(CLI::App& app, CliContext& ctx) {
  auto fl = std::make_shared<ProcedureFlags>();
  CLI::App* cmd = app.add_subcommand(
      "procedure", "誰が・何を持って・何回来庁するか / who comes, what to bring, how many visits");
  cmd->add_option("--municipality", fl->municipality, "自治体 / municipality id")->required();
  cmd->add_option("--procedure", fl->procedure,
                  "renewal | new_issuance | pin_reset | found_card (一時停止解除) | abolish_card (紛失届・廃止) | "
                  "face_switch (顔認証の切替) | card_pickup (新しいカードの受け取り)")
      ->required();
  cmd->add_option("--card-type", fl->card_type,
                  "face_switch: face | pin (R-FACE-3); card_pickup: face で顔認証マイナンバーカード");
  cmd->add_flag("--face-card", fl->face_card, "今のカードが顔認証マイナンバーカード (R-FACE-1)");
  cmd->add_option("--card-event", fl->card_event, "abolish_card: lost | stolen | broken | misused (R-LOST-4)");
  cmd->add_flag("--holder-at-fault", fl->at_fault,
                "abolish_card: 再交付手数料の有無 (既定: lost, broken は本人の責)");
  cmd->add_flag("--not-at-fault", fl->not_at_fault, "abolish_card: 本人の責によらない (手数料なし)");
  cmd->add_option("--applicant", fl->applicant,
                  "self | legal_rep_parent | legal_rep_guardian | agent_with_form | agent_without_form")
      ->required();
  cmd->add_option("--holder-age", fl->holder_age, "本人の年齢 (既定 30) / the holder's age");
  cmd->add_flag("--adult-ward", fl->adult_ward, "本人が成年被後見人 / the holder is an adult ward");
  cmd->add_flag("--auth-only", fl->auth_only, "利用者証明用のみ / the auth cert only");
  cmd->add_flag("--sign-only", fl->sign_only, "署名用のみ / the sign cert only (R-CERT-4)");
  cmd->add_flag("--same-household", fl->same_household,
                "住民票で親子関係が分かる / the residence record shows the parent-child relation");
  cmd->add_flag("--honseki-in-city", fl->honseki_in_city, "本籍が市内 / 本籍 in the city (Kanazawa)");
  cmd->add_flag("--corporate-guardian", fl->corporate_guardian, "法人の成年後見人 / corporate guardian");
  cmd->add_flag("--no-photo-id", fl->no_photo_id,
                "法定代理人に顔写真付きの本人確認書類がない / the representative has no photo ID");
  cmd->add_flag("--cert-expired", fl->cert_expired, "証明書の有効期限が過ぎている / the certificate expired");
  cmd->add_flag("--form-changed", fl->form_changed,
                "照会書の住所・氏名が変わった / name or address on the form changed (R-PROC-7)");
  cmd->add_flag("--form-problem", fl->form_problem,
                "照会書の暗証番号不一致・記入不足・目隠しなし / PIN mismatch or incomplete form (R-PROC-5)");
  cmd->add_flag("--pin-forgotten", fl->pin_forgotten, "暗証番号を忘れた / the PIN is forgotten");
  cmd->add_option("--counter", fl->counter, "来庁する窓口 / the counter (R-PROC-8)");
  cmd->add_flag("--json", fl->json, "JSON で出力 / JSON output");
  cmd->callback([fl, &ctx] { Run(*fl, ctx); });
}

}  // namespace mynacert::cli
