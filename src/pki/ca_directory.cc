#include "pki/ca_directory.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "pki/key_file.h"

namespace mynacert::pki {

namespace fs = std::filesystem;

namespace {

std::string BaseName(CaKind kind, int generation) {
  return std::string(CaKindName(kind)) + "-ca-" + std::to_string(generation);
}

std::string OcspBaseName(CaKind kind, int generation) {
  return std::string(CaKindName(kind)) + "-ocsp-" + std::to_string(generation);
}

TimePoint TimeFromAsn1(const ASN1_TIME* t) {
  return TimePoint(std::chrono::seconds(Asn1Seconds(t)));
}

std::string Asn1TimeIso(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

CaInfo Describe(X509* cert, CaKind kind, int generation, const std::string& path) {
  CaInfo info;
  info.kind = kind;
  info.generation = generation;
  info.certificate_path = path;
  info.subject = NameText(X509_get_subject_name(cert));
  info.serial_hex = SerialHex(X509_get0_serialNumber(cert));
  info.not_before = Asn1TimeIso(X509_get0_notBefore(cert));
  info.not_after = Asn1TimeIso(X509_get0_notAfter(cert));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  for (unsigned int i = 0; i < len; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%s%02X", i ? ":" : "", md[i]);
    info.sha256_fingerprint += b;
  }
  return info;
}

Result<X509Ptr> ReadCertificate(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    TakeOpenSslErrors();
    return InvalidArgument(path, "証明書を読めません (cannot read the certificate)");
  }
  return cert;
}

// A responder certificate issued at `now`: `days` later, never past its CA.
TimePoint ResponderNotAfter(const CaGeneration& ca, TimePoint now, int days) {
  return std::min(now + std::chrono::hours(24 * days),
                  TimeFromAsn1(X509_get0_notAfter(ca.cert.get())));
}

// Where a new generation's key goes: generated inside the HSM (the file records its URI) or
// generated here and written encrypted.
Result<std::shared_ptr<Signer>> NewCaKey(const std::string& base, const KeySecrets& secrets,
                                         const HsmBackend* hsm, const std::string& label) {
  if (hsm != nullptr) {
    const std::string key_uri = hsm->token_uri + ";key=" + label;
    MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<Signer> signer,
                              hsm->generate(key_uri, secrets.hsm_pin));
    MYNACERT_RETURN_IF_ERROR(WriteFileAtomically(base + ".key.uri", key_uri + "\n", 0644));
    return std::shared_ptr<Signer>(std::move(signer));
  }
  MYNACERT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateRsaKey(2048));
  MYNACERT_RETURN_IF_ERROR(
      SaveEncryptedPrivateKey(key.get(), base + ".key.pem", secrets.passphrase));
  return std::shared_ptr<Signer>(MakeKeySigner(std::move(key), "key file " + base + ".key.pem"));
}

Status CreateGeneration(const std::string& dir, CaKind kind, int generation,
                        const KeySecrets& secrets, TimePoint now, int years,
                        const HsmBackend* hsm) {
  const std::string base = (fs::path(dir) / BaseName(kind, generation)).string();
  // The key first: a certificate without its key would be a CA that cannot sign.
  MYNACERT_ASSIGN_OR_RETURN(std::shared_ptr<Signer> signer,
                            NewCaKey(base, secrets, hsm, BaseName(kind, generation)));
  MYNACERT_ASSIGN_OR_RETURN(CaGeneration ca,
                            CreateRootCa(kind, generation, std::move(signer), now, years));
  // The delegated OCSP responder, short-lived (RenewOcspResponders keeps it fresh).
  const std::string ocsp_base = (fs::path(dir) / OcspBaseName(kind, generation)).string();
  MYNACERT_ASSIGN_OR_RETURN(const Publication publication, LoadPublication(dir));
  MYNACERT_ASSIGN_OR_RETURN(EvpPkeyPtr ocsp_key, GenerateRsaKey(2048));
  MYNACERT_ASSIGN_OR_RETURN(X509Ptr ocsp_cert,
                            IssueOcspResponderCertificate(
                                ca, ocsp_key.get(), now,
                                ResponderNotAfter(ca, now, publication.ocsp_responder_days)));
  MYNACERT_RETURN_IF_ERROR(
      SaveEncryptedPrivateKey(ocsp_key.get(), ocsp_base + ".key.pem", secrets.passphrase));
  MYNACERT_RETURN_IF_ERROR(
      WriteFileAtomically(ocsp_base + ".crt.pem", CertificatePem(ocsp_cert.get()), 0644));
  // The CA certificate last: its presence is what makes the generation exist.
  return WriteFileAtomically(base + ".crt.pem", CertificatePem(ca.cert.get()), 0644);
}

}  // namespace

