// Residents' endpoints: the rules, no login, no resident data — and the UI's files.
#include "calendar/counter_calendar.h"
#include "counter/decision.h"
#include "rules/procedures.h"
#include "calendar/schedule.h"
#include "service/api_util.h"
#include "service/app.h"
#include "service/assets.h"
#include "service/explain.h"

namespace mynacert::service {
namespace {

json CounterJson(const profiles::Counter& c) {
  json procedures = json::array();
  for (profiles::Procedure p : c.procedures) procedures.push_back(std::string(rules::ProcedureName(p)));
  const char* mode = c.reservation == profiles::ReservationMode::kWalkIn     ? "walk_in"
                     : c.reservation == profiles::ReservationMode::kOptional ? "optional"
                                                                             : "required";
  return {{"id", c.id}, {"name_ja", c.name_ja}, {"name_en", c.name_en}, {"reservation", mode},
          {"procedures", procedures}, {"note_ja", c.note_ja},
          {"hours_ja", calendar::HoursJa(c.schedule)}, {"hours_en", calendar::HoursEn(c.schedule)},
          // false: no seed gives these hours; the page says so (profiles/model.h).
          {"hours_from_seed", c.hours_from_seed},
          {"address_ja", c.address_ja.empty() ? json() : json(c.address_ja)}};
}

}  // namespace

Status Service::AddPublicRoutes() {
  server::Router& r = *router_;
  const profiles::Registry& profiles = *ws_->profiles;

  // "mail": whether a booking may ask for a confirmation e-mail (an SMTP server is set).
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/health", Access::kPublic, kNoBody, "", true, [this](RequestContext& c) {
                                    return Json(200, {{"ok", true}, {"today", c.today.ToString()},
                                                      {"mail", !config_.smtp_url.empty()}});
                                  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/municipalities", Access::kPublic, kNoBody, "", true,
                                  [&profiles](RequestContext&) {
                                    json out = json::array();
                                    for (const profiles::Municipality& mu : profiles.all()) {
                                      json counters = json::array();
                                      for (const profiles::Counter& c : mu.counters) counters.push_back(CounterJson(c));
                                      const profiles::Contact& k = mu.contact;
                                      out.push_back({{"id", mu.id}, {"name_ja", mu.name_ja}, {"name_en", mu.name_en},
                                                     {"counters", counters},
                                                     {"contact", {{"department_ja", k.department_ja}, {"phone", k.phone},
                                                                  {"phone_note_ja", k.phone_note_ja},
                                                                  {"booking_phone", k.booking_phone},
                                                                  {"booking_phone_hours_ja", k.booking_phone_hours_ja},
                                                                  {"address_ja", k.address_ja}, {"postcode", k.postcode}}},
                                                     {"reservation", {{"requires_reservation_id", mu.reservation.requires_reservation_id},
                                                                      {"min_days_ahead", mu.reservation.min_days_ahead},
                                                                      {"max_days_ahead", mu.reservation.max_days_ahead}}}});
                                    }
                                    return Json(200, out);
                                  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/explain", Access::kPublic, kNoBody, "", true, [&profiles](RequestContext& c) {
    ExplainQuery q{c.Query("birth"),      c.Query("card_applied"),    c.Query("card_issued"),
                   c.Query("cert_issued"), c.Query("stay_until"),      c.Query("sign_revoked_on"),
                   c.Query("today"),       c.Query("municipality"),    c.QueryFlag("cert_renewal"),
                   c.QueryFlag("abroad"),  c.QueryFlag("adult_ward"),
                   c.Query("card_expires"), c.Query("cert_expires"), c.QueryFlag("renewed")};
    auto e = Explain(q, profiles, c.today);
    if (!e.ok()) return Fail(e.error());
    HttpResponse res;
    res.body = ExplanationText(*e);
    return res;
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/procedure", Access::kPublic, kNoBody, "", true, [&profiles](RequestContext& c) {
    auto mu = profiles.Find(c.Query("municipality"));
    if (!mu.ok()) return Fail(Error{ErrorCode::kNotFound, "municipality", mu.error().message, ""});
    const std::string procedure = c.Query("procedure").empty() ? "renewal" : c.Query("procedure");
    const std::string applicant = c.Query("applicant").empty() ? "self" : c.Query("applicant");
    auto p = counter::ParseProcedure(procedure, "procedure");
    if (!p.ok()) return Fail(p.error());
    auto a = counter::ParseApplicant(applicant, "applicant");
    if (!a.ok()) return Fail(a.error());
    rules::Situation s;
    if (!c.Query("holder_age").empty()) {
      auto age = PathId(c.Query("holder_age"), "holder_age");
      if (!age.ok() || *age > 130) return Fail(InvalidArgument("holder_age", "年齢は0〜130です (0 to 130)"));
      s.holder_age = static_cast<int>(*age);
    }
    s.adult_ward = c.QueryFlag("adult_ward");
    s.pin_forgotten = c.QueryFlag("pin_forgotten");
    s.cert_expired = c.QueryFlag("cert_expired");
    s.same_household = c.QueryFlag("same_household");
    s.honseki_in_city = c.QueryFlag("honseki_in_city");
    s.counter_id = c.Query("counter");
    s.card_event = c.Query("card_event");
    if (!c.Query("holder_at_fault").empty()) s.holder_at_fault = c.QueryFlag("holder_at_fault");
    s.card_type = c.Query("card_type");   // face_switch: face | pin (R-FACE-3)
    s.face_card = c.QueryFlag("face_card");  // the card is a face card (R-FACE-1)
    auto plan = rules::PlanProcedure(**mu, *p, *a, s);
    if (!plan.ok()) return Fail(plan.error());
    return Json(200, PlanJson(**mu, procedure, applicant, *plan));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/calendar", Access::kPublic, kNoBody, "", true, [&profiles](RequestContext& c) {
    auto found = FindCounterAnywhere(profiles, c.Query("counter"));
    if (!found.ok()) return Fail(found.error());
    const profiles::Counter& counter = *found->second;
    auto from = ParseDateField(c.Query("from"), "from");
    if (!from.ok()) return Fail(from.error());
    int days = 14;
    if (!c.Query("days").empty()) {
      auto d = PathId(c.Query("days"), "days");
      if (!d.ok() || *d < 1 || *d > 366) return Fail(InvalidArgument("days", "1〜366 日です (1 to 366)"));
      days = static_cast<int>(*d);
    }
    const Date start = from->value_or(c.today);
    auto list = calendar::CounterDays(counter.schedule, start, start.AddDays(days - 1));
    if (!list.ok()) return Fail(list.error());
    json out = json::array();
    for (const calendar::DayStatus& d : *list) {
      out.push_back({{"date", d.date.ToString()}, {"label", d.date.ToStringWithWeekday()}, {"open", d.open},
                     {"from", d.open ? json(calendar::FormatMinute(d.hours.from_minute)) : json()},
                     {"to", d.open ? json(calendar::FormatMinute(d.hours.to_minute)) : json()},
                     {"holiday", d.holiday ? json(std::string(d.holiday->name_ja)) : json()},
                     {"rule", std::string(d.rule)}});
    }
    return Json(200, {{"counter", CounterJson(counter)}, {"days", out}});
  }}));

  // The UI: one route per file compiled in, "/" for index.html.
  for (const Asset& asset : AllAssets()) {
    const Asset* a = &asset;
    auto serve = [a](RequestContext&) {
      HttpResponse res;
      res.content_type = std::string(a->type);
      res.body = std::string(a->body);
      res.headers.emplace_back("Cache-Control", "no-cache");
      return res;
    };
    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", std::string(a->path), Access::kPublic, kNoBody, "", true, serve}));
    if (a->path == "/index.html") MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/", Access::kPublic, kNoBody, "", true, serve}));
  }
  return {};
}

}  // namespace mynacert::service
