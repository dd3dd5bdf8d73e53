// Registered verifiers and what they may learn (rules-lifecycle.md R-VER-1, R-VER-3, R-VER-4;
// docs/relying-parties.md "The verifier API").
//
//   R-VER-1  A verifier is registered in advance as 署名検証者 (`sign`), 利用者証明検証者
//            (`auth`) or both, and calls with an API key it is given once (stored only as its
//            SHA-256), or with a TLS client certificate registered for it (mTLS: the proxy in
//            front verifies the chain and forwards the certificate; the service accepts exactly
//            the registered one, by its SHA-256). It asks only about certificates of its
//            kind(s). Revoked, its key and its certificate stop working at the next request.
//   R-VER-4  Each answer about a certificate the counter issued carries a pairwise holder ID:
//            HMAC-SHA256 over the resident's record id, keyed with the verifier's own random
//            salt. The same person gets the same ID from one verifier across certificate
//            renewals and card renewals (the record stays), and a different, unlinkable ID from
//            every other verifier. J-LIS's own linking mechanism is not public: this design is
//            ours.
//   R-VER-3  現況確認: a sign verifier asks whether a stored sign certificate is still valid.
//            When it was revoked for a change of the record (affiliationChanged) and the holder
//            consented to this verifier, the answer carries the holder's newest sign
//            certificate and the current 基本4情報 (name, address, birth date, sex); each such
//            disclosure is one audit record (`verifier_disclosure`). Without consent it says
//            only that the basic data changed.
//
// Consent is given with the card: the holder's client asks a holder challenge
// (counter/lifecycle.h) of purpose `consent:<verifier id>` for the sign certificate — the one
// the verifier stores — and signs it with the sign key (so with the sign PIN); purpose
// `withdraw:<verifier id>`, signed with either certificate's key, takes it back. Consent
// belongs to the person, not to the certificate: it survives the revocation it is for.
//
// Thread-safety: functions over one CounterStore (one connection), one thread at a time.
#ifndef MYNACERT_COUNTER_VERIFIERS_H_
#define MYNACERT_COUNTER_VERIFIERS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "pki/ca_directory.h"
#include "pki/ca_store.h"

namespace mynacert::counter {

inline constexpr size_t kMaxVerifierNameChars = 100;

struct Verifier {
  std::string id;     // "V" + 12 upper-case hex digits
  std::string name;   // as registered
  std::string kinds;  // "sign" | "auth" | "sign,auth"
  std::string state = "active";  // active | revoked
  int64_t created_at = 0;
  std::string created_by;
  int64_t revoked_at = 0;  // 0 while active
  std::string pairwise_salt;  // never leaves the store's callers
  // Its TLS client certificate, when one is registered: SHA-256 of the DER (64 lower-case hex
  // digits), subject (OpenSSL's one-line form) and notAfter. Empty / 0 otherwise.
  std::string client_cert_sha256, client_cert_subject;
  int64_t client_cert_not_after = 0;

