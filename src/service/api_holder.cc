// The holder's own functions that need no card in the service (R-HOLDER-1, R-REV-2;
// docs/lifecycle.md). No login: the holder proves possession of the card by a signature.
//
//   POST /api/holder/status {certificate_hex}              what the CA says of a certificate
//   POST /api/holder/challenges {certificate_hex, purpose}  a challenge to sign on the card:
//                                                           revocation | kiosk:auth | kiosk:sign
//                                                           | consent:<verifier> | withdraw:<verifier>
//   POST /api/holder/revocation-requests {challenge_id, signature_hex}
//                                                           revoked cessationOfOperation (R-REV-2)
//   POST /api/holder/kiosk-bookings {challenge_id, signature_hex}
//                                                           a kiosk PIN reset booked (R-KIOSK-1)
//   POST /api/holder/consents {challenge_id, signature_hex}  a consent to a verifier given
//                                                           (consent:<id>, the sign key) or
//                                                           withdrawn (withdraw:<id>) (R-VER-3)
//
// Certificates and signatures travel as hex (the DER as it is). Rate class `holder`.
#include <mutex>
#include <utility>

#include "core/hex.h"
#include "counter/lifecycle.h"
#include "counter/verifiers.h"
#include "pki/openssl.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {

namespace {

// The answer to a challenge: {challenge_id, signature_hex}.
Result<std::pair<std::string, std::string>> AnswerOf(const HttpRequest& req) {
  MYNACERT_ASSIGN_OR_RETURN(json body, BodyJson(req));
  MYNACERT_ASSIGN_OR_RETURN(std::string id, Str(body, "challenge_id", true));
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, HexField(body, "signature_hex", 1024));
  return std::make_pair(std::move(id), std::move(signature));
}

}  // namespace

Status Service::AddHolderRoutes() {
  server::Router& r = *router_;
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/holder/status", Access::kPublic, kSmallBody, "holder", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto der = HexField(*body, "certificate_hex", 4096);
    if (!der.ok()) return Fail(der.error());
    auto parsed = pki::ParseCertificateDer(*der);
    if (!parsed.ok()) return Fail(InvalidArgument("certificate_hex", "証明書 (DER) として読めません (not a DER certificate)"));
    std::lock_guard lock(counter_mu_);
    for (const pki::CaGeneration* g : {&ws_->auth_ca, &ws_->sign_ca}) {
      if (X509_verify(parsed->get(), X509_get0_pubkey(g->cert.get())) != 1) continue;
      const std::string serial = pki::SerialHex(X509_get0_serialNumber(parsed->get()));
      auto found = ws_->ca_store->Find(g->kind, serial);
      if (!found.ok()) return Fail(found.error());
      if (!*found) break;
      json j{{"kind", std::string(pki::CaKindName(g->kind))},
             {"serial", serial},
             {"state", std::string(pki::CertStateName((*found)->state))},
             {"not_after", (*found)->not_after}};
      if ((*found)->state != pki::CertState::kGood) {
        j["reason"] = std::string(pki::RevocationReasonName((*found)->reason));
        j["revoked_at"] = (*found)->revoked_at;
      }
      return Json(200, j);
    }
    pki::TakeOpenSslErrors();
    return Fail(NotFound("certificate_hex", "この認証局が発行した証明書ではありません (not a certificate of this CA)"));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/holder/challenges", Access::kPublic, kSmallBody, "holder",
                                  true, [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto der = HexField(*body, "certificate_hex", 4096);
    if (!der.ok()) return Fail(der.error());
    std::lock_guard lock(counter_mu_);
    const pki::CaGeneration* cas[] = {&ws_->auth_ca, &ws_->sign_ca};
    auto purpose = Str(*body, "purpose", true);
    if (!purpose.ok()) return Fail(purpose.error());
    auto challenge = counter::IssueHolderChallenge(*ws_->store, *ws_->ca_store, cas, *der, *purpose, c.now);
    if (!challenge.ok()) {
      Error e = challenge.error();
      if (e.field == "certificate") e.field = "certificate_hex";
      return Fail(e);
    }
    json j{{"challenge_id", challenge->id},
           {"purpose", challenge->purpose},
           {"kind", challenge->kind},
           {"serial", challenge->serial},
           {"message_hex", HexLower(counter::ChallengeMessage(*challenge))},
           {"expires_at", challenge->expires_at},
           {"rule", challenge->purpose == "revocation" ? "R-REV-2" : "R-KIOSK-1"}};
    // A consent names the verifier: the holder's client shows its registered name before the
    // card signs.
    if (auto v = counter::CheckConsentPurpose(*ws_->store, challenge->purpose, challenge->kind); v.ok()) {
      j["verifier_name"] = v->name;
      j["rule"] = "R-VER-3";
    }
    return Json(201, j);
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/holder/revocation-requests", Access::kPublic, kSmallBody, "holder",
                                  true, [this](RequestContext& c) {
    auto answer = AnswerOf(c.http);
    if (!answer.ok()) return Fail(answer.error());
    std::lock_guard lock(counter_mu_);
    auto revoked = ws_->counter->RevokeOnHolderRequest(*ws_->ca_store, answer->first, answer->second, c.now, c.today);
    if (!revoked.ok()) return Fail(revoked.error());
    auto refreshed = ocsp_->Refresh();  // OCSP says revoked before the holder reads the answer
    if (!refreshed.ok()) return Fail(refreshed.error());
    return Json(200, {{"kind", revoked->kind},
                      {"serial", revoked->serial},
                      {"state", "revoked"},
                      {"reason", "cessationOfOperation"},
                      {"rule", "R-REV-2"}});
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/holder/kiosk-bookings", Access::kPublic, kSmallBody, "holder", true,
                                  [this](RequestContext& c) {
    auto answer = AnswerOf(c.http);
    if (!answer.ok()) return Fail(answer.error());
    std::lock_guard lock(counter_mu_);
    auto booked = counter::BookKiosk(*ws_->store, *ws_->ca_store, answer->first, answer->second, c.now,
                                     config_.kiosk_booking_seconds);
    if (!booked.ok()) return Fail(booked.error());
    return Json(201, {{"booking", booked->id},
                      {"forgotten", booked->forgotten},
                      {"expires_at", booked->expires_at},
                      {"rule", "R-KIOSK-1"}});
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/holder/consents", Access::kPublic, kSmallBody, "holder", true,
                                  [this](RequestContext& c) {
    auto answer = AnswerOf(c.http);
    if (!answer.ok()) return Fail(answer.error());
    std::lock_guard lock(counter_mu_);
    auto decided = counter::AnswerConsent(*ws_->store, *ws_->ca_store, answer->first, answer->second, c.now);
    if (!decided.ok()) return Fail(decided.error());
    return Json(200, {{"verifier", decided->verifier_id},
                      {"verifier_name", decided->verifier_name},
                      {"consent", decided->granted ? "granted" : "withdrawn"},
                      {"rule", "R-VER-3"}});
  }}));
  return {};
}

}  // namespace mynacert::service
