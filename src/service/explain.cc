#include "service/explain.h"

#include <algorithm>

namespace mynacert::service {

Result<std::optional<Date>> ParseDateField(const std::string& value, const std::string& field) {
  if (value.empty()) return std::optional<Date>();
  auto d = Date::Parse(value, field);
  if (!d.ok()) return d.error();
  return std::optional<Date>(*d);
}

nlohmann::json DateOrNull(const std::optional<Date>& d) {
  return d ? nlohmann::json(d->ToString()) : nlohmann::json(nullptr);
}

nlohmann::json ReasonsJson(const std::vector<rules::Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const rules::Reason& r : reasons) {
    out.push_back({{"rule", r.rule},
                   {"text", r.ja},
                   {"text_en", r.en},
                   {"source", std::string(rules::RuleSource(r.rule))}});
  }
  return out;
}

namespace {

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
  j["renewal_from"] = c.issued ? nlohmann::json(c.renewal_from.ToString()) : nlohmann::json(nullptr);
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

}  // namespace

Result<Explanation> Explain(const ExplainQuery& q, const profiles::Registry& profiles,
                            Date default_today) {
  if (q.birth.empty()) return InvalidArgument("birth", "生年月日が必要です (required)");
  if (q.card_issued.empty()) return InvalidArgument("card_issued", "カード発行日が必要です (required)");
  MYNACERT_ASSIGN_OR_RETURN(auto birth, ParseDateField(q.birth, "birth"));
  MYNACERT_ASSIGN_OR_RETURN(auto card_issued, ParseDateField(q.card_issued, "card_issued"));
  MYNACERT_ASSIGN_OR_RETURN(auto card_applied, ParseDateField(q.card_applied, "card_applied"));
  MYNACERT_ASSIGN_OR_RETURN(auto cert_issued, ParseDateField(q.cert_issued, "cert_issued"));
  MYNACERT_ASSIGN_OR_RETURN(auto stay_until, ParseDateField(q.stay_until, "stay_until"));
  MYNACERT_ASSIGN_OR_RETURN(auto revoked, ParseDateField(q.sign_revoked_on, "sign_revoked_on"));
  MYNACERT_ASSIGN_OR_RETURN(auto today, ParseDateField(q.today, "today"));
  if (q.abroad && stay_until) {
    return InvalidArgument("abroad",
                           "stay_until (在留期間のある外国人住民) と abroad (国外転出者) は同時に指定できません "
                           "(conflicting)",
                           "R-WIN-3");
  }
  rules::Facts f;
  f.birth = *birth;
  f.card_issued = *card_issued;
  f.card_applied = card_applied.value_or(f.card_issued);
  f.cert_issued = cert_issued;
  f.cert_renewal = q.cert_renewal;
  f.stay_until = stay_until;
  f.abroad = q.abroad;
  f.adult_ward = q.adult_ward;
  f.sign_revoked_on = revoked;

  Explanation e;
  if (!q.municipality.empty()) {
    auto m = profiles.Find(q.municipality);
    if (!m.ok()) {
      Error err = m.error();
      err.field = "municipality";
      return err;
    }
    e.municipality = *m;
    e.settings = e.municipality->rules;
  }
  if (q.adult_ward && revoked && !e.settings.adult_ward_sign_cert) {
    return InvalidArgument("sign_revoked_on",
                           "成年被後見人には署名用電子証明書がないため失効日は指定できません "
                           "(an adult ward has no sign cert to revoke)",
                           "R-CERT-4");
  }
  // "Today" is taken once, here, for the whole answer (style.md habit 4).
  e.today = today.value_or(default_today);
  MYNACERT_ASSIGN_OR_RETURN(e.assessment, rules::Assess(f, e.today, e.settings));
  e.reasons = rules::Explain(e.assessment, e.settings);
  return e;
}

nlohmann::json ExplanationJson(const Explanation& e) {
  const rules::Assessment& a = e.assessment;
  nlohmann::json j;
  j["today"] = e.today.ToString();
  j["municipality"] = e.municipality ? nlohmann::json(e.municipality->id) : nlohmann::json(nullptr);
  j["settings"] = {{"leap_day_birthday", LeapName(e.settings.leap_day_birthday)},
                   {"renewal_window_reading", ReadingName(e.settings.window_reading)}};
  j["card"] = {{"expires", a.card.expires.ToString()}, {"expired", a.card_expired},
               {"age_at_issue", a.card.age_at_issue},  {"age_threshold", a.card.age_threshold},
               {"birthdays", a.card.birthdays},        {"capped_by_stay", a.card.capped_by_stay}};
  j["certificates"] = {{"sign", CertJson(a.sign)}, {"auth", CertJson(a.auth)}};
  j["health_insurance_until"] = a.health_insurance_until.ToString();
  j["health_insurance_warning"] = a.health_insurance_warning;
  j["reasons"] = ReasonsJson(e.reasons);
  return j;
}

nlohmann::json PlanJson(const profiles::Municipality& m, std::string_view procedure,
                        std::string_view applicant, const rules::ProcedurePlan& plan) {
  nlohmann::json visits = nlohmann::json::array();
  for (const rules::VisitPlan& v : plan.visits) {
    nlohmann::json docs = nlohmann::json::array();
    for (const rules::DocumentLine& d : v.documents) {
      docs.push_back({{"whose", d.whose}, {"what", d.item}, {"text", d.ja}, {"text_en", d.en},
                      {"alternatives", d.alternatives.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(d.alternatives)},
                      {"optional", d.optional}, {"rules", d.rules}});
    }
    nlohmann::json actions = nlohmann::json::array();
    for (const rules::StaffAction& a : v.staff_actions) {
      actions.push_back({{"id", a.id}, {"text", a.ja}, {"text_en", a.en}});
    }
    visits.push_back({{"number", v.number},
                      {"holder_present", v.holder_present},
                      {"deadline_days_after_previous",
                       v.deadline_days_after_previous ? nlohmann::json(v.deadline_days_after_previous)
                                                      : nlohmann::json(nullptr)},
                      {"any_counter", v.any_counter},
                      {"documents", docs},
                      {"staff_actions", actions}});
  }
  nlohmann::json counters = nlohmann::json::array();
  for (const profiles::Counter* c : plan.counters) {
    counters.push_back({{"id", c->id}, {"name_ja", c->name_ja}, {"name_en", c->name_en}});
  }
  nlohmann::json j = {{"municipality", m.id},
                      {"procedure", std::string(procedure)},
                      {"applicant", std::string(applicant)},
                      {"possible", plan.possible},
                      {"same_day", plan.possible && plan.same_day},
                      {"document_inquiry", plan.document_inquiry},
                      {"visits", visits},
                      {"counters", counters},
                      {"refusals", ReasonsJson(plan.refusals)},
                      {"reasons", ReasonsJson(plan.reasons)}};
  return j;
}

}  // namespace mynacert::service
