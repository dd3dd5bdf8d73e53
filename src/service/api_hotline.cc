// The loss hotline (R-LOST-1, counter/lifecycle.h): an operator of the `hotline` role takes a
// call — at any hour, the counters' calendar plays no part — identifies the holder, suspends
// the card and holds both certificates; the OCSP answers are re-signed before the reply, so a
// relying party asking the moment the call ends already reads certificateHold.
//
//   POST /api/hotline/calls   {name, birth, address, event, caller, caller_name, outside_home,
//                              police_receipt, note} → 201 the receipt
//
// Nothing here lifts a hold (R-LOST-2): that is a counter's found-card procedure.
#include <mutex>
#include <tuple>

#include "counter/lifecycle.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {

Status Service::AddHotlineRoutes() {
  server::Router& r = *router_;
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/hotline/calls", Access::kHotline, kSmallBody, "hotline", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    counter::LossReport report;
    for (auto [key, dest, required] :
         {std::tuple<const char*, std::string*, bool>{"name", &report.name, true},
          {"address", &report.address, true},
          {"event", &report.event, true},
          {"caller", &report.caller, false},
          {"caller_name", &report.caller_name, false},
          {"police_receipt", &report.police_receipt, false},
          {"note", &report.note, false}}) {
      auto v = Str(*body, key, required);
      if (!v.ok()) return Fail(v.error());
      if (!v->empty() || required) *dest = *v;
    }
    auto birth = Str(*body, "birth", true);
    if (!birth.ok()) return Fail(birth.error());
    auto born = Date::Parse(*birth, "birth");
    if (!born.ok()) return Fail(born.error());
    report.birth = *born;
    report.outside_home = Bool(*body, "outside_home");

    std::lock_guard lock(counter_mu_);
    auto receipt = ws_->counter->ReportLoss(report, c.who->name, c.now, c.today, ws_->ca_store.get());
    if (!receipt.ok()) return Fail(receipt.error());
    // OCSP says certificateHold before the operator hangs up.
    auto refreshed = ocsp_->Refresh();
    if (!refreshed.ok()) return Fail(refreshed.error());
    const profiles::Municipality* m = nullptr;
    if (auto found = ws_->profiles->Find(receipt->municipality); found.ok()) m = *found;
    json held = json::array();
    for (const auto& [kind, serial] : receipt->held) {
      auto in_ca = ws_->ca_store->Find(kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth, serial);
      std::string state = "unknown";
      if (in_ca.ok() && *in_ca) state = std::string(pki::CertStateName((*in_ca)->state));
      held.push_back({{"kind", kind}, {"serial", serial}, {"state", state}});
    }
    json next = json::array();
    for (const rules::Reason& n : receipt->next) next.push_back({{"rule", n.rule}, {"ja", n.ja}, {"en", n.en}});
    json municipality = {{"id", receipt->municipality}};
    if (m) {
      municipality["name_ja"] = m->name_ja;
      municipality["name_en"] = m->name_en;
      municipality["phone"] = m->contact.phone;
      municipality["department_ja"] = m->contact.department_ja;
    }
    return Json(201, {{"call", receipt->call_id},
                      {"municipality", municipality},
                      {"already_suspended", receipt->already_suspended},
                      {"held", held},
                      {"next", next},
                      {"rule", "R-LOST-1"}});
  }}));
  return {};
}

}  // namespace mynacert::service