Result<std::vector<CaInfo>> InitCaDirectory(const std::string& dir, const KeySecrets& secrets,
                                            TimePoint now, int years, const HsmBackend* hsm) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Error{ErrorCode::kFailedPrecondition, dir,
                 "フォルダを作れません (cannot create): " + ec.message(), ""};
  auto existing = DescribeCaDirectory(dir);
  if (existing.ok() && !existing->empty()) {
    return Error{
        ErrorCode::kFailedPrecondition, dir,
        "既に認証局があります。上書きしません (a CA already exists here; it is never overwritten)",
        ""};
  }
  for (CaKind kind : {CaKind::kSign, CaKind::kAuth}) {
    MYNACERT_RETURN_IF_ERROR(CreateGeneration(dir, kind, 1, secrets, now, years, hsm));
  }
  return DescribeCaDirectory(dir);
}

Result<CaInfo> RollOverCa(const std::string& dir, CaKind kind, const KeySecrets& secrets,
                          TimePoint now, int years, const HsmBackend* hsm) {
  const int latest = LatestGeneration(dir, kind);
  if (latest == 0) return NotFound(dir, "認証局がありません (no CA here; run ca init first)");
  MYNACERT_RETURN_IF_ERROR(CreateGeneration(dir, kind, latest + 1, secrets, now, years, hsm));
  const std::string path = (fs::path(dir) / (BaseName(kind, latest + 1) + ".crt.pem")).string();
  MYNACERT_ASSIGN_OR_RETURN(X509Ptr cert, ReadCertificate(path));
  return Describe(cert.get(), kind, latest + 1, path);
}

int LatestGeneration(const std::string& dir, CaKind kind) {
  std::error_code ec;
  int g = 0;
  while (fs::exists(fs::path(dir) / (BaseName(kind, g + 1) + ".crt.pem"), ec)) ++g;
  return g;
}

Result<std::vector<CaInfo>> DescribeCaDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return NotFound(dir, "認証局のフォルダがありません (no such CA folder)");
  std::vector<CaInfo> out;
  for (CaKind kind : {CaKind::kSign, CaKind::kAuth}) {
    for (int g = 1; g <= LatestGeneration(dir, kind); ++g) {
      const std::string path = (fs::path(dir) / (BaseName(kind, g) + ".crt.pem")).string();
      MYNACERT_ASSIGN_OR_RETURN(X509Ptr cert, ReadCertificate(path));
      out.push_back(Describe(cert.get(), kind, g, path));
    }
  }
  return out;
}

Result<X509Ptr> LoadCaCertificate(const std::string& dir, CaKind kind, int generation) {
  return ReadCertificate((fs::path(dir) / (BaseName(kind, generation) + ".crt.pem")).string());
}

