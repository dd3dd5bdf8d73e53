// `mynacert explain`: when the card and each certificate expire, from when renewal is free,
// whether a sign cert may be held, and why (rules.md R-VAL, R-WIN, R-CERT-4/5).
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/format.h"
#include "core/clock.h"
#include "rules/assessment.h"

namespace mynacert::cli {

namespace {

struct ExplainFlags {
  std::string birth, card_applied, card_issued, cert_issued, stay_until, sign_revoked_on, today;
  std::string municipality;
  bool cert_renewal = false, abroad = false, adult_ward = false, json = false;
};

const char* LeapName(profiles::LeapDayBirthday l) {
  return l == profiles::LeapDayBirthday::kFeb28 ? "feb28" : "mar1";
}
const char* ReadingName(profiles::WindowReading r) {
  return r == profiles::WindowReading::kCorrespondingDayPlusOne ? "A" : "B";
}

nlohmann::json CertJson(const rules::CertAssessment& c) {
  nlohmann::json j;
  j["issued"] = c.issued;
  j["eligible"] = c.eligible;
  j["status"] = std::string(rules::CertStatusName(c.status));
  j["status_ja"] = std::string(rules::CertStatusJa(c.status));
  j["expires"] = c.issued ? nlohmann::json(c.validity.expires.ToString()) : nlohmann::json(nullptr);
  j["renewal_from"] =
      c.issued ? nlohmann::json(c.renewal_from.ToString()) : nlohmann::json(nullptr);
  j["birthdays"] = c.issued ? nlohmann::json(c.validity.birthdays) : nlohmann::json(nullptr);
  j["capped_by"] = !c.issued                                     ? nlohmann::json(nullptr)
                   : c.validity.cap == rules::CertCap::kCard     ? nlohmann::json("card")
                   : c.validity.cap == rules::CertCap::kAuthCert ? nlohmann::json("auth_cert")
                                                                 : nlohmann::json(nullptr);
  j["renew_with_card"] = c.issued && c.renew_with_card;
  j["if_issued_today"] = DateOrNull(c.if_issued_today);
  j["eligible_from"] = DateOrNull(c.eligible_from);
  return j;
}

std::string CertLine(const char* ja, const char* en, const rules::CertAssessment& c) {
  std::string s = std::string(ja) + " (" + en + ")\n";
  if (c.issued) {
    s += "    有効期限 expires:        " + c.validity.expires.ToStringWithWeekday() + "\n";
    s += "    無料更新 free renewal:   " + c.renewal_from.ToStringWithWeekday() + " から / from\n";
  }
  s += "    状態 status:             " + std::string(rules::CertStatusJa(c.status)) + " / " +
       std::string(rules::CertStatusName(c.status)) + "\n";
  if (c.if_issued_today) {
    s +=
        "    今日発行なら if issued today: " + c.if_issued_today->ToStringWithWeekday() + " まで\n";
  }
  return s;
}

void Run(const ExplainFlags& fl, CliContext& ctx) {
  rules::Facts f;
  auto fail_on = [&](const auto& r) {
    if (!r.ok()) ctx.Fail(r.error());
    return !r.ok();
  };
  auto birth = ParseDateFlag(fl.birth, "--birth");
  auto card_issued = ParseDateFlag(fl.card_issued, "--card-issued");
  auto card_applied = ParseDateFlag(fl.card_applied, "--card-applied");
  auto cert_issued = ParseDateFlag(fl.cert_issued, "--cert-issued");
  auto stay_until = ParseDateFlag(fl.stay_until, "--stay-until");
  auto revoked = ParseDateFlag(fl.sign_revoked_on, "--sign-revoked-on");
  auto today_flag = ParseDateFlag(fl.today, "--today");
  for (const auto* r :
       {&birth, &card_issued, &card_applied, &cert_issued, &stay_until, &revoked, &today_flag}) {
    if (fail_on(*r)) return;
  }
  if (fl.abroad && stay_until->has_value()) {
    ctx.Fail(InvalidArgument("--abroad",
                             "--stay-until (在留期間のある外国人住民) と --abroad "
                             "(国外転出者) は同時に指定できません (conflicting flags)",
                             "R-WIN-3"));
    return;
  }
  f.birth = **birth;
  f.card_issued = **card_issued;
  f.card_applied = card_applied->value_or(f.card_issued);
  f.cert_issued = *cert_issued;
  f.cert_renewal = fl.cert_renewal;
  f.stay_until = *stay_until;
  f.abroad = fl.abroad;
  f.adult_ward = fl.adult_ward;
  f.sign_revoked_on = *revoked;

  profiles::RuleSettings settings;
  const profiles::Municipality* muni = nullptr;
  if (!fl.municipality.empty()) {
    auto m = ctx.FindMunicipality(fl.municipality);
    if (fail_on(m)) return;
    muni = *m;
    settings = muni->rules;
  }
  if (fl.adult_ward && revoked->has_value() && !settings.adult_ward_sign_cert) {
    ctx.Fail(InvalidArgument("--sign-revoked-on",
                             "成年被後見人には署名用電子証明書がないため "
                             "失効日は指定できません (an adult ward has no "
                             "sign cert to revoke)",
                             "R-CERT-4"));
    return;
  }
  // "Today" is taken once, here, for the whole answer (style.md habit 4).
  const Date today = today_flag->value_or(RealClock().TodayJst());
  auto a = rules::Assess(f, today, settings);
  if (fail_on(a)) return;
  const auto reasons = rules::Explain(*a, settings);

  if (fl.json) {
    nlohmann::json j;
    j["today"] = today.ToString();
    j["municipality"] = muni ? nlohmann::json(muni->id) : nlohmann::json(nullptr);
    j["settings"] = {{"leap_day_birthday", LeapName(settings.leap_day_birthday)},
                     {"renewal_window_reading", ReadingName(settings.window_reading)}};
    j["card"] = {
        {"expires", a->card.expires.ToString()}, {"expired", a->card_expired},
        {"age_at_issue", a->card.age_at_issue},  {"age_threshold", a->card.age_threshold},
        {"birthdays", a->card.birthdays},        {"capped_by_stay", a->card.capped_by_stay}};
    j["certificates"] = {{"sign", CertJson(a->sign)}, {"auth", CertJson(a->auth)}};
    j["health_insurance_until"] = a->health_insurance_until.ToString();
    j["health_insurance_warning"] = a->health_insurance_warning;
    j["reasons"] = ReasonsJson(reasons);
    ctx.out << j.dump(2) << "\n";
    return;
  }
  std::ostream& o = ctx.out;
  o << "基準日 as of: " << today.ToStringWithWeekday();
  if (muni) o << "   自治体 municipality: " << muni->name_ja << " (" << muni->name_en << ")";
  o << "\n\n";
  o << "マイナンバーカード (card)\n";
  o << "    有効期限 expires:        " << a->card.expires.ToStringWithWeekday()
    << (a->card_expired ? "  — 期限切れ / expired" : "") << "\n";
  o << "    発行時の年齢 age at issue: " << a->card.age_at_issue << "歳 → " << a->card.birthdays
    << "回目の誕生日 / " << a->card.birthdays << "th birthday"
    << (a->card.capped_by_stay ? " (在留期間まで / capped by the period of stay)" : "") << "\n";
  o << CertLine("署名用電子証明書", "sign cert", a->sign);
  o << CertLine("利用者証明用電子証明書", "auth cert", a->auth);
  o << "マイナ保険証 (health insurance use): " << a->health_insurance_until.ToStringWithWeekday()
    << " まで / until"
    << (a->health_insurance_warning ? "  (更新の警告表示中 / warning shown)" : "") << "\n\n";
  o << "理由 / why:\n" << ReasonsText(reasons);
}

}  // namespace

void AddExplainCommand(CLI::App& app, CliContext& ctx) {
  auto fl = std::make_shared<ExplainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "カードと電子証明書の有効期限・更新期間・状態を理由つきで説明 / explain expiry "
      "dates, renewal window and status, with rule IDs");
  cmd->add_option("--birth", fl->birth, "生年月日 YYYY-MM-DD / birth date")->required();
  cmd->add_option("--card-issued", fl->card_issued, "カード発行日 / card issue date")->required();
  cmd->add_option(
      "--card-applied", fl->card_applied,
      "交付申請の受付日 (既定: 発行日) / application date (R-VAL-3; default: issue date)");
  cmd->add_option("--cert-issued", fl->cert_issued,
                  "電子証明書の発行日 (既定: カード発行日) / certificate issue date");
  cmd->add_flag(
      "--cert-renewal", fl->cert_renewal,
      "証明書は更新期間内の更新で発行された / issued by a renewal inside the window (R-VAL-1a)");
  cmd->add_option("--stay-until", fl->stay_until,
                  "在留期間の満了日 / end of a foreign resident's period of stay (R-VAL-4)");
  cmd->add_flag("--abroad", fl->abroad,
                "国外転出者の継続利用 / living abroad with continued use (R-WIN-3)");
  cmd->add_flag("--adult-ward", fl->adult_ward, "成年被後見人 / adult ward (R-CERT-4)");
  cmd->add_option(
      "--sign-revoked-on", fl->sign_revoked_on,
      "氏名・住所等の変更で署名用が失効した日 / sign cert revoked by a change (R-CERT-5)");
  cmd->add_option("--today", fl->today,
                  "基準日 (既定: 日本時間の今日) / as-of date (default: today JST)");
  cmd->add_option("--municipality", fl->municipality,
                  "自治体 (日付の計算方法の設定) / municipality whose settings apply");
  cmd->add_flag("--json", fl->json, "JSON で出力 / JSON output");
  cmd->callback([fl, &ctx] { Run(*fl, ctx); });
}

}  // namespace mynacert::cli
