// Staff at the counter: residents, the 電子証明書の写し, and cases from opening to execution.
// Every route needs a staff session; the counter's store is one connection (counter_mu_).
#include <openssl/crypto.h>

#include <map>

#include "counter/views.h"
#include "notices/certificate_copy.h"
#include "service/api_util.h"
#include "service/app.h"
#include "service/explain.h"

namespace mynacert::service {

Status Service::AddCaseRoutes() {
  server::Router& r = *router_;

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/residents", Access::kStaff, kNoBody, "", true, [this](RequestContext& c) {
    const std::string q = c.Query("q");
    std::lock_guard lock(counter_mu_);
    json out = json::array();
    for (const profiles::Municipality& mu : ws_->profiles->all()) {
      auto list = ws_->store->ListResidents(mu.id);
      if (!list.ok()) return Fail(list.error());
      for (const counter::Resident& res : *list) {
        if (!q.empty() && res.name.find(q) == std::string::npos && res.name_kana.find(q) == std::string::npos &&
            std::to_string(res.id) != q) {
          continue;
        }
        out.push_back(counter::ResidentJson(res));
        if (out.size() >= 50) break;
      }
    }
    return Json(200, out);
  }}));

  // 電子証明書の写し (R-PROC-11): rendered, audited, then handed over; never stored here.
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/residents/{resident}/certificate-copy", Access::kStaff, kNoBody, "", true,
                                  [this](RequestContext& c) {
    auto id = PathId(c.params[0], "resident");
    if (!id.ok()) return Fail(id.error());
    std::lock_guard lock(counter_mu_);
    auto copy = notices::CertificateCopyFor(*ws_, *id, c.Query("kind"), c.today);
    if (!copy.ok()) return Fail(copy.error());
    auto pdf = notices::RenderCertificateCopy(*copy);
    if (!pdf.ok()) return Fail(pdf.error());
    Status audited = notices::RecordCertificateCopy(*ws_->store, *id, *copy, c.who->name, c.now);
    if (!audited.ok()) return Fail(audited.error());
    HttpResponse res;
    res.content_type = "application/pdf";
    res.body = std::move(*pdf);
    res.headers.emplace_back("Content-Disposition",
                             "inline; filename=\"certificate-copy-" + copy->kind + "-" + copy->serial_hex + ".pdf\"");
    return res;
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/residents/{resident}", Access::kStaff, kNoBody, "", true,
                                  [this](RequestContext& c) {
    auto id = PathId(c.params[0], "resident");
    if (!id.ok()) return Fail(id.error());
    std::lock_guard lock(counter_mu_);
    counter::CounterStore& store = *ws_->store;
    auto res = store.GetResident(*id);
    if (!res.ok()) return Fail(res.error());
    json j = counter::ResidentJson(*res);
    auto cards = store.Cards(*id);
    if (!cards.ok()) return Fail(cards.error());
    auto certs = store.Certs(*id);
    if (!certs.ok()) return Fail(certs.error());
    auto cases = store.CasesOf(*id);
    if (!cases.ok()) return Fail(cases.error());
    j["cards"] = json::array();
    for (const auto& card : *cards) {
      j["cards"].push_back({{"id", card.id}, {"issued", card.issued.ToString()}, {"expires", card.expires.ToString()},
                            {"state", card.state}});
    }
    j["certificates"] = json::array();
    for (const auto& cert : *certs) {
      j["certificates"].push_back({{"kind", cert.kind}, {"serial", cert.serial}, {"issued", cert.issued.ToString()},
                                   {"last_valid_day", cert.last_valid_day.ToString()}, {"state", cert.state},
                                   {"reason", cert.reason}});
    }
    j["cases"] = *cases;
    // The loss hotline's calls (R-LOST-1): what the counter needs to lift or abolish.
    auto calls = store.HotlineCalls(*id);
    if (!calls.ok()) return Fail(calls.error());
    j["hotline_calls"] = json::array();
    for (const auto& call : *calls) {
      j["hotline_calls"].push_back({{"id", call.id}, {"at", call.at}, {"event", call.event},
                                    {"caller", call.caller}, {"police_receipt", call.police_receipt},
                                    {"operator", call.operator_name},
                                    {"held", json::parse(call.held, nullptr, false)}});
    }
    auto a = ws_->counter->AssessResident(*res, c.today);
    if (a.ok() && *a) {
      j["today"] = {{"date", c.today.ToString()},
                    {"card_expires", (*a)->card.expires.ToString()},
                    {"auth", std::string(rules::CertStatusName((*a)->auth.status))},
                    {"auth_ja", std::string(rules::CertStatusJa((*a)->auth.status))},
                    {"sign", std::string(rules::CertStatusName((*a)->sign.status))},
                    {"sign_ja", std::string(rules::CertStatusJa((*a)->sign.status))},
                    {"renewal_from", (*a)->auth.renewal_from.ToString()}};
    }
    return Json(200, j);
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/cases", Access::kStaff, kSmallBody, "", true, [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    counter::OpenRequest o;
    auto resident = Int(*body, "resident");
    if (!resident.ok()) return Fail(resident.error());
    o.resident_id = *resident;
    for (auto [key, dest] : {std::pair<const char*, std::string*>{"procedure", &o.procedure},
                             {"applicant", &o.applicant}, {"counter", &o.visit.counter_id}}) {
      auto v = Str(*body, key, true);
      if (!v.ok()) return Fail(v.error());
      *dest = *v;
    }
    for (auto [key, dest] : {std::pair<const char*, std::string*>{"certs", &o.flags.certs}, {"pin", &o.flags.pin}}) {
      auto v = Str(*body, key, false);
      if (!v.ok()) return Fail(v.error());
      if (!v->empty()) *dest = *v;
    }
    auto card_event = Str(*body, "card_event", false);
    if (!card_event.ok()) return Fail(card_event.error());
    o.flags.card_event = *card_event;
    for (auto [key, dest] : {std::pair<const char*, std::string*>{"card_type", &o.flags.card_type},
                             {"application", &o.flags.application}}) {
      auto v = Str(*body, key, false);
      if (!v.ok()) return Fail(v.error());
      *dest = *v;
    }
    if (body->contains("holder_at_fault")) o.flags.holder_at_fault = Bool(*body, "holder_at_fault");
    o.flags.pin_forgotten = Bool(*body, "pin_forgotten");
    o.flags.honseki_in_city = Bool(*body, "honseki_in_city");
    o.flags.representative_has_photo_id = !Bool(*body, "no_photo_id");
    if (body->contains("representative")) {
      auto rep = Int(*body, "representative");
      if (!rep.ok()) return Fail(rep.error());
      o.representative_id = *rep;
    }
    auto date = Str(*body, "date", false);
    if (!date.ok()) return Fail(date.error());
    auto on = ParseDateField(*date, "date");
    if (!on.ok()) return Fail(on.error());
    o.visit.on = on->value_or(c.today);
    o.visit.clerk = c.who->name;
    o.visit.holder_present = Bool(*body, "holder_present") || o.applicant == "self";
    std::lock_guard lock(counter_mu_);
    auto id = ws_->counter->OpenCase(o, c.now);
    if (!id.ok()) return Fail(id.error());
    return Json(201, {{"case", *id}});
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/cases/{case}", Access::kStaff, kNoBody, "", true, [this](RequestContext& c) {
    auto id = PathId(c.params[0], "case");
    if (!id.ok()) return Fail(id.error());
    std::lock_guard lock(counter_mu_);
    auto got = ws_->store->GetCase(*id);
    if (!got.ok()) return Fail(got.error());
    auto log = ws_->store->audit().Read(*id, 0, 0, 1000);
    if (!log.ok()) return Fail(log.error());
    return Json(200, counter::CaseJson(*got, *log));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/cases/{case}/documents", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto id = PathId(c.params[0], "case");
    if (!id.ok()) return Fail(id.error());
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    std::vector<std::pair<std::string, std::string>> fields;
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (it->is_string()) {
        fields.emplace_back(it.key(), it->get<std::string>());
      } else if (it->is_boolean()) {
        if (it->get<bool>()) fields.emplace_back(it.key(), "");
      } else {
        return Fail(InvalidArgument(it.key(), "文字列か真偽値です (a string or a boolean)"));
      }
    }
    auto d = counter::DocumentFrom(fields, "document");
    if (!d.ok()) return Fail(d.error());
    std::lock_guard lock(counter_mu_);
    Status st = ws_->counter->Present(*id, *d, c.who->name, c.now);
    if (!st.ok()) return Fail(st.error());
    return Json(201, {{"case", *id}, {"recorded", d->item}});
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/cases/{case}/decide", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto id = PathId(c.params[0], "case");
    if (!id.ok()) return Fail(id.error());
    std::lock_guard lock(counter_mu_);
    auto d = ws_->counter->Decide(*id, c.who->name, c.now);
    if (!d.ok()) return Fail(d.error());
    return Json(200, json::parse(counter::DecisionJson(*d)));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/cases/{case}/execute", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto id = PathId(c.params[0], "case");
    if (!id.ok()) return Fail(id.error());
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    // PINs typed by the clerk (the holder's, or the agent's form): used for this request only,
    // never stored or logged (issue 5).
    std::map<std::string, std::string> pins;
    if (auto it = body->find("pins"); it != body->end() && it->is_object()) {
      for (auto p = it->begin(); p != it->end(); ++p) {
        if (p->is_string()) pins[p.key()] = p->get<std::string>();
      }
    }
    // The face check of a face-authentication card, as staff or the reader found it (R-FACE-4).
    std::optional<bool> face_match;
    if (auto it = body->find("face_check"); it != body->end()) {
      if (!it->is_string() || (*it != "match" && *it != "mismatch")) {
        return Fail(InvalidArgument("face_check", "match | mismatch のいずれか (R-FACE-4)", "R-FACE-4"));
      }
      face_match = *it == "match";
    }
    std::lock_guard lock(counter_mu_);
    counter::ExecutionEnv env = ws_->env;
    if (face_match) env.face_check = [m = *face_match] { return Result<bool>(m); };
    env.clerk = c.who->name;
    env.now = c.now;
    env.today = c.today;
    env.pin = [&pins](std::string_view which) -> Result<std::string> {
      auto it = pins.find(std::string(which));
      if (it == pins.end()) {
        return InvalidArgument("pins." + std::string(which), "暗証番号を入力してください (PIN required)");
      }
      return it->second;
    };
    auto run = ws_->counter->Execute(*id, env);
    for (auto& [k, v] : pins) OPENSSL_cleanse(v.data(), v.size());
    if (!run.ok()) return Fail(run.error());
    json j{{"completed", run->completed}, {"steps", run->steps_done}};
    j["issued"] = json::array();
    for (const auto& [k, s] : run->new_serials) j["issued"].push_back({{"kind", k}, {"serial", s}});
    j["revoked"] = json::array();
    for (const auto& [k, s] : run->revoked) j["revoked"].push_back({{"kind", k}, {"serial", s}});
    if (run->pin_failure) {
      j["pin_failure"] = {{"pin", run->pin_failure->pin}, {"tries_left", run->pin_failure->tries_left},
                          {"locked", run->pin_failure->locked}};
    }
    if (run->face_failure) {
      j["face_failure"] = {{"tries_left", run->face_failure->tries_left}, {"locked", run->face_failure->locked},
                           {"rule", "R-FACE-2"}};
    }
    if (run->decision_after) j["decision"] = json::parse(counter::DecisionJson(*run->decision_after));
    // A revocation is answered by OCSP at once (a switch to a face card, a pick-up, R-FACE-3/R-CARD-2).
    if (!run->revoked.empty()) {
      if (auto refreshed = ocsp_->Refresh(); !refreshed.ok()) return Fail(refreshed.error());
    }
    return Json(200, j);
  }}));
  return {};
}

}  // namespace mynacert::service
