#include "pki/key_file.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mynacert::pki {

namespace {
constexpr size_t kMinPassphrase = 12;

Error IoError(const std::string& path, const std::string& what) {
  return Error{ErrorCode::kFailedPrecondition, path, what + ": " + std::strerror(errno), ""};
}
}  // namespace

Result<std::string> ReadPassphrase(const std::string& source, const std::string& field) {
  return ReadSecret(source, field, kMinPassphrase);
}

Result<std::string> ReadSecret(const std::string& source, const std::string& field,
                               size_t min_bytes) {
  std::string pass;
  if (source.rfind("env:", 0) == 0) {
    const char* v = std::getenv(source.substr(4).c_str());
    if (!v) {
      return InvalidArgument(
          field, "環境変数 " + source.substr(4) + " がありません (environment variable not set)");
    }
    pass = v;
  } else if (source.rfind("file:", 0) == 0) {
    std::ifstream in(source.substr(5));
    if (!in)
      return InvalidArgument(
          field, "パスフレーズのファイルを開けません (cannot open the passphrase file)");
    std::getline(in, pass);
    if (!pass.empty() && pass.back() == '\r') pass.pop_back();
  } else {
    return InvalidArgument(
        field,
        "env:変数名 か file:パス で指定してください (expected env:NAME or file:PATH; "
        "passphrases are never taken from the command line)");
  }
  if (pass.size() < min_bytes) {
    return InvalidArgument(field, "短すぎます: " + std::to_string(min_bytes) +
                                      "バイト以上必要です (too short: at least " +
                                      std::to_string(min_bytes) + " bytes)");
  }
  return pass;
}

namespace {

// A temporary file beside `path` holding `contents` with `mode`, not yet synced: its open
// descriptor and, in *tmp, its name. On an error nothing is left behind.
Result<int> WriteTemp(const std::string& path, const std::string& contents, int mode,
                      std::string* tmp) {
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  // mkstemp(3) replaces the six trailing 'X' of its template with a unique suffix.
  const std::string unique_suffix(6, 'X');
  *tmp = (dir / (target.filename().string() + ".tmp" + unique_suffix)).string();
  const int fd = mkstemp(tmp->data());
  if (fd < 0) return IoError(path, "一時ファイルを作れません (cannot create a temporary file)");
  bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
  size_t done = 0;
  while (ok && done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  if (!ok) {
    const Error e = IoError(path, "書き込めません (cannot write)");
    close(fd);
    unlink(tmp->c_str());
    return e;
  }
  return fd;
}

}  // namespace

Status WriteFileAtomically(const std::string& path, const std::string& contents, int mode) {
  std::string tmp;
  MYNACERT_ASSIGN_OR_RETURN(const int fd, WriteTemp(path, contents, mode, &tmp));
  bool ok = fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    const Error e = IoError(path, "書き込めません (cannot write)");
    unlink(tmp.c_str());
    return e;
  }
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);  // the rename itself survives a crash
    close(dfd);
  }
  return {};
}

Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& files, int mode) {
  std::vector<std::string> temps;
  int sync_fd = -1;  // the first temp file, kept open for syncfs(2)
  auto fail = [&](const Error& e, size_t from) -> Status {
    for (size_t j = from; j < temps.size(); ++j) unlink(temps[j].c_str());
    if (sync_fd >= 0) close(sync_fd);
    return e;
  };
  for (const auto& [path, contents] : files) {
    std::string tmp;
    Result<int> fd = WriteTemp(path, contents, mode, &tmp);
    if (!fd.ok()) return fail(fd.error(), 0);
    temps.push_back(tmp);
    if (sync_fd < 0) {
      sync_fd = *fd;
    } else if (close(*fd) != 0) {
      return fail(IoError(path, "書き込めません (cannot write)"), 0);
    }
  }
  if (sync_fd < 0) return {};
  // Every temp file's data on disk before any rename can be.
  if (syncfs(sync_fd) != 0) {
    return fail(IoError(files.front().first, "ディスクに書けません (syncfs failed)"), 0);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      return fail(IoError(files[i].first, "書き込めません (cannot rename into place)"), i);
    }
  }
  const bool synced = syncfs(sync_fd) == 0;  // the renames themselves survive a crash
  close(sync_fd);
  if (!synced) return IoError(files.front().first, "ディスクに書けません (syncfs failed)");
  return {};
}

Status SaveEncryptedPrivateKey(EVP_PKEY* key, const std::string& path,
                               const std::string& passphrase) {
  if (passphrase.size() < kMinPassphrase) {
    return InvalidArgument("passphrase", "パスフレーズが短すぎます (passphrase too short)");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    return Error{ErrorCode::kInternal, path,
                 "鍵を暗号化できません (cannot encrypt the key): " + TakeOpenSslErrors(), ""};
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return WriteFileAtomically(path, std::string(data, static_cast<size_t>(n)), 0600);
}

Result<EvpPkeyPtr> LoadEncryptedPrivateKey(const std::string& path, const std::string& passphrase) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    TakeOpenSslErrors();
    return NotFound(path, "鍵ファイルを開けません (cannot open the key file)");
  }
  // A non-const copy: the PEM callback API takes void*.
  std::string pass = passphrase;
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass.data());
  OPENSSL_cleanse(pass.data(), pass.size());
  if (!key) {
    TakeOpenSslErrors();  // may mention the cause, never the passphrase; not shown to users
    return InvalidArgument(path,
                           "鍵を復号できません: パスフレーズが違うかファイルが壊れています "
                           "(cannot decrypt: wrong passphrase or damaged file)");
  }
  return EvpPkeyPtr(key);
}

}  // namespace mynacert::pki
