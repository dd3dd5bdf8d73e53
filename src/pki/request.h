// What the counter sends to the CA for a key pair generated on a card (counter/execution.h):
// the card reports the public key as a SubjectPublicKeyInfo, the request names the validity,
// a new subject CN and, in a sign certificate only, the holder's personal data (R-CERT-3).
//
// Thread-safety: pure functions.
#ifndef MYNACERT_PKI_REQUEST_H_
#define MYNACERT_PKI_REQUEST_H_

#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "pki/certificate.h"
#include "pki/openssl.h"

namespace mynacert::pki {

// A public key from its SubjectPublicKeyInfo DER (as a card reports a key it generated); null
// when it cannot be read.
EvpPkeyPtr ParseSpkiDer(std::string_view spki_der);
// The SubjectPublicKeyInfo DER of a certificate given as DER: the key it certifies, to find
// the certificate issued for a card's key again. "" when the certificate cannot be read.
std::string CertificateSpkiDer(std::string_view cert_der);

// The request for `public_key` (not owned: the request points to it) issued at `now` on
// `today` (JST): notBefore the start of `today`, never later than `now`; notAfter from
// `last_valid_day`; a new subject CN (NewSubjectCn) naming the counter's `window_id`
// (WindowId); `holder` in a sign certificate only, an auth certificate carries no personal data.
Result<CertRequest> CardKeyRequest(CaKind kind, EVP_PKEY* public_key, TimePoint now, Date today,
                                   Date last_valid_day, const SignHolder& holder,
                                   std::string_view window_id);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_REQUEST_H_
