// CA private keys at rest: encrypted PKCS#8 (PEM "ENCRYPTED PRIVATE KEY", AES-256-CBC with
// PBKDF2), written atomically (temporary file, fsync, rename) with mode 0600. The passphrase
// comes from a file or an environment variable — never from the command line, where `ps`
// would show it — and is never logged or printed.
//
// Thread-safety: functions are independent.
#ifndef MYNACERT_PKI_KEY_FILE_H_
#define MYNACERT_PKI_KEY_FILE_H_

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "pki/openssl.h"

namespace mynacert::pki {

// `source` is "env:NAME" or "file:PATH" (the first line of the file, without its newline).
// Errors name `field` and never contain the passphrase. A passphrase shorter than 12 bytes is
// refused.
Result<std::string> ReadPassphrase(const std::string& source, const std::string& field);
// The same for any secret (an HSM PIN): env:NAME or file:PATH, at least `min_bytes`.
Result<std::string> ReadSecret(const std::string& source, const std::string& field,
                               size_t min_bytes);

Status SaveEncryptedPrivateKey(EVP_PKEY* key, const std::string& path,
                               const std::string& passphrase);
// A wrong passphrase and a damaged file are both kInvalidArgument naming `path`.
Result<EvpPkeyPtr> LoadEncryptedPrivateKey(const std::string& path, const std::string& passphrase);

// Writes `contents` to `path` atomically with `mode` (temp file in the same folder, fsync,
// rename, fsync of the folder): a crash leaves the old file or the new one, never half of one.
Status WriteFileAtomically(const std::string& path, const std::string& contents, int mode);
// The same for many files at once (a CRL per partition, issue 18): every temp file written,
// one syncfs(2) of their filesystem, every rename, one more syncfs — two waits for the disk
// instead of two per file. Each file is replaced atomically; after a crash some may be new
// and the rest old. The folders must exist and be on one filesystem. Errors name the path.
Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& files, int mode);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_KEY_FILE_H_
