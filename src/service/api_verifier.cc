// Registered verifiers (R-VER-1, R-VER-3, R-VER-4; counter/verifiers.h; docs/relying-parties.md
// "The verifier API").
//
// A verifier, with its API key (Authorization: Bearer mvk_…), rate class `verifier`:
//   GET  /api/verifier/v1/me                          who the key belongs to
//   POST /api/verifier/v1/status {certificate_hex}    the certificate's state and the pairwise
//                                                     holder ID (R-VER-1, R-VER-4)
//   POST /api/verifier/v1/current {certificate_hex}   現況確認 of a sign certificate; with the
//                                                     holder's consent after a change, the new
//                                                     certificate and 基本4情報 (R-VER-3)
// Anyone (rate class `lookup`):
//   POST /api/verify {signed_hex[, content_hex]}      a signed document checked: CMS (pki::VerifyCms)
//                                                     or a signed PDF (pki::VerifyPdf)
// Supervisors (the registry's staff page):
//   GET  /api/verifiers                       the registered verifiers
//   POST /api/verifiers {name, kinds}         registers one; the API key is in this answer only
//   POST /api/verifiers/{id}/revoke           its key stops working
// The holder gives and withdraws consent through api_holder.cc (POST /api/holder/consents).
#include <mutex>
#include <span>

#include "core/hex.h"
#include "counter/verifiers.h"
#include "pki/openssl.h"
#include "pki/pades.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {

namespace {

constexpr size_t kVerifyBody = 4 * 1024 * 1024;  // a document of up to ~2 MB, as hex

Result<std::string> CertificateOf(const HttpRequest& req) {
  MYNACERT_ASSIGN_OR_RETURN(json body, BodyJson(req));
  return HexField(body, "certificate_hex", 4096);
}

json StatusJson(const counter::VerifierCertStatus& s) {
  json j{{"kind", s.kind},
         {"serial", s.serial},
         {"state", std::string(pki::CertStateName(s.state))},
         {"not_before", s.not_before},
         {"not_after", s.not_after},
         {"holder_id", s.holder_id.empty() ? json(nullptr) : json(s.holder_id)}};
  if (s.state != pki::CertState::kGood) {
    j["reason"] = std::string(pki::RevocationReasonName(s.reason));
    j["revoked_at"] = s.revoked_at;
  }
  return j;
}

}  // namespace

Result<const counter::Verifier*> Service::CallingVerifier(const RequestContext& c) {
  // The router checked the key (and that the registration is active) for this request; what
  // is kept here never changes: the id, name, kinds and the salt of the holder IDs.
  auto it = verifiers_.find(c.who->name);
  if (it == verifiers_.end()) {
    MYNACERT_ASSIGN_OR_RETURN(counter::Verifier v, counter::GetVerifier(*ws_->store, c.who->name));
    it = verifiers_.emplace(v.id, std::move(v)).first;
  }
  return &it->second;
}

HttpResponse Service::OnVerifierCertificate(RequestContext& c, const VerifierCertificateHandler& handler) {
  auto der = CertificateOf(c.http);
  if (!der.ok()) return Fail(der.error());
  std::lock_guard lock(counter_mu_);
  auto v = CallingVerifier(c);
  if (!v.ok()) return Fail(v.error());
  const pki::CaGeneration* cas[] = {&ws_->auth_ca, &ws_->sign_ca};
  return handler(**v, cas, *der, c.now);
}

