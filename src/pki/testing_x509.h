// Certificates that are not JPKI's, for tests: a verifier's TLS client certificate issued by a
// verifier CA of the test's own (counter/verifiers_test.cc, service/service_test.cc). Made with
// OpenSSL directly, P-256 keys so that making them costs nothing.
#ifndef MYNACERT_PKI_TESTING_X509_H_
#define MYNACERT_PKI_TESTING_X509_H_

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <string>

#include "pki/openssl.h"

namespace mynacert::pki::testing_x509 {

struct TestCert {
  EvpPkeyPtr key;
  X509Ptr cert;
  std::string Pem() const { return CertificatePem(cert.get()); }
};

struct TestCertOptions {
  std::string common_name = "verifier.example";
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  bool ca = false;
  std::string extended_key_usage = "clientAuth";  // "" for none
  long serial = 1;
};

// A certificate of `options`, signed by `issuer` (self-signed when null).
inline TestCert MakeTestCert(const TestCertOptions& options, const TestCert* issuer = nullptr) {
  TestCert out;
  out.key.reset(EVP_EC_gen("P-256"));
  out.cert.reset(X509_new());
  X509* c = out.cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), options.serial);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("mynacert tests"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(options.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer->cert.get()) : name);
  ASN1_TIME_set(X509_getm_notBefore(c), static_cast<time_t>(options.not_before));
  ASN1_TIME_set(X509_getm_notAfter(c), static_cast<time_t>(options.not_after));
  X509_set_pubkey(c, out.key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->cert.get() : c, c, nullptr, nullptr, 0);
  auto add = [&](int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    X509_add_ext(c, ext, -1);
    X509_EXTENSION_free(ext);
  };
  add(NID_basic_constraints, options.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add(NID_key_usage, options.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  if (!options.ca && !options.extended_key_usage.empty()) add(NID_ext_key_usage, options.extended_key_usage);
  X509_sign(c, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

// A verifier CA of the operator's and three client certificates it issued, valid around `now`:
// `login` (registered first), `renewed` (the same subject, later), `other` (never registered).
struct VerifierPki {
  TestCert ca, login, renewed, other;
};
inline VerifierPki MakeVerifierPki(int64_t now) {
  constexpr int64_t kDay = 86400;
  VerifierPki p;
  p.ca = MakeTestCert({.common_name = "Verifier CA", .not_before = now - kDay, .not_after = now + 400 * kDay, .ca = true});
  p.login = MakeTestCert({.common_name = "login.example", .not_before = now - kDay, .not_after = now + 90 * kDay,
                          .serial = 2}, &p.ca);
  p.renewed = MakeTestCert({.common_name = "login.example", .not_before = now - kDay, .not_after = now + 400 * kDay,
                            .serial = 3}, &p.ca);
  p.other = MakeTestCert({.common_name = "other.example", .not_before = now - kDay, .not_after = now + 90 * kDay,
                          .serial = 4}, &p.ca);
  return p;
}

}  // namespace mynacert::pki::testing_x509

#endif  // MYNACERT_PKI_TESTING_X509_H_
