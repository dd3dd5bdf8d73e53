// Where a CA key lives and signs. The CA code never touches a private key: it hands the bytes
// to be signed (a TBSCertificate, a TBSCertList, an OCSP ResponseData) to a Signer and gets the
// signature back. Two implementations:
//
//   KeyFileSigner  an encrypted PKCS#8 key file, decrypted into this process (key_file.h).
//   Pkcs11Signer   a key inside an HSM, reached through a PKCS#11 module loaded by path
//                  (src/hsm/; tested against SoftHSM2). The key never leaves the token.
//
// Every signature is sha256WithRSAEncryption (PKCS#1 v1.5 over SHA-256), as in JPKI.
//
// Thread-safety: a Signer may be called from several threads at once; implementations
// serialise internally where their backend needs it.
#ifndef MYNACERT_PKI_SIGNER_H_
#define MYNACERT_PKI_SIGNER_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "pki/openssl.h"

namespace mynacert::pki {

class Signer {
 public:
  virtual ~Signer() = default;
  // The RSA signature (PKCS#1 v1.5, SHA-256) over `data` — the whole to-be-signed DER, the
  // signer hashes it.
  virtual Result<std::string> Sign(std::string_view data) = 0;
  // PKCS#1 v1.5 type 1 over a DigestInfo the caller built (nothing hashed here): for records
  // whose DigestInfo is not one digest of the data, as the card face's (card/card_face.h).
  virtual Result<std::string> SignDigestInfo(std::string_view digest_info) = 0;
  // The public half (owned by the signer, valid as long as it lives).
  virtual EVP_PKEY* public_key() const = 0;
  // "key file", "PKCS#11 token 'mynacert' key 'sign-ca-1'": for logs, never secret.
  virtual std::string Describe() const = 0;
};

// A signer over a private key held in this process.
std::unique_ptr<Signer> MakeKeySigner(EvpPkeyPtr private_key, std::string description);

// DER of the AlgorithmIdentifier sha256WithRSAEncryption with NULL parameters.
std::string_view Sha256WithRsaAlgorithmDer();

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_SIGNER_H_
