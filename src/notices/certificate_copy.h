// 電子証明書の写し (R-PROC-11, seed 002): on request, the holder gets a printed copy of a
// certificate at issuance, with the name, the address and the last valid day, to look up later
// when the certificate expires ("電子証明書に記録された住所や氏名、有効期間満了日が記載されています").
//
// Two steps, so the web UI (GET /api/residents/{id}/certificate-copy?kind=auth|sign, docs/api.md)
// and the CLI (`mynacert certificate-copy`) print the same page:
//
//   CertificateCopyFor   what is printed, from the counter's records and the certificate the CA
//                        store holds (DER) for the resident's active certificate of a kind;
//   RenderCertificateCopy  an A4 page as PDF bytes (cairo + pango, Noto CJK, as the letters).
//
// What a copy holds (jpki-facts.md A3/A5): the sign certificate's personal data is read from
// the certificate itself (subjectAltName otherNames: name, birth date, sex, address), so the copy
// shows what is recorded in it; the auth certificate records no personal data (subject
// C=JP, CN=<opaque id>), so its copy names the holder from the residence record and shows no
// address, birth date or sex. Never a PIN or a key.
//
// Thread-safety: functions are independent; the stores passed in follow their own rules (one
// per thread). RenderCertificateCopy keeps one font context per thread.
#ifndef MYNACERT_NOTICES_CERTIFICATE_COPY_H_
#define MYNACERT_NOTICES_CERTIFICATE_COPY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "counter/workspace.h"
#include "pki/ca_store.h"
#include "profiles/loader.h"

namespace mynacert::notices {

// Everything printed on a copy; no PIN, no key.
struct CertificateCopy {
  std::string kind;        // "auth" (利用者証明用電子証明書) | "sign" (署名用電子証明書)
  std::string serial_hex;  // upper-case hex, as the CA store and `ca get` name it
  std::string name;        // 氏名: sign — as recorded in the certificate; auth — the registry's
  std::string address;     // 住所: sign only ("" for auth)
  Date birth;              // 生年月日: sign only
  int sex = 0;             // 性別 1 男, 2 女, 9 適用不能: sign only (0 for auth)
  Date issued;             // 発行日: the issue day the counter recorded
  Date last_valid_day;     // 有効期間満了日: the certificate's notAfter as a JST day
  std::string subject_dn, issuer_dn;  // RFC 2253
  std::string sha256_fingerprint;     // of the certificate's DER: "AB:CD:…" (95 characters)
  std::string municipality_ja;        // the issuing municipality: "山形市"
  std::string municipality_en;        // "Yamagata City"
  Date printed_on;
};

// "利用者証明用電子証明書" / "署名用電子証明書"; "" for another kind.
std::string_view CertificateKindJa(std::string_view kind);

// The copy of `resident_id`'s active certificate of `kind` ("auth" | "sign") on `today`.
//
// Errors:
//   kInvalidArgument, field "kind"     kind is neither "auth" nor "sign";
//   kNotFound, field "resident"        no such resident;
//   kNotFound, field "kind"            no active certificate of that kind: no active card, none
//                                      issued (a sign cert under 15, R-CERT-4), superseded,
//                                      revoked (R-CERT-5) — in the counter's records or in the
//                                      CA store (a revocation not yet recorded at the counter) —
//                                      or past its last valid day;
//   kFailedPrecondition, field "ca"    `ca` is null or does not hold the certificate;
//   kInternal                          the certificate does not parse or contradicts the record.
// `ca` may be null (a workspace that never created its CA has issued nothing).
Result<CertificateCopy> CertificateCopyFor(counter::CounterStore& store, pki::CaStore* ca,
                                           const profiles::Registry& profiles,
                                           int64_t resident_id, std::string_view kind, Date today);
// The same over a workspace: its CA store, or — opened without the secrets — <home>/ca/ca.db
// read for this call (reading a certificate needs no key).
Result<CertificateCopy> CertificateCopyFor(counter::Workspace& ws, int64_t resident_id,
                                           std::string_view kind, Date today);

// One A4 page as PDF bytes (the notes go on a second page only when a very long name and a
// 200-character address leave no room above the footer). Fails (kFailedPrecondition, "fonts") without Noto CJK JP, and
// (kInvalidArgument, "kind") for a kind other than auth/sign.
//
// Measured (2 shared cores): about 1.0 MB and 0.10–0.14 s per page. Nearly all of it is the
// Noto Sans CJK JP Regular subset: cairo 1.16's CFF subsetter keeps all of a face's
// subroutines (~870 KB) for some glyph combinations — three characters suffice ("ぎ続き", or
// "KL丁", each alone a 873 KB PDF) — and any real copy hits one. The letters (pdf.h) share it.
Result<std::string> RenderCertificateCopy(const CertificateCopy& copy);

// Appends the audit record `certificate_copy` (clerk, resident, kind, serial, print date) to the
// counter's hash-chained log, in a transaction of its own. The UI and the CLI call it once the
// PDF was produced.
Status RecordCertificateCopy(counter::CounterStore& store, int64_t resident_id,
                             const CertificateCopy& copy, std::string_view clerk, int64_t at);

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_CERTIFICATE_COPY_H_
