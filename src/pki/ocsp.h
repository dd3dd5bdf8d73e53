// The OCSP responder's logic (RFC 6960, with the RFC 5019 profile's habits): DER request in,
// DER response out. The HTTP side is src/server/ocsp_http.h.
//
//   * CertIDs hashed with SHA-1 or SHA-256 are matched to a CA generation by issuerNameHash +
//     issuerKeyHash (so rolled-over generations with one DN are told apart by key);
//   * status from the CA store: good, revoked (time + reason; a hold is revoked with reason
//     certificateHold), unknown (not issued by that generation);
//   * signed by the generation's delegated responder (responderID byKey, its certificate
//     included), thisUpdate = now, nextUpdate = now + validity;
//   * a nonce (1.3.6.1.5.5.7.48.1.2) is echoed; such answers are signed per request;
//   * without a nonce, the signed response is cached by request bytes (pre-signing: a repeat
//     costs a hash lookup) and re-signed when the certificate's state changes (Refresh polls
//     the store's event sequence) or when half its validity has passed;
//   * a request that cannot be parsed gets malformedRequest; one that names none of our CAs
//     gets unauthorized. Never an exception, never a crash.
//
// Thread-safety: Respond and Refresh may be called from any number of threads.
#ifndef MYNACERT_PKI_OCSP_H_
#define MYNACERT_PKI_OCSP_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "pki/ca_directory.h"
#include "pki/ca_store.h"

namespace mynacert::pki {

struct OcspIssuer {
  CaKind kind = CaKind::kSign;
  int generation = 1;
  X509Ptr ca_cert;
  OcspResponderKey responder;
};

struct OcspOptions {
  std::chrono::seconds validity{std::chrono::hours(24)};  // nextUpdate - thisUpdate
  size_t max_cached = 1 << 20;
  std::function<TimePoint()> now = [] { return std::chrono::system_clock::now(); };
};

// RFC 6960 OCSPResponseStatus bodies without responseBytes.
std::string_view OcspMalformedRequest();  // 30 03 0A 01 01
std::string_view OcspInternalError();     // 30 03 0A 01 02
std::string_view OcspUnauthorized();      // 30 03 0A 01 06

// producedAt and the first answer's nextUpdate of a DER OCSPResponse (the HTTP caching
// headers of RFC 5019 6.2); nullopt for an error response or one without nextUpdate.
struct OcspTimes {
  int64_t produced_at = 0;
  int64_t next_update = 0;
};
std::optional<OcspTimes> OcspResponseTimes(std::string_view response_der);

// A relying party's OCSP question (RFC 6960): the request for `cert` (issued by `issuer`, CertID
// with SHA-1 as RFC 5019 asks), sent through `transport` (HTTP, or a responder in the same
// process), the answer's signature verified against `issuer` (a delegated responder
// certificate issued by it, or the CA itself), and the certificate's status read from it.
// Errors name `field`: no answer, not successful, not signed by the issuer, no status for the
// certificate in it.
struct OcspVerdict {
  bool unknown = false;                // the responder does not know the certificate
  CertState state = CertState::kGood;  // kGood, kRevoked (with reason), kOnHold
  RevocationReason reason = RevocationReason::kUnspecified;
  int64_t revoked_at = 0;
  int64_t this_update = 0;  // when the responder knew this status to be correct
};
// The first OCSP URL in the certificate's authorityInfoAccess ("" when it names none).
std::string OcspUrl(X509* cert);
using OcspTransport = std::function<Result<std::string>(const std::string& request_der)>;
Result<OcspVerdict> AskOcsp(X509* cert, X509* issuer, const OcspTransport& transport, std::string_view field);

class OcspResponder {
 public:
  static Result<std::unique_ptr<OcspResponder>> Create(std::vector<OcspIssuer> issuers,
                                                       std::unique_ptr<CaStore> store,
                                                       OcspOptions options = {});
  // Loads every CA generation's certificate and responder from a CA folder.
  static Result<std::unique_ptr<OcspResponder>> FromDirectory(const std::string& dir,
                                                              const KeySecrets& secrets,
                                                              std::unique_ptr<CaStore> store,
                                                              OcspOptions options = {});

  std::string Respond(std::string_view request_der);
  // Re-signs the cached answers about certificates whose state changed since the last call;
  // returns how many were re-signed.
  Result<int> Refresh();
  // Keeps the delegated responders' certificates short-lived: renews the due ones in the CA
  // folder `dir` (RenewOcspResponders: needs the CA keys) and answers from then on with
  // whichever certificate the folder holds for each responder key (another process sharing
  // the folder may have renewed it). Cached answers keep the certificate they were signed with,
  // which stays valid past their nextUpdate. Returns the renewed generations ("sign-ocsp-1").
  Result<std::vector<std::string>> RenewResponders(const std::string& dir,
                                                   const KeySecrets& secrets,
                                                   const HsmBackend* hsm = nullptr);
  // When the earliest of the responder certificates ends (Unix seconds).
  int64_t ResponderNotAfter() const;

  struct Stats {
    uint64_t requests = 0, cache_hits = 0, signatures = 0, malformed = 0;
  };
  Stats stats() const;

 private:
  struct ResponderCert {
    std::string der;
    int64_t not_after = 0;  // Unix seconds
  };
  struct Issuer {
    OcspIssuer config;
    std::string name_sha1, key_sha1, name_sha256, key_sha256;
    std::string responder_key_sha1;
    std::shared_ptr<const ResponderCert> responder_cert;  // guarded by responders_mu_
  };
  struct CertRef {
    size_t issuer;
    std::string serial_hex;
  };
  struct Entry {
    std::string response;
    int64_t fresh_until = 0;  // served from the cache before this (Unix seconds)
    std::vector<CertRef> refs;
  };

  OcspResponder(std::vector<Issuer> issuers, std::unique_ptr<CaStore> store, OcspOptions options)
      : issuers_(std::move(issuers)), store_(std::move(store)), options_(std::move(options)) {}
  // Builds and signs the answer (or an error response); `refs` receives the certificates the
  // answer is about; `cacheable` is false for error responses and nonce requests;
  // `fresh_until`, how long a cached copy may be served.
  std::string Build(std::string_view request_der, bool* cacheable, std::vector<CertRef>* refs,
                    int64_t* fresh_until);
  std::shared_ptr<const ResponderCert> ResponderOf(size_t issuer) const;

  std::vector<Issuer> issuers_;
  mutable std::shared_mutex responders_mu_;
  std::mutex store_mu_;
  std::unique_ptr<CaStore> store_;
  int64_t last_seq_ = 0;  // guarded by store_mu_
  OcspOptions options_;
  mutable std::shared_mutex cache_mu_;
  struct BytesHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Entry, BytesHash, std::equal_to<>> cache_;
  std::atomic<uint64_t> requests_{0}, cache_hits_{0}, signatures_{0}, malformed_{0};
};

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_OCSP_H_
