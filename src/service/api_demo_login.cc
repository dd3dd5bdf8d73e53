// The demo relying party: "a マイナポータル-like login" with the card's auth certificate
// (issue 18; docs/relying-parties.md "Logging in with the card"). What a real relying party
// does, in the service so that a developer can watch it work:
//
//   POST /api/demo-login/challenges                  a fresh challenge (32 random bytes), once,
//                                                    5 minutes: {challenge_id, message_hex}
//   POST /api/demo-login/sessions {challenge_id, certificate_hex, signature_hex}
//        the site checks, in order: the challenge (claimed once), the certificate's chain to
//        the auth CA and its validity now, its status by OCSP (the service's own responder,
//        the answer's signature checked like any relying party's), and the signature over the
//        challenge by the certificate's key (SHA-256, PKCS#1 v1.5, as the card makes it through
//        OpenSC). Then: the pairwise holder ID of the demo verifier (R-VER-4), which a site
//        would keep as its user's ID.
//
// The holder's client does the card's part: `mynacert card login --url` (over PC/SC or a card
// file). The demo relying party is a registered verifier of its own (kind auth, created on
// first use, named kDemoVerifierName), so its holder IDs are as unlinkable as any verifier's.
// Rate class `holder`.
#include <mutex>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/hex.h"
#include "counter/internal.h"
#include "counter/verifiers.h"
#include "pki/ocsp.h"
#include "pki/openssl.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {

namespace {

constexpr const char* kDemoVerifierName = "mynacert デモ・ログイン (demo relying party)";

Error LoginRefused(std::string field, std::string message, std::string rule = "R-VER-1") {
  return Error{ErrorCode::kPermissionDenied, std::move(field), std::move(message), std::move(rule)};
}

}  // namespace

Result<const counter::Verifier*> Service::DemoVerifier(int64_t now) {
  if (demo_verifier_) return &*demo_verifier_;
  MYNACERT_ASSIGN_OR_RETURN(auto list, counter::ListVerifiers(*ws_->store));
  for (const counter::Verifier& v : list) {
    if (v.name == kDemoVerifierName && v.created_by == "service" && v.state == "active") {
      demo_verifier_ = v;
      return &*demo_verifier_;
    }
  }
  MYNACERT_ASSIGN_OR_RETURN(counter::NewVerifier made, counter::AddVerifier(*ws_->store, kDemoVerifierName, "auth",
                                                                          "service", now));
  demo_verifier_ = std::move(made.verifier);  // its key is never used: the site is in-process
  return &*demo_verifier_;
}