Status Service::AddVerifierRoutes() {
  server::Router& r = *router_;

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/verifier/v1/me", Access::kVerifier, kNoBody, "verifier", true,
                                  [this](RequestContext& c) {
    std::lock_guard lock(counter_mu_);
    auto v = counter::GetVerifier(*ws_->store, c.who->name);
    if (!v.ok()) return Fail(v.error());
    return Json(200, json::parse(counter::VerifierJson(*v)));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/verifier/v1/status", Access::kVerifier, kSmallBody, "verifier", true,
                                  [this](RequestContext& c) {
    return OnVerifierCertificate(c, [this](const counter::Verifier& v, std::span<const pki::CaGeneration* const> cas,
                                           const std::string& der, int64_t) {
      auto status = counter::StatusForVerifier(*ws_->ca_store, cas, v, der);
      if (!status.ok()) return Fail(status.error());
      json j = StatusJson(*status);
      j["rule"] = "R-VER-1";
      return Json(200, j);
    });
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/verifier/v1/current", Access::kVerifier, kSmallBody, "verifier", true,
                                  [this](RequestContext& c) {
    return OnVerifierCertificate(c, [this](const counter::Verifier& v, std::span<const pki::CaGeneration* const> cas,
                                           const std::string& der, int64_t now) {
      auto current = counter::CheckCurrent(*ws_->store, *ws_->ca_store, cas, v, der, now);
      if (!current.ok()) return Fail(current.error());
      json j = StatusJson(current->status);
      j["changed"] = current->changed;
      if (current->changed) j["consent"] = current->consent;
      if (current->basic) {
        j["basic"] = {{"name", current->basic->name},
                      {"address", current->basic->address},
                      {"birth", current->basic->birth.ToString()},
                      {"sex", current->basic->sex}};
        j["new_certificate_hex"] =
            current->new_certificate_der ? json(HexLower(*current->new_certificate_der)) : json(nullptr);
      }
      j["rule"] = "R-VER-3";
      return Json(200, j);
    });
  }}));

  // ---- a signed document checked for anyone (pki::VerifyCms), as `mynacert verify` does:
  // the CA certificates of this service trusted, OCSP through its own responder ----
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/verify", Access::kPublic, kVerifyBody, "lookup", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto signed_data = HexField(*body, "signed_hex", kVerifyBody / 2);
    if (!signed_data.ok()) return Fail(signed_data.error());
    std::optional<std::string> content;
    if (body->contains("content_hex")) {
      auto bytes = HexField(*body, "content_hex", kVerifyBody / 2);
      if (!bytes.ok()) return Fail(bytes.error());
      content = std::move(*bytes);
    }
    std::vector<std::pair<pki::CaKind, X509*>> trust;
    {
      std::lock_guard lock(counter_mu_);
      trust = {{pki::CaKind::kSign, ws_->sign_ca.cert.get()}, {pki::CaKind::kAuth, ws_->auth_ca.cert.get()}};
    }
    // Only this service's CAs are trusted, so the certificate is one of theirs: its own
    // responder answers, whatever URL the certificate names (the service fetches no URL a
    // caller chose).
    pki::OcspAt ocsp = [this](const std::string&, const std::string& request) -> Result<std::string> {
      return ocsp_->Respond(request);
    };
    auto report = pki::VerifyDocument(*signed_data, content ? std::optional<std::string_view>(*content) : std::nullopt,
                                      trust, ocsp, c.now, "signed_hex", "content_hex");
    if (!report.ok()) return Fail(report.error());
    return Json(200, pki::DocumentReportJson(*report));
  }}));

  // ---- the registry, for supervisors ----
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/verifiers", Access::kSupervisor, kNoBody, "", true,
                                  [this](RequestContext&) {
    std::lock_guard lock(counter_mu_);
    auto list = counter::ListVerifiers(*ws_->store);
    if (!list.ok()) return Fail(list.error());
    json out = json::array();
    for (const counter::Verifier& v : *list) out.push_back(json::parse(counter::VerifierJson(v)));
    return Json(200, {{"verifiers", out}, {"status_access", router_->relying_party_restricted() ? "restricted" : "public"}});
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/verifiers", Access::kSupervisor, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto name = Str(*body, "name", true);
    if (!name.ok()) return Fail(name.error());
    auto kinds = Str(*body, "kinds", true);
    if (!kinds.ok()) return Fail(kinds.error());
    auto cert = Str(*body, "client_certificate", false);  // PEM, optional (mTLS)
    if (!cert.ok()) return Fail(cert.error());
    std::lock_guard lock(counter_mu_);
    auto added = counter::AddVerifier(*ws_->store, *name, *kinds, c.who->name, c.now, *cert);
    if (!added.ok()) return Fail(added.error());
    json j = json::parse(counter::VerifierJson(added->verifier));
    j["api_key"] = added->api_key;
    return Json(201, j);
  }}));
  // A verifier's (renewed) TLS client certificate, in place of the one it had.
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/verifiers/{verifier}/client-certificate", Access::kSupervisor,
                                  kSmallBody, "", true, [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto cert = Str(*body, "client_certificate", true);
    if (!cert.ok()) return Fail(cert.error());
    std::lock_guard lock(counter_mu_);
    Status set = counter::SetVerifierClientCertificate(*ws_->store, c.params[0], *cert, c.who->name, c.now);
    if (!set.ok()) return Fail(set.error());
    auto v = counter::GetVerifier(*ws_->store, c.params[0]);
    if (!v.ok()) return Fail(v.error());
    return Json(200, json::parse(counter::VerifierJson(*v)));
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/verifiers/{verifier}/revoke", Access::kSupervisor, kSmallBody, "",
                                  true, [this](RequestContext& c) {
    std::lock_guard lock(counter_mu_);
    Status revoked = counter::RevokeVerifier(*ws_->store, c.params[0], c.who->name, c.now);
    if (!revoked.ok()) return Fail(revoked.error());
    auto v = counter::GetVerifier(*ws_->store, c.params[0]);
    if (!v.ok()) return Fail(v.error());
    return Json(200, json::parse(counter::VerifierJson(*v)));
  }}));

  return {};
}

}  // namespace mynacert::service
