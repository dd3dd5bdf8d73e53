// A certification authority on disk: a folder holding, per CA kind and generation, the
// self-signed certificate (PEM) and where its key is — an encrypted PKCS#8 file (mode 0600)
// or, for a key inside an HSM, a file with the token's URI (no PIN) — and the delegated OCSP
// responder of that generation (certificate + encrypted key file):
//
//   sign-ca-1.crt.pem  sign-ca-1.key.pem | sign-ca-1.key.uri  sign-ocsp-1.crt.pem
//   sign-ocsp-1.key.pem auth-ca-1.crt.pem  …
//
// Key rollover (RollOverCa) adds generation N+1 with the same DN and a new key: certificates
// name their issuer by key identifier (AKI = the generation's SKI), as J-LIS does; older
// generations keep signing CRLs and OCSP answers for what they issued.
//
// `mynacert ca init` creates it; nothing here ever prints or returns a private key in clear.
//
// Thread-safety: functions are independent; two processes must not init one folder at once.
#ifndef MYNACERT_PKI_CA_DIRECTORY_H_
#define MYNACERT_PKI_CA_DIRECTORY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "pki/certificate.h"

namespace mynacert::pki {

struct CaInfo {
  CaKind kind = CaKind::kSign;
  int generation = 1;
  std::string subject;  // RFC 2253 form
  std::string serial_hex;
  std::string not_before;  // "2026-11-22T00:00:00Z"
  std::string not_after;
  std::string sha256_fingerprint;  // "AB:CD:…"
  std::string certificate_path;
};

// The secrets that open the keys: never on a command line, never logged.
struct KeySecrets {
  std::string passphrase;  // encrypts/decrypts the key files (CA keys and OCSP responder keys)
  std::string hsm_pin;     // the HSM token's user PIN, when CA keys live there
};

// CA keys inside an HSM. The pki layer does not load PKCS#11 itself (src/hsm does); it gets
// these two functions. `key_uri` is the token URI with ";key=<label>" appended.
struct HsmBackend {
  std::string token_uri;  // "pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=mynacert"
  std::function<Result<std::unique_ptr<Signer>>(const std::string& key_uri, const std::string& pin)>
      generate;
  std::function<Result<std::unique_ptr<Signer>>(const std::string& key_uri, const std::string& pin)>
      open;
};

// A delegated OCSP responder of one CA generation (RFC 6960 4.2.2.2): a certificate issued by
// that generation with extendedKeyUsage id-kp-OCSPSigning and id-pkix-ocsp-nocheck.
struct OcspResponderKey {
  std::shared_ptr<Signer> signer;
  X509Ptr cert;
};

// Creates generation 1 of both CAs in `dir` (created if missing), with keys in files or, when
// `hsm` is given, generated inside the token. Refuses when `dir` already holds a CA: a CA is
// never overwritten.
Result<std::vector<CaInfo>> InitCaDirectory(const std::string& dir, const KeySecrets& secrets,
                                            TimePoint now, int years = 10,
                                            const HsmBackend* hsm = nullptr);
// Adds the next generation of `kind` (same DN, new key, new OCSP responder).
Result<CaInfo> RollOverCa(const std::string& dir, CaKind kind, const KeySecrets& secrets,
                          TimePoint now, int years = 10, const HsmBackend* hsm = nullptr);
// The CAs found in `dir`, without touching the keys.
Result<std::vector<CaInfo>> DescribeCaDirectory(const std::string& dir);

// Whether the CA releases holds (R-LOST-2). J-LIS never does — its CPS: 一時保留の解除は行わない;
// a found card's held certificates are revoked and new ones issued — so a CA releases none
// unless made with `ca init --releasable-holds` (for verifiers who want to try the other
// behaviour), which writes <dir>/hold-policy.txt: "releasable". No file, or "final": final.
// kInvalidArgument naming hold-policy.txt for any other content (a file edited by hand).
Result<bool> HoldsReleasable(const std::string& dir);
Status SetHoldsReleasable(const std::string& dir, bool releasable);
// The newest generation of `kind` in `dir` (0 when none).
int LatestGeneration(const std::string& dir, CaKind kind);
// Loads one CA generation with its key (a key file is decrypted in memory only; a key in an
// HSM needs `hsm`). Checks that the key matches the certificate.
Result<CaGeneration> LoadCa(const std::string& dir, CaKind kind, int generation,
                            const KeySecrets& secrets, const HsmBackend* hsm = nullptr);
// The certificate of one CA generation, without its key.
Result<X509Ptr> LoadCaCertificate(const std::string& dir, CaKind kind, int generation);
Result<OcspResponderKey> LoadOcspResponder(const std::string& dir, CaKind kind, int generation,
                                           const KeySecrets& secrets);
// The delegated responder's certificate of one generation (its file, no key).
Result<X509Ptr> LoadOcspResponderCertificate(const std::string& dir, CaKind kind, int generation);

// The sandbox's "J-LIS" key that signs the 券面事項 data on the cards (card/card_data.h): an
// RSA-2048 key in card-data.key.pem (encrypted like the CA keys, also when the CA keys are in an
// HSM) and its self-signed certificate card-data.crt.pem, which the service publishes
// (/ca/card-data.crt). Made at the first use, under a lock (card-data.lock) so that two
// processes make one key; a folder from before this key gets it then.
Result<OcspResponderKey> LoadOrCreateCardDataKey(const std::string& dir, const KeySecrets& secrets,
                                                 TimePoint now);
// Its certificate without the key; NotFound before the first card was written.
Result<X509Ptr> LoadCardDataCertificate(const std::string& dir);

// Short-lived responder certificates (Publication::ocsp_responder_days): for every generation
// whose CA is still valid and whose responder certificate has less than half its lifetime left
// (or has expired), issues a new one for the same responder key, valid from `now` for the
// lifetime (never past the CA), and replaces the file atomically; one that outlives the
// lifetime (a folder made before short-lived responders, a lowered setting) too. The key stays: a crash leaves
// either certificate, both match it, and processes sharing the folder (a cluster) may renew at
// once. Needs the CA keys. Returns the generations renewed, as "sign-ocsp-1".
Result<std::vector<std::string>> RenewOcspResponders(const std::string& dir,
                                                     const KeySecrets& secrets, TimePoint now,
                                                     const HsmBackend* hsm = nullptr);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_CA_DIRECTORY_H_