  bool May(std::string_view kind) const;  // registered for "sign" / "auth"
};

// The verifier as JSON for staff (no salt, no key).
std::string VerifierJson(const Verifier& v);

struct NewVerifier {
  Verifier verifier;
  std::string api_key;  // "mvk_" + 64 hex digits: shown once, never stored
};

// Registers a verifier (audited `verifier_added` by `by`), with its TLS client certificate when
// `client_cert` (PEM or DER) is not empty. Errors: `name` (1–100 characters, no control
// characters), `kinds` (sign | auth | sign,auth), `client_certificate` (as
// SetVerifierClientCertificate).
Result<NewVerifier> AddVerifier(CounterStore& store, std::string_view name, std::string_view kinds,
                                std::string_view by, int64_t now, std::string_view client_cert = {});
// Registers `client_cert` (PEM or DER) as the verifier's TLS client certificate, in place of the
// one it had (a renewed certificate); audited `verifier_client_cert_set`. Errors:
// `client_certificate` — not one certificate (400), a CA certificate, no clientAuth in an
// extendedKeyUsage that is there, expired at `now` (400), already another verifier's (409);
// `verifier` (unknown: 404; revoked: 409).
Status SetVerifierClientCertificate(CounterStore& store, std::string_view id, std::string_view client_cert,
                                    std::string_view by, int64_t now);
Result<std::vector<Verifier>> ListVerifiers(CounterStore& store);  // oldest first
// NotFound names `verifier`.
Result<Verifier> GetVerifier(CounterStore& store, std::string_view id);
// Its key stops working (audited `verifier_revoked`). Errors: `verifier` (unknown: 404;
// already revoked: 409).
Status RevokeVerifier(CounterStore& store, std::string_view id, std::string_view by, int64_t now);

// The active verifier holding `api_key`; an unknown, malformed or revoked key is the same
// kUnauthenticated naming `Authorization` (nothing tells a revoked key from a wrong one).
Result<Verifier> AuthenticateVerifier(CounterStore& store, std::string_view api_key);
// The active verifier whose registered client certificate is `client_cert_pem` (as the TLS
// proxy forwarded it, already verified there); kUnauthenticated naming `client_certificate`
// otherwise, alike for unknown, unparsable and revoked.
Result<Verifier> AuthenticateVerifierByCertificate(CounterStore& store, std::string_view client_cert_pem);

// R-VER-1: kPermissionDenied naming `kind`: the verifier is not registered for `kind`.
Error NotRegisteredForKind(std::string_view kind);

// R-VER-4: 32 lower-case hex digits.
std::string PairwiseHolderId(const Verifier& verifier, int64_t resident_id);

// What a verifier learns of one certificate.
struct VerifierCertStatus {
  std::string kind, serial;
  pki::CertState state = pki::CertState::kGood;
  pki::RevocationReason reason = pki::RevocationReason::kUnspecified;
  int64_t revoked_at = 0;
  int64_t not_before = 0, not_after = 0;
  int64_t resident_id = 0;  // 0: not issued through the counter (`ca issue`)
  std::string holder_id;    // R-VER-4; "" when resident_id is 0
};

// Status by certificate (R-VER-1): the certificate must be, byte for byte, one the CA store
// recorded. Errors: `certificate_hex` (not DER: 400; not this CA's or unknown to it: 404), `kind` (the verifier is not registered for the certificate's kind: 403,
// R-VER-1).
Result<VerifierCertStatus> StatusForVerifier(pki::CaStore& ca, std::span<const pki::CaGeneration* const> cas,
                                             const Verifier& verifier, std::string_view certificate_der);

struct BasicData {  // 基本4情報
  std::string name, address;
  Date birth;
  int sex = 9;  // 1 男 2 女 9 適用不能 (JIS X 0303)
};

struct CurrentState {  // R-VER-3
  VerifierCertStatus status;
  bool changed = false;  // revoked affiliationChanged: the holder's basic data changed
  bool consent = false;  // the holder consents to this verifier (asked only when changed)
  std::optional<std::string> new_certificate_der;  // with consent: the newest good sign certificate
  std::optional<BasicData> basic;                  // with consent
};

// 現況確認 of a sign certificate. Errors as StatusForVerifier, and `certificate_hex` for an
// auth certificate (409: 現況確認 is for sign certificates, R-VER-3). A disclosure is audited in
// the same transaction that reads the consent.
Result<CurrentState> CheckCurrent(CounterStore& store, pki::CaStore& ca,
                                  std::span<const pki::CaGeneration* const> cas, const Verifier& verifier,
                                  std::string_view certificate_der, int64_t now);

// The consent challenge's purposes (IssueHolderChallenge checks them with CheckConsentPurpose).
std::string ConsentPurpose(std::string_view verifier_id);   // consent:<id>
std::string WithdrawPurpose(std::string_view verifier_id);  // withdraw:<id>
// For a challenge of `purpose` answered by a certificate of `cert_kind`: kInvalidArgument
// `purpose` when it is neither consent:<id> nor withdraw:<id>; NotFound `verifier`; 409
// `verifier` when consenting to a revoked verifier or one that is not a sign verifier; 409
// `purpose` when a consent is answered by an auth certificate (R-VER-3: the sign certificate).
// Returns the verifier.
Result<Verifier> CheckConsentPurpose(CounterStore& store, std::string_view purpose, std::string_view cert_kind);

struct ConsentDecision {
  std::string verifier_id, verifier_name;
  bool granted = false;  // false: withdrawn
  int64_t resident_id = 0;
  int64_t at = 0;
};
// The holder's signed answer to a consent:/withdraw: challenge (claimed once, as
// RevokeOnHolderRequest's). Errors: `challenge_id`, `signature` (403), `certificate` (the
// counter has no holder for it: 404), `verifier` (revoked since the challenge: 409, consent
// only). Audited `consent_granted` / `consent_withdrawn`.
Result<ConsentDecision> AnswerConsent(CounterStore& store, pki::CaStore& ca, std::string_view challenge_id,
                                      std::string_view signature, int64_t now);

// Whether `resident_id` consents to `verifier_id` now.
Result<bool> HasConsent(CounterStore& store, std::string_view verifier_id, int64_t resident_id);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_VERIFIERS_H_
