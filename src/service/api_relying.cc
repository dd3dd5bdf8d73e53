// Relying parties: the OCSP responder (RFC 6960), the CRLs and the CA certificates, DER.
#include "pki/crl.h"
#include "pki/openssl.h"
#include "server/ocsp_http.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {
namespace {

constexpr size_t kOcspBody = 64 * 1024;

HttpResponse OcspAnswer(std::string der) {
  HttpResponse r;
  r.content_type = "application/ocsp-response";
  r.body = std::move(der);
  return r;
}

}  // namespace

Status Service::AddRelyingRoutes() {
  server::Router& r = *router_;
  // An OCSP client gets OCSP's own error (malformedRequest), never a JSON one.
  auto ocsp_too_large = [] { return OcspAnswer(std::string(server::MalformedRequestResponse())); };
  auto ocsp = [this](RequestContext& c) {
    return server::OcspHttpAnswer(c.http, [this](std::string_view der) { return ocsp_->Respond(der); });
  };
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/ocsp", Access::kRelyingParty, kOcspBody, "", false, ocsp, ocsp_too_large}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/ocsp/*", Access::kRelyingParty, kNoBody, "", false, ocsp, ocsp_too_large}));

  for (const bool auth : {true, false}) {
    const std::string kind = auth ? "auth" : "sign";
    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/ca/" + kind + ".crt", Access::kRelyingParty, kNoBody, "", false,
                                    [this, auth, kind](RequestContext&) {
      HttpResponse res;
      res.content_type = "application/pkix-cert";
      res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + kind + ".crt\"");
      std::lock_guard lock(counter_mu_);
      res.body = pki::CertificateDer((auth ? ws_->auth_ca : ws_->sign_ca).cert.get());
      return res;
    }}));

    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/crl/" + kind + ".crl", Access::kRelyingParty, kNoBody, "", false,
                                    [this, auth, kind](RequestContext& c) {
      std::lock_guard lock(counter_mu_);
      const pki::CaGeneration& ca = auth ? ws_->auth_ca : ws_->sign_ca;
      // A new CRL when a certificate of this CA changed since the cached one, or when the cached
      // one is past half its 24 h validity; otherwise the cached bytes (CRL numbers stay few).
      CrlCache& cache = crl_[auth ? 1 : 0];
      int64_t last = cache.seq;
      bool stale = cache.der.empty() || c.now - cache.made_at > 12 * 3600;
      if (!stale) {
        auto changed = ws_->ca_store->ChangedSince(cache.seq, &last);
        if (!changed.ok()) return Fail(changed.error());
        for (const auto& [k, serial] : *changed) stale = stale || k == ca.kind;
      }
      if (stale) {
        auto seq = ws_->ca_store->LastSeq();
        if (!seq.ok()) return Fail(seq.error());
        pki::CrlOptions o;
        o.actor = "serve";
        auto made = pki::GenerateCrl(*ws_->ca_store, ca, c.clock, o);
        if (!made.ok()) return Fail(made.error());
        cache.der = std::move(made->der);
        cache.seq = *seq;
        cache.made_at = c.now;
      } else {
        cache.seq = last;
      }
      HttpResponse res;
      res.content_type = "application/pkix-crl";
      res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + kind + ".crl\"");
      res.body = cache.der;
      return res;
    }}));
  }
  return {};
}

}  // namespace mynacert::service
