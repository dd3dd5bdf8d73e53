// CRLs (RFC 5280 section 5) per CA generation: full CRLs and delta CRLs, written as DER
// straight from the store's rows — no OpenSSL object per entry, so a million entries cost one
// pass over the table, one buffer and one signature.
//
//   full   v2, issuer = the CA's DN, thisUpdate/nextUpdate, every revoked or held certificate
//          of that generation (reasonCode unless unspecified), extensions: AKI (the
//          generation's key id), cRLNumber.
//   delta  the same with only what changed since the last full CRL (the base): new
//          revocations and holds with their reason, released holds as removeFromCRL, and the
//          critical deltaCRLIndicator = the base's number. Full and delta CRLs share one
//          number sequence per CA kind (RFC 5280 5.2.3).
//   scope  a partition's CRL (pki/publication.h): only its certificates, the critical
//          issuingDistributionPoint naming exactly what their cRLDistributionPoints name
//          (sign: the municipality's directoryName and the URL; auth: the URL) with
//          onlyContainsUserCerts, and in a full CRL freshestCRL = the partition's delta URL.
//          The delta of a partition is based on that partition's last full CRL. Without a
//          scope: the whole generation, no issuingDistributionPoint (a complete CRL).
//
// Thread-safety: as CaStore (one per thread).
#ifndef MYNACERT_PKI_CRL_H_
#define MYNACERT_PKI_CRL_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"

namespace mynacert::pki {

struct CrlOptions {
  std::chrono::seconds validity{std::chrono::hours(24)};  // nextUpdate - thisUpdate
  bool delta = false;
  std::optional<std::string> scope;  // a partition; none = the whole generation
  std::string actor = "system";
};

struct CrlOutput {
  std::string der;
  CrlRecord record;
};

// Builds, signs and records the next CRL of `ca`. A delta needs a full CRL first.
Result<CrlOutput> GenerateCrl(CaStore& store, const CaGeneration& ca, TimePoint now,
                              const CrlOptions& options);

// The CRLs of several partitions of `ca` at once (`ca crl --partitions`, issue 18): each as
// GenerateCrl with options.scope set to one of `scopes`, all from one snapshot in one
// transaction, signed on `threads` threads. All or nothing: a failure records none.
Result<std::vector<CrlOutput>> GenerateCrls(CaStore& store, const CaGeneration& ca, TimePoint now,
                                            const CrlOptions& options,
                                            const std::vector<std::string>& scopes,
                                            int threads = 1);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_CRL_H_
