// PDF signatures (issue 18): PAdES baseline (ETSI EN 319 142-1) around the card's signature,
// and their verification as a relying party does it.
//
// Signing (SignPdf) appends one incremental update to the document (PoDoFo 0.9): an invisible
// signature field on the first page, its signature dictionary (/Filter Adobe.PPKLite,
// /SubFilter ETSI.CAdES.detached, /M the claimed signing time, /Reason) and a /Contents gap
// that receives a detached CMS SignedData (pki/cms.h, `pades`: no signingTime, an ESS
// signing-certificate-v2) over the bytes /ByteRange names: everything but the gap. The card
// signs only the DigestInfo of the signed attributes, as for any CMS signature.
//
// Long-term validation (AddDss, PAdES B-LT's validation data): a second incremental update
// adds the Document Security Store (/DSS in the catalog: /Certs, /OCSPs, /CRLs as streams),
// so that the signature can be checked later, offline, after the certificate has expired or
// the responder is gone. It does not touch the signed revision. B-T (a time-stamp from a TSA)
// is not made: the sandbox runs no time-stamping authority, so the time is the one claimed.
//
// Verifying (VerifyPdf): every signature dictionary of the document; for each, the /ByteRange
// is checked to cover the whole revision it signs except exactly the /Contents string, the
// CMS is verified over those bytes (VerifyCms, the chain at the claimed time /M), and each
// later incremental update is compared with the signed revision object by object: adding a
// DSS (or more signatures) is what a later revision may do; any other object changed is
// reported as a modification after signing.
//
// Thread-safety: pure functions; PoDoFo objects live inside each call.
#ifndef MYNACERT_PKI_PADES_H_
#define MYNACERT_PKI_PADES_H_

#include <sys/resource.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pki/cms.h"

namespace mynacert::pki {

// True when `bytes` start like a PDF file ("%PDF-").
bool LooksLikePdf(std::string_view bytes);

struct PadesSignOptions {
  int64_t signing_time = 0;  // Unix seconds: the /M entry
  std::string reason;        // /Reason, UTF-8 (may be empty)
  std::vector<X509*> extra_certs;
  size_t reserve = 12 * 1024;  // bytes kept for the CMS in /Contents
};
// The signed PDF (the input and one incremental update). kInvalidArgument naming `field` for
// bytes that are not a PDF with a page.
Result<std::string> SignPdf(std::string_view pdf, X509* signer, const DigestInfoSigner& sign,
                            const PadesSignOptions& options, std::string_view field);

// DER each.
struct ValidationData {
  std::vector<std::string> certs, ocsps, crls;
};
// The PDF with one more incremental update: its DSS holding `data` (merged into an existing one).
Result<std::string> AddDss(std::string_view pdf, const ValidationData& data, std::string_view field);

struct PdfSignature {
  std::string field_name;
  std::string sub_filter;
  std::array<int64_t, 4> byte_range{};
  int64_t claimed_time = 0;  // /M, Unix seconds (0: none)
  std::string reason;
  std::string cms;           // /Contents, the zero padding kept (DER reads only what it needs)
  std::string signed_bytes;  // what /ByteRange names
  bool covers_revision = false;  // /ByteRange starts at 0, skips exactly /Contents, ends at %%EOF
  int64_t later_bytes = 0;       // appended after the signed revision
  std::vector<std::string> changed_after;  // objects changed after signing, other than a DSS or signatures
};
struct PdfSignatures {
  std::vector<PdfSignature> signatures;
  ValidationData dss;
};
Result<PdfSignatures> ReadPdfSignatures(std::string_view pdf, std::string_view field);

// ReadPdfSignatures in a child process (fork), so that a document made to crash or exhaust the
// parser — PoDoFo 0.9 overflows its stack on deeply nested dictionaries — takes down only the
// child: the answer is then kInvalidArgument naming `field` ("the parser stopped"). The child
// runs with an address-space and CPU limit and is killed after `wall_seconds`. Safe in a
// multi-threaded process: the child only parses (no lock another thread may hold), writes its
// answer to a pipe and _exits.
struct PdfParseLimits {
  rlim_t memory_bytes = rlim_t{1} << 30;
  int cpu_seconds = 10;
  int wall_seconds = 15;
};
Result<PdfSignatures> ReadPdfSignaturesIsolated(std::string_view pdf, std::string_view field, const PdfParseLimits& limits);

// Each signature verified (in document order), the PDF read by ReadPdfSignaturesIsolated, with a first check `document` (the byte range
// and what changed after signing). `ocsp` as for VerifyCms; when it is null the DSS's OCSP
// answers stand for it. kInvalidArgument naming `field` when the PDF has no signature.
Result<std::vector<CmsReport>> VerifyPdf(std::string_view pdf, std::span<const std::pair<CaKind, X509*>> trust,
                                         const OcspAt& ocsp, int64_t now, std::string_view field);

// A signed document as `mynacert verify` and /api/verify take it: a signed PDF (by its header:
// VerifyPdf, and then `content` must be absent) or a CMS SignedData (VerifyCms, `content` the
// detached content). Errors name `field`, or `content_field` for the content.
struct DocumentReport {
  bool pdf = false;
  bool valid = false;  // every signature valid
  std::vector<CmsReport> signatures;
};
Result<DocumentReport> VerifyDocument(std::string_view bytes, std::optional<std::string_view> content,
                                      std::span<const std::pair<CaKind, X509*>> trust, const OcspAt& ocsp, int64_t now,
                                      std::string_view field, std::string_view content_field);
// CMS: CmsReportJson plus {format: "cms"}; PDF: {format: "pdf", valid, signatures: [CmsReportJson…]}.
nlohmann::json DocumentReportJson(const DocumentReport& report);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_PADES_H_
