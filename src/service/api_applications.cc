// The card's own renewal (R-CARD-1..2, counter/card_renewal.h) over HTTP.
//
//   POST /api/card-applications/{id}/online    public: the holder applies with the form's 申請書ID
//                                               and the birth date printed on it {birth, face}
//                                               (R-CARD-1); rate-limited like a lookup
//   GET  /api/card-applications?state=S        staff: the applications in a state
//   GET  /api/card-applications/{id}           staff
//   POST /api/card-applications/{id}/apply     staff: by post or at the counter {channel, face}
//   POST /api/card-applications/{id}/produce   staff: the card made (a new chip)
//   POST /api/card-applications/{id}/booking   staff: the pick-up booking {booking}
//   POST /api/card-applications/{id}/cancel    staff {reason}
//
// The pick-up itself is a case (procedure card_pickup, flags.application) like any other.
#include <mutex>

#include "counter/card_renewal.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {

namespace {

json ApplicationOut(const counter::CardApplication& a) { return json::parse(counter::ApplicationJson(a)); }

}  // namespace

Status Service::AddApplicationRoutes() {
  server::Router& r = *router_;
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/card-applications/{id}/online", Access::kPublic, kSmallBody, "lookup",
                                  true, [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto birth = Str(*body, "birth", true);
    if (!birth.ok()) return Fail(birth.error());
    auto born = Date::Parse(*birth, "birth");
    if (!born.ok()) return Fail(born.error());
    counter::ApplyRequest req;
    req.channel = "online";
    req.birth = *born;
    req.face = Bool(*body, "face");
    std::lock_guard lock(counter_mu_);
    auto a = counter::Apply(*ws_->store, c.params[0], req, c.today, "online", c.now);
    if (!a.ok()) {
      // An unknown ID and a wrong birth date answer alike: the form's ID is not confirmed to a
      // stranger guessing numbers.
      if (a.error().code == ErrorCode::kNotFound) {
        return Fail(Error{ErrorCode::kPermissionDenied, "birth",
                          "申請書IDと生年月日が一致しません (the application ID and birth date do not match)", "R-CARD-1"});
      }
      return Fail(a.error());
    }
    // What the holder may see: the state and the next step, not the record.
    return Json(200, {{"id", a->id},
                      {"state", a->state},
                      {"face", a->face},
                      {"applied_on", a->applied_on ? a->applied_on->ToString() : ""},
                      {"rule", "R-CARD-1"}});
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/card-applications", Access::kStaff, kNoBody, "", true,
                                  [this](RequestContext& c) {
    std::lock_guard lock(counter_mu_);
    Result<std::vector<counter::CardApplication>> list = std::vector<counter::CardApplication>();
    if (const std::string resident = c.Query("resident"); !resident.empty()) {
      auto id = PathId(resident, "resident");
      if (!id.ok()) return Fail(id.error());
      list = ws_->store->CardApplications(*id);
    } else {
      const std::string state = c.Query("state").empty() ? "applied" : c.Query("state");
      list = ws_->store->CardApplicationsInState(state);
    }
    if (!list.ok()) return Fail(list.error());
    json out = json::array();
    for (const auto& a : *list) out.push_back(ApplicationOut(a));
    return Json(200, {{"applications", out}});
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/card-applications/{id}", Access::kStaff, kNoBody, "", true,
                                  [this](RequestContext& c) {
    std::lock_guard lock(counter_mu_);
    auto a = ws_->store->FindCardApplication(c.params[0]);
    if (!a.ok()) return Fail(a.error());
    if (!*a) return Fail(NotFound("application", "申請書IDが見つかりません (no such application)"));
    return Json(200, ApplicationOut(**a));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/card-applications/{id}/apply", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto channel = Str(*body, "channel", true);
    if (!channel.ok()) return Fail(channel.error());
    if (*channel == "online") {
      return Fail(InvalidArgument("channel", "窓口では post | counter です (online is the holder's own)", "R-CARD-1"));
    }
    counter::ApplyRequest req;
    req.channel = *channel;
    req.face = Bool(*body, "face");
    std::lock_guard lock(counter_mu_);
    auto a = counter::Apply(*ws_->store, c.params[0], req, c.today, c.who->name, c.now);
    if (!a.ok()) return Fail(a.error());
    return Json(200, ApplicationOut(*a));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/card-applications/{id}/produce", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    std::lock_guard lock(counter_mu_);
    const counter::ProductionEnv env{ws_->env.home, ws_->env.card_secret, ws_->env.issuer_master};
    auto a = counter::Produce(*ws_->store, *ws_->profiles, c.params[0], env, c.today, c.who->name, c.now);
    if (!a.ok()) return Fail(a.error());
    return Json(200, ApplicationOut(*a));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/card-applications/{id}/booking", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto number = Int(*body, "booking");
    if (!number.ok()) return Fail(number.error());
    std::lock_guard lock(counter_mu_);
    auto a = counter::RecordPickupBooking(*ws_->store, c.params[0], *number, c.who->name, c.now);
    if (!a.ok()) return Fail(a.error());
    return Json(200, ApplicationOut(*a));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/card-applications/{id}/cancel", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto reason = Str(*body, "reason", true);
    if (!reason.ok()) return Fail(reason.error());
    std::lock_guard lock(counter_mu_);
    auto a = counter::Cancel(*ws_->store, c.params[0], ws_->env.home, *reason, c.who->name, c.now);
    if (!a.ok()) return Fail(a.error());
    return Json(200, ApplicationOut(*a));
  }}));
  return {};
}

}  // namespace mynacert::service