Status Service::AddDemoLoginRoutes() {
  server::Router& r = *router_;
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/demo-login/challenges", Access::kPublic, kSmallBody, "holder", true,
                                  [this](RequestContext& c) {
    counter::Challenge ch;
    ch.purpose = "login";
    ch.kind = "auth";
    auto id = counter::internal::RandomHex(16);
    auto random = counter::internal::RandomHex(32);
    if (!id.ok() || !random.ok()) return Fail(id.ok() ? random.error() : id.error());
    ch.id = *id;
    ch.challenge = *random;
    ch.expires_at = c.now + counter::kChallengeSeconds;
    std::lock_guard lock(counter_mu_);
    Status added = ws_->store->AddChallenge({ch.id, ch.purpose, ch.kind, ch.serial, ch.challenge, c.now, ch.expires_at});
    if (!added.ok()) return Fail(added.error());
    return Json(201, {{"challenge_id", ch.id},
                      {"message_hex", HexLower(counter::ChallengeMessage(ch))},
                      {"expires_at", ch.expires_at}});
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/demo-login/sessions", Access::kPublic, kSmallBody, "holder", true,
                                  [this](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto id = Str(*body, "challenge_id", true);
    if (!id.ok()) return Fail(id.error());
    auto der = HexField(*body, "certificate_hex", 4096);
    if (!der.ok()) return Fail(der.error());
    auto signature = HexField(*body, "signature_hex", 1024);
    if (!signature.ok()) return Fail(signature.error());
    auto cert = pki::ParseCertificateDer(*der);
    if (!cert.ok()) return Fail(InvalidArgument("certificate_hex", "証明書 (DER) として読めません (not a DER certificate)"));

    std::unique_lock lock(counter_mu_);
    // 1. The challenge: once, before anything else is checked (one try per challenge).
    auto claimed = ws_->store->ClaimChallenge(*id, c.now);
    if (!claimed.ok()) return Fail(claimed.error());
    if (!*claimed || (*claimed)->purpose != "login") {
      return Fail(Error{ErrorCode::kFailedPrecondition, "challenge_id",
                        "このチャレンジは使用済みか期限切れです。やり直してください (challenge used or expired)", ""});
    }
    const counter::CounterStore::HolderChallenge& h = **claimed;
    const counter::Challenge ch{h.id, h.purpose, h.kind, h.serial, h.challenge, h.expires_at};
    // 2. The chain: signed by the auth CA, valid now.
    X509* ca = ws_->auth_ca.cert.get();
    if (X509_verify(cert->get(), X509_get0_pubkey(ca)) != 1) {
      pki::TakeOpenSslErrors();
      return Fail(LoginRefused("certificate_hex", "利用者証明用電子証明書ではありません (not an auth certificate of this CA)"));
    }
    if (X509_cmp_time(X509_get0_notBefore(cert->get()), nullptr) > 0 ||
        pki::Asn1Seconds(X509_get0_notAfter(cert->get())) < c.now) {
      return Fail(LoginRefused("certificate_hex", "電子証明書の有効期間外です (the certificate is not valid now)", "R-VAL-1"));
    }
    auto demo = DemoVerifier(c.now);
    if (!demo.ok()) return Fail(demo.error());
    lock.unlock();
    // 3. Its status by OCSP, as any relying party asks (the answer's signature checked).
    auto verdict = pki::AskOcsp(cert->get(), ca, [this](const std::string& request) -> Result<std::string> {
      return ocsp_->Respond(request);
    }, "ocsp");
    if (!verdict.ok()) return Fail(verdict.error());
    if (verdict->unknown || verdict->state != pki::CertState::kGood) {
      const bool held = verdict->state == pki::CertState::kOnHold;
      return Fail(LoginRefused("certificate_hex",
                               verdict->unknown ? "OCSP がこの証明書を知りません (OCSP: unknown)"
                               : held ? "この電子証明書は一時保留中です (the certificate is on hold: a lost card)"
                                      : "この電子証明書は失効しています (the certificate is revoked: " +
                                            std::string(pki::RevocationReasonName(verdict->reason)) + ")",
                               held ? "R-LOST-2" : "R-VER-1"));
    }
    // 4. The signature over the challenge, by the certificate's key.
    const std::string message = counter::ChallengeMessage(ch);
    const bool good = pki::VerifySha256Signature(X509_get0_pubkey(cert->get()), message, *signature);
    if (!good) return Fail(LoginRefused("signature", "署名がこの証明書の鍵で検証できません (the signature is not by this certificate's key)"));
    // Logged in: who, to this site.
    lock.lock();
    const std::string serial = pki::SerialHex(X509_get0_serialNumber(cert->get()));
    auto record = ws_->ca_store->Find(pki::CaKind::kAuth, serial);
    if (!record.ok()) return Fail(record.error());
    const int64_t resident = *record ? counter::internal::ResidentOf(**record) : 0;
    return Json(200, {{"logged_in", true},
                      {"site", kDemoVerifierName},
                      {"holder_id", resident ? json(counter::PairwiseHolderId(**demo, resident)) : json(nullptr)},
                      {"serial", serial},
                      {"not_after", pki::Asn1Seconds(X509_get0_notAfter(cert->get()))},
                      {"checks", json::array({"challenge", "chain", "validity", "ocsp", "signature"})},
                      {"rule", "R-VER-4"}});
  }}));
  return {};
}

}  // namespace mynacert::service
