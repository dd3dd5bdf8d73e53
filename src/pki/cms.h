// Signed documents (issue 18): CMS SignedData (RFC 5652; PKCS #7 v1.5 compatible, version 1,
// issuerAndSerialNumber) assembled around a signature the card makes, and its verification as
// a relying party does it.
//
// Signing: the card holds the key and signs only a DigestInfo (PKCS#1 v1.5 padding is the
// card's, as OpenSC has the JPKI card sign). SignCms builds the signed attributes
// (contentType data, signingTime, messageDigest SHA-256 of the content), hands the DigestInfo
// of their DER SET to `sign` — the card, over PC/SC or a card file — and puts the answer into
// the SignerInfo. Detached (the content travels separately, `.p7s`) or attached (`.p7m`).
//
// Verifying (VerifyCms): the signature over the signed attributes with the signer
// certificate's key and the messageDigest against the content; the chain to one of `trust`
// at the signing time the attributes state; the certificate's status now by OCSP (the URL in
// its authorityInfoAccess, through `ocsp`). Every check is reported, with a reason in
// Japanese and English for the one that failed.
//
// Thread-safety: pure functions (the callbacks are the caller's).
#ifndef MYNACERT_PKI_CMS_H_
#define MYNACERT_PKI_CMS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "pki/ca_store.h"
#include "pki/ocsp.h"
#include "pki/openssl.h"

namespace mynacert::pki {

// Signs a DER DigestInfo (SHA-256) with the signer's key: PKCS#1 v1.5, the raw signature.
using DigestInfoSigner = std::function<Result<std::string>(std::string_view digest_info)>;

// The DigestInfo of a SHA-256 digest of `message` (what a card is given to sign).
std::string Sha256DigestInfo(std::string_view message);

struct CmsSignOptions {
  bool detached = true;
  int64_t signing_time = 0;  // Unix seconds, the signingTime attribute
  // Certificates carried besides the signer's (its CA, for a verifier without it).
  std::vector<X509*> extra_certs;
  // CAdES as PAdES baseline wants it (ETSI EN 319 142-1 5.2): no signingTime (the claimed time
  // is the PDF signature dictionary's /M), and an ESS signing-certificate-v2 attribute binding
  // the signer's certificate (SHA-256 of it, with its issuer and serial).
  bool pades = false;
};
// ContentInfo (DER). Errors name `field` when the card refuses or OpenSSL fails.
Result<std::string> SignCms(std::string_view content, X509* signer, const DigestInfoSigner& sign,
                            const CmsSignOptions& options, std::string_view field);

struct CmsCheck {
  std::string name;  // content | signature | signer_certificate | chain | revocation (| document for a PDF)
  bool ok = false;
  std::string ja, en;  // what was found
};
struct CmsReport {
  bool valid = false;  // every check passed
  std::vector<CmsCheck> checks;
  std::string signer_subject, signer_serial;
  std::optional<CaKind> kind;  // the CA in `trust` the chain ends at
  int64_t signing_time = 0;
  std::optional<OcspVerdict> status;
  std::string content;  // the signed content (attached, or the detached one given)
};

// {valid, signer, serial, kind, signing_time, checks: [{check, ok, ja, en}]}: what `mynacert
// verify --json` prints and /api/verify answers, for each signature.
nlohmann::json CmsReportJson(const CmsReport& report);

// `content`: the detached content (nullopt for an attached signature). `trust`: the CA
// certificates (any generation) with their kinds. `ocsp`: asks the URL of the certificate's
// AIA (`url`, the request DER) and returns the answer; nullptr skips the revocation check
// (reported as not done). kInvalidArgument naming `field` for bytes that are not a SignedData
// with one signer; a failed check is not an error: it is in the report.
using OcspAt = std::function<Result<std::string>(const std::string& url, const std::string& request_der)>;
struct CmsVerifyOptions {
  // The time to check the chain at when the signed attributes state none: PAdES's claimed
  // signing time, the signature dictionary's /M (0: none, the chain check fails).
  int64_t claimed_time = 0;
  // OCSP answers carried with the signature (a PDF's DSS, for long-term validation): when
  // `ocsp` is null, the revocation check uses the first of them that is signed for the
  // certificate's CA and names the certificate.
  std::vector<std::string> embedded_ocsp;
};
Result<CmsReport> VerifyCms(std::string_view cms_der, std::optional<std::string_view> content,
                            std::span<const std::pair<CaKind, X509*>> trust, const OcspAt& ocsp, int64_t now,
                            std::string_view field, const CmsVerifyOptions& options = {});

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_CMS_H_
