// CA keys inside an HSM, through the PKCS#11 API of a module loaded by path (dlopen +
// C_GetFunctionList; tested against SoftHSM2). The key pair is generated inside the token as
// sensitive and non-extractable; signing sends the to-be-signed bytes to the token
// (CKM_SHA256_RSA_PKCS), so the private key never leaves it.
//
// A token is named by our own short URI form, without the PIN:
//   pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=mynacert;key=sign-ca-1
//
// Errors name their field: "module" (cannot load or initialise the module), "token" (no such
// token, no session), "hsm_pin" (empty or wrong PIN), "key" (no such key, duplicate label,
// a token call failed), "hsm" (a malformed URI). Messages are "日本語 (English: CKR_…)" and
// never contain the PIN.
//
// PIN: PKCS#11 keeps one login per token and process, and C_Login on a token that is already
// logged in succeeds without looking at the PIN. So a second signer on a logged-in token is
// checked against a salted SHA-256 digest of the PIN that logged it in (kept in memory, never
// the PIN itself).
//
// Thread-safety: modules are loaded and initialised once per process (C_Initialize with
// CKF_OS_LOCKING_OK) and stay loaded until exit: SoftHSM2 reads SOFTHSM2_CONF only at
// C_Initialize, and a C_Finalize from a static destructor could run after the atexit cleanup of
// the OpenSSL the module itself uses (not tried; the module is simply never unloaded). A signer
// owns one logged-in session (closed by its destructor) and serialises its own Sign calls with a
// mutex.
#ifndef MYNACERT_HSM_PKCS11_H_
#define MYNACERT_HSM_PKCS11_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "pki/openssl.h"
#include "pki/signer.h"

namespace mynacert::hsm {

struct TokenSpec {
  std::string module_path;
  std::string token_label;
  std::string key_label;
  std::string pin;  // never logged, never part of an error
};

// "pkcs11:module=…;token=…[;key=…]". Errors name "hsm".
Result<TokenSpec> ParseTokenUri(std::string_view uri);

// Generates an RSA-2048 key pair inside the token (private half: CKA_SENSITIVE, not
// CKA_EXTRACTABLE, CKA_SIGN). Refuses when a key with that label exists. Returns the public key.
Result<pki::EvpPkeyPtr> GenerateRsaKeyInToken(const TokenSpec& spec);

// A signer over an existing key pair found by CKA_LABEL.
Result<std::unique_ptr<pki::Signer>> OpenPkcs11Signer(const TokenSpec& spec);

}  // namespace mynacert::hsm

#endif  // MYNACERT_HSM_PKCS11_H_
