#include "pki/request.h"

#include <openssl/x509.h>

#include <algorithm>
#include <chrono>

namespace mynacert::pki {

EvpPkeyPtr ParseSpkiDer(std::string_view spki_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(spki_der.data());
  return EvpPkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
}

std::string CertificateSpkiDer(std::string_view cert_der) {
  auto cert = ParseCertificateDer(cert_der);
  if (!cert.ok()) return {};
  return PublicKeyDer(X509_get0_pubkey(cert->get()));
}

Result<CertRequest> CardKeyRequest(CaKind kind, EVP_PKEY* public_key, TimePoint now, Date today,
                                   Date last_valid_day, const SignHolder& holder,
                                   std::string_view window_id) {
  CertRequest req;
  req.kind = kind;
  req.public_key = public_key;
  // notBefore: the start of the issue day (JST), never later than now.
  req.not_before = std::min(now, EndOfDayJst(today) - std::chrono::seconds(86399));
  req.last_valid_day = last_valid_day;
  MYNACERT_ASSIGN_OR_RETURN(req.subject_cn, NewSubjectCn(kind, now, window_id));
  if (kind == CaKind::kSign) req.holder = holder;
  return req;
}

}  // namespace mynacert::pki
