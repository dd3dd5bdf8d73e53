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

Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& files, int mode) {
  std::vector<std::string> temps;
  auto cleanup = [&] {
    for (const std::string& t : temps) unlink(t.c_str());
  };
  int sync_fd = -1;
  for (const auto& [path, contents] : files) {
    const std::filesystem::path target(path);
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    std::string tmp = (dir / (target.filename().string() + ".tmpXXXXXX")).string();
    const int fd = mkstemp(tmp.data());
    if (fd < 0) {
      cleanup();
      if (sync_fd >= 0) close(sync_fd);
      return IoError(path, "一時ファイルを作れません (cannot create a temporary file)");
    }
    temps.push_back(tmp);
    bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
    size_t done = 0;
    while (ok && done < contents.size()) {
      const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<size_t>(n);
    }
    if (sync_fd < 0 && ok) {
      sync_fd = fd;  // kept open for syncfs(2)
    } else {
      ok = (close(fd) == 0) && ok;
    }
    if (!ok) {
      cleanup();
      if (sync_fd >= 0) close(sync_fd);
      return IoError(path, "書き込めません (cannot write)");
    }
  }
  if (sync_fd < 0) return {};
  // Every temp file's data on disk before any rename can be.
  if (syncfs(sync_fd) != 0) {
    const Error e = IoError(files.front().first, "ディスクに書けません (syncfs failed)");
    close(sync_fd);
    cleanup();
    return e;
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      const Error e = IoError(files[i].first, "書き込めません (cannot rename into place)");
      for (size_t j = i; j < temps.size(); ++j) unlink(temps[j].c_str());
      close(sync_fd);
      return e;
    }
  }
  const bool synced = syncfs(sync_fd) == 0;  // the renames themselves survive a crash
  close(sync_fd);
  if (!synced) return IoError(files.front().first, "ディスクに書けません (syncfs failed)");
  return {};
}

Status WriteFileAtomically(const std::string& path, const std::string& contents, int mode) {
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  // mkstemp(3) replaces the six trailing 'X' of its template with a unique suffix.
  const std::string unique_suffix(6, 'X');
  std::string tmp = (dir / (target.filename().string() + ".tmp" + unique_suffix)).string();
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return IoError(path, "一時ファイルを作れません (cannot create a temporary file)");
  bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
  size_t done = 0;
  while (ok && done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    const Error e = IoError(path, "書き込めません (cannot write)");
    unlink(tmp.c_str());
    return e;
  }
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);  // the rename itself survives a crash
    close(dfd);
  }
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