Result<CaGeneration> LoadCa(const std::string& dir, CaKind kind, int generation,
                            const KeySecrets& secrets, const HsmBackend* hsm) {
  const std::string base = (fs::path(dir) / BaseName(kind, generation)).string();
  CaGeneration ca;
  ca.kind = kind;
  ca.generation = generation;
  MYNACERT_ASSIGN_OR_RETURN(ca.cert, ReadCertificate(base + ".crt.pem"));
  MYNACERT_ASSIGN_OR_RETURN(ca.publication, LoadPublication(dir));
  std::error_code ec;
  std::string key_path = base + ".key.pem";
  if (fs::exists(base + ".key.uri", ec)) {
    key_path = base + ".key.uri";
    if (hsm == nullptr) {
      return Error{
          ErrorCode::kFailedPrecondition, key_path,
          "この認証局の鍵は HSM にあります。--hsm-pin を指定してください (the key is in an "
          "HSM; give --hsm-pin)",
          ""};
    }
    std::ifstream in(key_path);
    std::string uri;
    std::getline(in, uri);
    MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<Signer> signer, hsm->open(uri, secrets.hsm_pin));
    ca.signer = std::move(signer);
  } else {
    MYNACERT_ASSIGN_OR_RETURN(EvpPkeyPtr key,
                              LoadEncryptedPrivateKey(key_path, secrets.passphrase));
    ca.signer = MakeKeySigner(std::move(key), "key file " + key_path);
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(ca.cert.get()), ca.signer->public_key()) != 1) {
    TakeOpenSslErrors();
    return InvalidArgument(key_path,
                           "鍵が証明書と一致しません (the key does not match the certificate)");
  }
  return ca;
}

namespace {
// A key file and its certificate (<base>.key.pem, <base>.crt.pem), checked to match.
Result<OcspResponderKey> LoadKeyPair(const std::string& base, const KeySecrets& secrets) {
  OcspResponderKey out;
  MYNACERT_ASSIGN_OR_RETURN(out.cert, ReadCertificate(base + ".crt.pem"));
  MYNACERT_ASSIGN_OR_RETURN(EvpPkeyPtr key,
                            LoadEncryptedPrivateKey(base + ".key.pem", secrets.passphrase));
  if (EVP_PKEY_eq(X509_get0_pubkey(out.cert.get()), key.get()) != 1) {
    TakeOpenSslErrors();
    return InvalidArgument(base + ".key.pem",
                           "鍵が証明書と一致しません (the key does not match the certificate)");
  }
  out.signer = MakeKeySigner(std::move(key), "key file " + base + ".key.pem");
  return out;
}
}  // namespace

Result<OcspResponderKey> LoadOcspResponder(const std::string& dir, CaKind kind, int generation,
                                           const KeySecrets& secrets) {
  return LoadKeyPair((fs::path(dir) / OcspBaseName(kind, generation)).string(), secrets);
}

Result<OcspResponderKey> LoadOrCreateCardDataKey(const std::string& dir, const KeySecrets& secrets,
                                                 TimePoint now) {
  const std::string base = (fs::path(dir) / "card-data").string();
  const std::string lock_path = base + ".lock";
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return InvalidArgument("ca_dir", "認証局のフォルダに書けません (cannot write " + lock_path + ")");
  struct Closer {
    int fd;
    ~Closer() { close(fd); }  // releases the lock
  } closer{fd};
  int r;
  do {
    r = flock(fd, LOCK_EX);
  } while (r != 0 && errno == EINTR);
  std::error_code ec;
  if (!fs::exists(base + ".crt.pem", ec)) {
    MYNACERT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateRsaKey(2048));
    MYNACERT_RETURN_IF_ERROR(SaveEncryptedPrivateKey(key.get(), base + ".key.pem", secrets.passphrase));
    std::unique_ptr<Signer> signer = MakeKeySigner(std::move(key), "key file " + base + ".key.pem");
    MYNACERT_ASSIGN_OR_RETURN(X509Ptr cert, CreateCardDataCertificate(*signer, now));
    // The certificate last: its presence says the pair is complete.
    MYNACERT_RETURN_IF_ERROR(WriteFileAtomically(base + ".crt.pem", CertificatePem(cert.get()), 0644));
  }
  return LoadKeyPair(base, secrets);
}

