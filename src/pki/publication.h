// Where a CA publishes what relying parties need (issue 18): its public base URL, and from it
// every URL a certificate or CRL names, so that a verifier holding only a certificate finds
// its status (RFC 5280 4.2.1.13, 4.2.1.15, 4.2.2.1; RFC 6960):
//
//   <base>/ocsp                                   OCSP (POST, and GET per RFC 5019)
//   <base>/ca/<kind>/g<N>.crt                     the issuing CA generation (caIssuers)
//   <base>/crl/<kind>/g<N>/<scope>.crl            a partition's full CRL
//   <base>/crl/<kind>/g<N>/<scope>.delta.crl      its delta CRL (freshestCRL)
//   <base>/cps                                    the certification practice statement
//
// CRL partitions (scopes). Sign certificates: one per municipality, as J-LIS's distribution
// point directoryName names it (OU=<prefecture>, CN=<municipality>): scope
// "<prefecture>/<municipality>", e.g. "Kanagawa-ken/Yokohama-shi". Auth certificates carry no
// municipality, so they are partitioned by serial: the scope is the last hex digit of the
// serial ("0".."F"), 16 partitions a verifier can compute from the certificate alone and that
// stay even as certificates are issued (the serials are random).
//
// The folder's publication.conf ("url = …", "policy = test|production") holds the base URL and
// the policy OIDs; without it the URL is http://127.0.0.1:8080 (scripts/start.sh) and the
// policy is `test`: the arc J-LIS's own test environment uses (1.2.392.200149.8.5.1.0.x),
// so no sandbox certificate claims J-LIS's production policy. `production` writes the real
// OIDs for applications that check them (jpki-facts A3, A5).
//
// Thread-safety: functions are independent.
#ifndef MYNACERT_PKI_PUBLICATION_H_
#define MYNACERT_PKI_PUBLICATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mynacert::pki {

enum class CaKind;

enum class PolicyArc { kTest, kProduction };

struct Publication {
  std::string base_url = "http://127.0.0.1:8080";  // no trailing '/'
  PolicyArc policy = PolicyArc::kTest;
  // How long a delegated OCSP responder certificate lives (1-366 days). The service and
  // `ca ocsp-serve` issue a new one, for the same responder key, when less than half is left
  // (RenewOcspResponders, ca_directory.h), so a stolen responder key is good for days, not for
  // the CA's ten years. RFC 6960 4.2.2.2.1 leaves revocation checking of the responder to its
  // lifetime when it carries id-pkix-ocsp-nocheck, as ours do.
  int ocsp_responder_days = 7;
  // Who may read revocation status (R-VER-1): false (`status_access = public`, the default of
  // a sandbox) — anyone fetches the CRLs and asks OCSP; true (`restricted`, as J-LIS does) —
  // only registered verifiers, with their API key, and each only for its kinds. The CA
  // certificates and the CPS stay public.
  bool status_restricted = false;

  std::string OcspUrl() const;
  std::string CaIssuersUrl(CaKind kind, int generation) const;
  std::string CrlUrl(CaKind kind, int generation, std::string_view scope, bool delta) const;
  std::string CpsUrl() const;
  const char* PolicyOid(CaKind kind) const;
};

inline constexpr const char* kPublicationFile = "publication.conf";

// Reads <dir>/publication.conf (defaults when absent). A hand-edited file with an unknown key,
// a bad URL or policy: kInvalidArgument naming the file and the line.
Result<Publication> LoadPublication(const std::string& dir);
// Writes it atomically (mode 0600). Checks the URL first (CheckBaseUrl; the error names `url`,
// the file's key — the CLI checks its --public-url itself before).
Status SavePublication(const std::string& dir, const Publication& publication);
// http:// or https://, a host, an optional port and path, no query, fragment, spaces or
// trailing '/'; kInvalidArgument naming `field`.
Status CheckBaseUrl(std::string_view url, std::string_view field);

// The CRL partition of a certificate (see above). Sign: "<prefecture>/<municipality>";
// auth: the last hex digit of the serial, upper case.
std::string SignCrlScope(std::string_view prefecture_en, std::string_view municipality_en);
std::string AuthCrlScope(std::string_view serial_hex);

// A CRL path under /crl/ ("sign/g1/Kanagawa-ken/Yokohama-shi.delta.crl"), parsed; nullopt when
// it is not one this layout names.
struct CrlPath {
  CaKind kind;
  int generation = 1;
  std::string scope;
  bool delta = false;
};
std::optional<CrlPath> ParseCrlPath(std::string_view path);

// RFC 3986 path segment: unreserved characters kept, others %XX (UTF-8 bytes).
std::string EscapePathSegment(std::string_view text);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_PUBLICATION_H_
