#include "pki/ca_directory.h"

#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "pki/key_file.h"

namespace mynacert::pki {

namespace fs = std::filesystem;

std::string_view CaKindName(CaKind kind) { return kind == CaKind::kSign ? "sign" : "auth"; }

namespace {

std::string BaseName(CaKind kind, int generation) {
  return std::string(CaKindName(kind)) + "-ca-" + std::to_string(generation);
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
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  info.subject.assign(data, static_cast<size_t>(n));
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  char* hex = BN_bn2hex(bn.get());
  info.serial_hex = hex;
  OPENSSL_free(hex);
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

}  // namespace

Result<std::vector<CaInfo>> InitCaDirectory(const std::string& dir, const std::string& passphrase,
                                            TimePoint now, int years) {
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
  std::vector<CaInfo> out;
  for (CaKind kind : {CaKind::kSign, CaKind::kAuth}) {
    MYNACERT_ASSIGN_OR_RETURN(CaGeneration ca, CreateRootCa(kind, 1, now, years));
    const std::string base = (fs::path(dir) / BaseName(kind, 1)).string();
    // The key first: a certificate without its key would be a CA that cannot sign.
    MYNACERT_RETURN_IF_ERROR(SaveEncryptedPrivateKey(ca.key.get(), base + ".key.pem", passphrase));
    MYNACERT_RETURN_IF_ERROR(
        WriteFileAtomically(base + ".crt.pem", CertificatePem(ca.cert.get()), 0644));
    out.push_back(Describe(ca.cert.get(), kind, 1, base + ".crt.pem"));
  }
  return out;
}

Result<std::vector<CaInfo>> DescribeCaDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return NotFound(dir, "認証局のフォルダがありません (no such CA folder)");
  std::vector<CaInfo> out;
  for (CaKind kind : {CaKind::kSign, CaKind::kAuth}) {
    for (int g = 1; g < 100; ++g) {
      const std::string path = (fs::path(dir) / (BaseName(kind, g) + ".crt.pem")).string();
      if (!fs::exists(path, ec)) break;
      MYNACERT_ASSIGN_OR_RETURN(X509Ptr cert, ReadCertificate(path));
      out.push_back(Describe(cert.get(), kind, g, path));
    }
  }
  return out;
}

Result<CaGeneration> LoadCa(const std::string& dir, CaKind kind, int generation,
                            const std::string& passphrase) {
  const std::string base = (fs::path(dir) / BaseName(kind, generation)).string();
  CaGeneration ca;
  ca.kind = kind;
  ca.generation = generation;
  MYNACERT_ASSIGN_OR_RETURN(ca.cert, ReadCertificate(base + ".crt.pem"));
  MYNACERT_ASSIGN_OR_RETURN(ca.key, LoadEncryptedPrivateKey(base + ".key.pem", passphrase));
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
    TakeOpenSslErrors();
    return InvalidArgument(base + ".key.pem",
                           "鍵が証明書と一致しません (the key does not match the certificate)");
  }
  return ca;
}

}  // namespace mynacert::pki