Result<X509Ptr> LoadCardDataCertificate(const std::string& dir) {
  const std::string path = (fs::path(dir) / "card-data.crt.pem").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return NotFound("ca_dir", "券面事項の署名鍵はまだありません (no card data key yet: " + path + ")");
  }
  return ReadCertificate(path);
}

Result<X509Ptr> LoadOcspResponderCertificate(const std::string& dir, CaKind kind, int generation) {
  return ReadCertificate((fs::path(dir) / (OcspBaseName(kind, generation) + ".crt.pem")).string());
}

Result<std::vector<std::string>> RenewOcspResponders(const std::string& dir,
                                                     const KeySecrets& secrets, TimePoint now,
                                                     const HsmBackend* hsm) {
  MYNACERT_ASSIGN_OR_RETURN(const Publication publication, LoadPublication(dir));
  const auto lifetime = std::chrono::hours(24 * publication.ocsp_responder_days);
  std::vector<std::string> renewed;
  for (CaKind kind : {CaKind::kSign, CaKind::kAuth}) {
    for (int g = 1; g <= LatestGeneration(dir, kind); ++g) {
      MYNACERT_ASSIGN_OR_RETURN(X509Ptr ca_cert, LoadCaCertificate(dir, kind, g));
      const TimePoint ca_end = TimeFromAsn1(X509_get0_notAfter(ca_cert.get()));
      if (ca_end <= now) continue;  // an expired generation answers no more
      MYNACERT_ASSIGN_OR_RETURN(X509Ptr current, LoadOcspResponderCertificate(dir, kind, g));
      const TimePoint end = TimeFromAsn1(X509_get0_notAfter(current.get()));
      // Due: less than half the lifetime left (unless it already reaches the CA's end), or
      // longer than the lifetime (a folder from before short-lived responders, or the setting
      // lowered by hand).
      const bool expiring = end - now <= lifetime / 2 && end < ca_end;
      const bool too_long = end - now > lifetime + std::chrono::hours(1);
      if (!expiring && !too_long) continue;
      MYNACERT_ASSIGN_OR_RETURN(const CaGeneration ca, LoadCa(dir, kind, g, secrets, hsm));
      MYNACERT_ASSIGN_OR_RETURN(const OcspResponderKey key, LoadOcspResponder(dir, kind, g, secrets));
      MYNACERT_ASSIGN_OR_RETURN(
          X509Ptr fresh,
          IssueOcspResponderCertificate(ca, key.signer->public_key(), now,
                                        ResponderNotAfter(ca, now, publication.ocsp_responder_days)));
      const std::string base = OcspBaseName(kind, g);
      MYNACERT_RETURN_IF_ERROR(WriteFileAtomically((fs::path(dir) / (base + ".crt.pem")).string(),
                                                   CertificatePem(fresh.get()), 0644));
      renewed.push_back(base);
    }
  }
  return renewed;
}

Result<bool> HoldsReleasable(const std::string& dir) {
  const std::filesystem::path file = std::filesystem::path(dir) / "hold-policy.txt";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return false;
  std::ifstream in(file);
  std::string word;
  in >> word;
  if (word == "releasable") return true;
  if (word == "final") return false;
  return InvalidArgument(file.string(), "一時保留の方針は final か releasable です (expected final or releasable)");
}

Status SetHoldsReleasable(const std::string& dir, bool releasable) {
  const std::filesystem::path file = std::filesystem::path(dir) / "hold-policy.txt";
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << (releasable ? "releasable" : "final") << "\n";
    out.flush();
    if (!out) return Error{ErrorCode::kInternal, file.string(), "書き込めません (cannot write)", ""};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) return Error{ErrorCode::kInternal, file.string(), ec.message(), ""};
  return {};
}

}  // namespace mynacert::pki
