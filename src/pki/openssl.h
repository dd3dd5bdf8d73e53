// RAII ownership of OpenSSL 3 objects, and the error text of OpenSSL's error queue. Only the
// EVP and OSSL_* APIs are used across src/pki (no deprecated RSA_* / low-level calls).
//
// Thread-safety: the wrappers are plain unique_ptrs; OpenSSL 3 objects are not shared.
#ifndef MYNACERT_PKI_OPENSSL_H_
#define MYNACERT_PKI_OPENSSL_H_

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/date.h"
#include "core/result.h"

namespace mynacert::pki {

// A secret (a PIN, a key) that is wiped from memory when it goes out of scope.
class Wiped {
 public:
  explicit Wiped(std::string s) : s_(std::move(s)) {}
  ~Wiped() { OPENSSL_cleanse(s_.data(), s_.size()); }
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  const std::string& get() const { return s_; }

 private:
  std::string s_;
};

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

using EvpPkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using GeneralNamesPtr = OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using CertPoliciesPtr = OpenSslPtr<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>;
using CrlDistPointsPtr = OpenSslPtr<CRL_DIST_POINTS, CRL_DIST_POINTS_free>;
using Asn1BitStringPtr = OpenSslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using BasicConstraintsPtr = OpenSslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;

// The queued OpenSSL errors as one line (and clears the queue); "" when none.
std::string TakeOpenSslErrors();

// PEM text of a certificate / of a public key.
std::string CertificatePem(X509* cert);
std::string PublicKeyPem(EVP_PKEY* key);
// A serial number as upper-case hex without leading zeros (BN_bn2hex): how the CA store,
// `ca show` and OCSP name certificates.
std::string SerialHex(const ASN1_INTEGER* serial);
// DER bytes of a certificate.
std::string CertificateDer(X509* cert);
// DER bytes of a public key: its SubjectPublicKeyInfo (as a card reports a key it generated).
std::string PublicKeyDer(EVP_PKEY* key);
// A name as RFC 2253 text with UTF-8 kept ("CN=…,O=JPKI-MYNACERT,C=JP").
std::string NameText(const X509_NAME* name);
// The day in Japan (JST, UTC+9) of an ASN.1 time: a JPKI notAfter of 14:59:59Z is the last valid
// day, 23:59:59 JST. nullopt when the time does not parse.
std::optional<Date> JstDate(const ASN1_TIME* t);
// Unix seconds of an ASN.1 time (UTCTime or GeneralizedTime); 0 when it cannot be read.
int64_t Asn1Seconds(const ASN1_TIME* t);

// SHA-256 of `bytes` as lower-case hex (64 digits): the stored form of staff session tokens,
// reservation cancel tokens and the audit chain's hashes.
std::string Sha256Hex(std::string_view bytes);
// Whether `signature` is `key`'s over `message` with SHA-256 (PKCS#1 v1.5 for RSA: what the
// card makes); OpenSSL's error queue is left empty.
bool VerifySha256Signature(EVP_PKEY* key, std::string_view message, std::string_view signature);
// `n` bytes from OpenSSL's CSPRNG (RAND_bytes); kInternal when it fails.
Result<std::string> RandomBytes(size_t n);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_OPENSSL_H_
