// A certification authority on disk: a folder holding, per CA kind and generation, the
// self-signed certificate (PEM) and the encrypted private key (PKCS#8, mode 0600):
//
//   sign-ca-1.crt.pem  sign-ca-1.key.pem  auth-ca-1.crt.pem  auth-ca-1.key.pem
//
// `mynacert ca init` creates it; nothing here ever prints or returns a private key in clear.
//
// Thread-safety: functions are independent; two processes must not init one folder at once.
#ifndef MYNACERT_PKI_CA_DIRECTORY_H_
#define MYNACERT_PKI_CA_DIRECTORY_H_

#include <string>
#include <vector>

#include "core/result.h"
#include "pki/certificate.h"

namespace mynacert::pki {

struct CaInfo {
  CaKind kind = CaKind::kSign;
  int generation = 1;
  std::string subject;  // RFC 2253 form
  std::string serial_hex;
  std::string not_before;  // "2026-11-22T00:00:00Z"
  std::string not_after;
  std::string sha256_fingerprint;  // "AB:CD:…"
  std::string certificate_path;
};

// Creates generation 1 of both CAs in `dir` (created if missing). Refuses when `dir` already
// holds a CA: a CA is never overwritten.
Result<std::vector<CaInfo>> InitCaDirectory(const std::string& dir, const std::string& passphrase,
                                            TimePoint now, int years = 10);
// The CAs found in `dir`, without touching the keys.
Result<std::vector<CaInfo>> DescribeCaDirectory(const std::string& dir);
// Loads one CA generation with its key (the passphrase decrypts it in memory only).
Result<CaGeneration> LoadCa(const std::string& dir, CaKind kind, int generation,
                            const std::string& passphrase);

std::string_view CaKindName(CaKind kind);  // "sign", "auth"

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_CA_DIRECTORY_H_
