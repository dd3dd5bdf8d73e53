#include "service/explain.h"

#include <algorithm>
#include <iterator>

#include "core/date_text.h"
#include "service/json_out.h"

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

}  // namespace

Result<Explanation> Explain(const ExplainQuery& q, const profiles::Registry& profiles,
                            Date default_today) {
  if (q.birth.empty()) return InvalidArgument("birth", "生年月日が必要です (required)");
  const bool held = !q.card_expires.empty() || !q.cert_expires.empty() || q.renewed;
  if (held && (!q.card_issued.empty() || !q.cert_issued.empty() || !q.card_applied.empty() ||
               q.cert_renewal)) {
    return InvalidArgument(q.card_expires.empty() ? "cert_expires" : "card_expires",
                           "有効期限 (card_expires, cert_expires, renewed) と発行日 (card_issued, "
                           "cert_issued, card_applied, cert_renewal) は同時に指定できません "
                           "(give the expiry dates a resident holds, or the issue dates, not both)");
  }
  if (!held && q.card_issued.empty()) {
    return InvalidArgument("card_expires",
                           "カードの有効期限 (券面の「…まで有効」) か電子証明書の有効期限 (通知書)"
                           "、またはカード発行日 (card_issued) が必要です (required)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto birth, ParseDateField(q.birth, "birth"));
  MYNACERT_ASSIGN_OR_RETURN(auto card_issued, ParseDateField(q.card_issued, "card_issued"));
  MYNACERT_ASSIGN_OR_RETURN(auto card_expires, ParseDateField(q.card_expires, "card_expires"));
  MYNACERT_ASSIGN_OR_RETURN(auto cert_expires, ParseDateField(q.cert_expires, "cert_expires"));
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
  rules::Facts f;
  if (held) {
    rules::HeldFacts h;
    h.birth = *birth;
    h.card_expires = card_expires;
    h.cert_expires = cert_expires;
    h.renewed = q.renewed;
    h.stay_until = stay_until;
    h.abroad = q.abroad;
    h.adult_ward = q.adult_ward;
    h.sign_revoked_on = revoked;
    MYNACERT_ASSIGN_OR_RETURN(e.reading, rules::ReadHeld(h, e.today, e.settings));
    f = e.reading->facts;
  } else {
    f.birth = *birth;
    f.card_issued = *card_issued;
    f.card_applied = card_applied.value_or(f.card_issued);
    f.cert_issued = cert_issued;
    f.cert_renewal = q.cert_renewal;
    f.stay_until = stay_until;
    f.abroad = q.abroad;
    f.adult_ward = q.adult_ward;
    f.sign_revoked_on = revoked;
  }
  MYNACERT_ASSIGN_OR_RETURN(e.assessment, rules::Assess(f, e.today, e.settings));
  e.verdict = rules::MakeVerdict(e.assessment, e.settings);
  if (e.reading) {
    e.reasons = rules::ExplainReading(*e.reading);
    std::vector<rules::Reason> more = rules::Explain(e.assessment, e.settings, false);
    e.reasons.insert(e.reasons.end(), std::make_move_iterator(more.begin()),
                     std::make_move_iterator(more.end()));
  } else {
    e.reasons = rules::Explain(e.assessment, e.settings);
  }
  return e;
}

namespace {

// A certificate's assessment, keys in nlohmann's (sorted) order.
void WriteCert(JsonOut& o, const rules::CertAssessment& c) {
  o.Object();
  o.Key("birthdays");
  c.issued ? o.Int(c.validity.birthdays) : o.Null();
  o.Key("capped_by");
  if (c.issued && c.validity.cap == rules::CertCap::kCard) {
    o.Str("card");
  } else if (c.issued && c.validity.cap == rules::CertCap::kAuthCert) {
    o.Str("auth_cert");
  } else {
    o.Null();
  }
  o.Key("eligible").Bool(c.eligible);
  o.Key("eligible_from").StrOrNull(c.eligible_from ? std::optional(c.eligible_from->ToString()) : std::nullopt);
  o.Key("expires").StrOrNull(c.issued ? std::optional(c.validity.expires.ToString()) : std::nullopt);
  o.Key("if_issued_today")
      .StrOrNull(c.if_issued_today ? std::optional(c.if_issued_today->ToString()) : std::nullopt);
  o.Key("issued").Bool(c.issued);
  o.Key("renew_with_card").Bool(c.issued && c.renew_with_card);
  o.Key("renewal_from").StrOrNull(c.issued ? std::optional(c.renewal_from.ToString()) : std::nullopt);
  o.Key("status").Str(rules::CertStatusName(c.status));
  o.Key("status_ja").Str(rules::CertStatusJa(c.status));
  o.EndObject();
}

}  // namespace

std::string ExplanationText(const Explanation& e) {
  const rules::Assessment& a = e.assessment;
  JsonOut o;
  o.Object();
  o.Key("card").Object();
  o.Key("age_at_issue").Int(a.card.age_at_issue);
  o.Key("age_threshold").Int(a.card.age_threshold);
  o.Key("birthdays").Int(a.card.birthdays);
  o.Key("capped_by_stay").Bool(a.card.capped_by_stay);
  o.Key("expired").Bool(a.card_expired);
  o.Key("expires").Str(a.card.expires.ToString());
  o.EndObject();
  o.Key("certificates").Object();
  o.Key("auth");
  WriteCert(o, a.auth);
  o.Key("sign");
  WriteCert(o, a.sign);
  o.EndObject();
  o.Key("health_insurance_until").Str(a.health_insurance_until.ToString());
  o.Key("health_insurance_warning").Bool(a.health_insurance_warning);
  o.Key("municipality").StrOrNull(e.municipality ? std::optional(e.municipality->id) : std::nullopt);
  o.Key("reading");
  if (e.reading) {
    o.Object();
    o.Key("card").Str(rules::CardReadingName(e.reading->card));
    o.Key("card_expiry_given").Bool(e.reading->card_expiry_given);
    o.Key("cert").Str(rules::CertReadingName(e.reading->cert));
    o.Key("cert_expiry_given").Bool(e.reading->cert_expiry_given);
    o.EndObject();
  } else {
    o.Null();
  }
  o.Key("reasons").Array();
  for (const rules::Reason& r : e.reasons) {
    o.Object();
    o.Key("rule").Str(r.rule);
    o.Key("source").Str(rules::RuleSource(r.rule));
    o.Key("text").Str(r.ja);
    o.Key("text_en").Str(r.en);
    o.EndObject();
  }
  o.EndArray();
  o.Key("settings").Object();
  o.Key("leap_day_birthday").Str(LeapName(e.settings.leap_day_birthday));
  o.Key("renewal_window_reading").Str(ReadingName(e.settings.window_reading));
  o.EndObject();
  o.Key("today").Str(e.today.ToString());
  const rules::Verdict& v = e.verdict;
  auto date_or_null = [&o](std::string_view key, const std::optional<Date>& d) {
    o.Key(key).StrOrNull(d ? std::optional(d->ToString()) : std::nullopt);
  };
  auto text_or_null = [&o](std::string_view key, const std::optional<Date>& d, bool ja) {
    o.Key(key).StrOrNull(d ? std::optional(ja ? JapaneseLongDate(*d) : EnglishLongDate(*d))
                           : std::nullopt);
  };
  o.Key("verdict").Object();
  o.Key("code").Str(rules::VerdictCodeName(v.code));
  o.Key("counter_visit").Bool(v.counter_visit);
  date_or_null("from", v.from);
  text_or_null("from_text", v.from, true);
  text_or_null("from_text_en", v.from, false);
  o.Key("rules").Array();
  for (const std::string& id : v.rules) o.Str(id);
  o.EndArray();
  o.Key("text").Str(v.ja);
  o.Key("text_en").Str(v.en);
  date_or_null("until", v.until);
  text_or_null("until_text", v.until, true);
  text_or_null("until_text_en", v.until, false);
  o.EndObject();
  o.EndObject();
  return o.Finish();
}

nlohmann::json ExplanationJson(const Explanation& e) { return nlohmann::json::parse(ExplanationText(e)); }

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
                      {"fee_yen", plan.fee_yen},
                      {"pins", ReasonsJson(plan.pins)},
                      {"visits", visits},
                      {"counters", counters},
                      {"refusals", ReasonsJson(plan.refusals)},
                      {"reasons", ReasonsJson(plan.reasons)}};
  return j;
}

}  // namespace mynacert::service
