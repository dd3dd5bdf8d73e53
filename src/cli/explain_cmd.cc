// `mynacert explain`: when the card and each certificate expire, from when renewal is free,
// whether a sign cert may be held, and why (rules.md R-VAL, R-WIN, R-CERT-4/5).
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/format.h"
#include "core/clock.h"
#include "rules/assessment.h"
#include "service/explain.h"

namespace mynacert::cli {

namespace {

struct ExplainFlags {
  std::string birth, card_applied, card_issued, cert_issued, stay_until, sign_revoked_on, today;
  std::string municipality;
  bool cert_renewal = false, abroad = false, adult_ward = false, json = false;
  std::string card_expires, cert_expires;
  bool renewed = false;
};

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
  auto reg = ctx.Profiles();
  if (!reg.ok()) return ctx.Fail(reg.error());
  service::ExplainQuery q{fl.birth, fl.card_applied, fl.card_issued, fl.cert_issued, fl.stay_until,
                          fl.sign_revoked_on, fl.today, fl.municipality, fl.cert_renewal,
                          fl.abroad, fl.adult_ward, fl.card_expires, fl.cert_expires,
                          fl.renewed};
  auto e = service::Explain(q, **reg, RealClock().TodayJst());
  if (!e.ok()) return ctx.Fail(e.error());
  if (fl.json) {
    ctx.out << service::ExplanationJson(*e).dump(2) << "\n";
    return;
  }
  const rules::Assessment* a = &e->assessment;
  const profiles::Municipality* muni = e->municipality;
  const Date today = e->today;
  const auto& reasons = e->reasons;
  std::ostream& o = ctx.out;
  o << "基準日 as of: " << today.ToStringWithWeekday();
  if (muni) o << "   自治体 municipality: " << muni->name_ja << " (" << muni->name_en << ")";
  o << "\n\n";
  o << e->verdict.ja << "\n" << e->verdict.en << "\n\n";
  o << "マイナンバーカード (card)\n";
  o << "    有効期限 expires:        " << a->card.expires.ToStringWithWeekday()
    << (a->card_expired ? "  — 期限切れ / expired" : "") << "\n";
  if (!e->reading) {  // read from held expiry dates, the issue date is not known (rules/held.h)
    o << "    発行時の年齢 age at issue: " << a->card.age_at_issue << "歳 → " << a->card.birthdays
      << "回目の誕生日 / " << a->card.birthdays << "th birthday"
      << (a->card.capped_by_stay ? " (在留期間まで / capped by the period of stay)" : "") << "\n";
  }
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
  cmd->add_option("--card-issued", fl->card_issued,
                  "カード発行日 (窓口の記録; 住民は --card-expires / --cert-expires) / card issue "
                  "date (a counter's records; residents give --card-expires / --cert-expires)");
  cmd->add_option("--card-expires", fl->card_expires,
                  "券面のカードの有効期限「…まで有効」 / the card's expiry printed on its face");
  cmd->add_option("--cert-expires", fl->cert_expires,
                  "電子証明書の有効期限 (通知書・券面の記載欄) / the certificates' expiry (the "
                  "notice letter, or the box on the card's face)");
  cmd->add_flag("--renewed", fl->renewed,
                "電子証明書を更新したことがある / the certificates were renewed since the card "
                "was issued (with --card-expires / --cert-expires)");
  cmd->add_option(
      "--card-applied", fl->card_applied,
      "交付申請の受付日 (既定: 発行日) / application date (R-VAL-3; default: issue date)");
  cmd->add_option("--cert-issued", fl->cert_issued,
                  "電子証明書の発行日 (既定: カード発行日) / certificate issue date");
  cmd->add_flag(
      "--cert-renewal", fl->cert_renewal,
      "証明書は更新で発行された (日付は --cert-issued; 更新期間内かは日付から判定) / issued by a "
      "renewal on --cert-issued (inside the window or not is derived: R-VAL-1a, R-VAL-7)");
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
