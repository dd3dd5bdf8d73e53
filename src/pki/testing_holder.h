// The signed-document tests' holder (cms_test.cc, pades_test.cc): a sign CA of 2026 and one
// holder's sign certificate (横浜 花子, Yokohama, 2026-07-07 to 2030-07-07) whose key is in
// software and signs a DigestInfo raw, PKCS#1 v1.5 — the card's one operation.
#ifndef MYNACERT_PKI_TESTING_HOLDER_H_
#define MYNACERT_PKI_TESTING_HOLDER_H_

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "cli/shell_test_util.h"

#include "core/clock.h"
#include "pki/certificate.h"
#include "pki/signer.h"

namespace mynacert::pki::testing_holder {

struct TestHolder {
  CaGeneration ca;
  std::string ca_key_pem;  // the CA's private key, for a responder of another implementation
  EvpPkeyPtr key;
  X509Ptr cert;

  Result<std::string> Sign(std::string_view digest_info) const {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(digest_info.data());
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &len, in, digest_info.size()) != 1) {
      return Error{ErrorCode::kInternal, "card", "sign", ""};
    }
    std::string sig(len, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, digest_info.size()) != 1) {
      return Error{ErrorCode::kInternal, "card", "sign", ""};
    }
    sig.resize(len);
    return sig;
  }
};

// nullptr when a key or certificate cannot be made.
inline std::unique_ptr<TestHolder> MakeTestHolder() {
  auto ca_key = GenerateRsaKey();
  auto holder_key = GenerateRsaKey();
  if (!ca_key.ok() || !holder_key.ok()) return nullptr;
  auto h = std::make_unique<TestHolder>();
  BioPtr pem(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(pem.get(), ca_key->get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* p = nullptr;
  h->ca_key_pem.assign(p, static_cast<size_t>(BIO_get_mem_data(pem.get(), &p)));
  auto ca = CreateRootCa(CaKind::kSign, 1, MakeKeySigner(std::move(ca_key).value(), "test"),
                         TimePoint(Date::Ymd(2026, 1, 1).sys_days()), 10);
  if (!ca.ok()) return nullptr;
  h->ca = std::move(ca).value();
  h->key = std::move(holder_key).value();
  CertRequest r;
  r.kind = CaKind::kSign;
  r.public_key = h->key.get();
  r.not_before = TimePoint(Date::Ymd(2026, 7, 7).sys_days());
  r.last_valid_day = Date::Ymd(2030, 7, 7);
  r.subject_cn = "20260707090000000011410000000";
  SignHolder s;
  s.name = "横浜　花子";
  s.sex = 2;
  s.birth = Date::Ymd(1985, 7, 7);
  s.address = "神奈川県横浜市中区港町１－１";
  s.prefecture_en = "Kanagawa-ken";
  s.municipality_en = "Yokohama-shi";
  r.holder = s;
  auto cert = IssueCertificate(h->ca, r);
  if (!cert.ok()) return nullptr;
  h->cert = std::move(cert).value();
  return h;
}

// Unix seconds at the start of `d` (UTC).
inline int64_t Unix(Date d) { return std::chrono::duration_cast<std::chrono::seconds>(d.sys_days().time_since_epoch()).count(); }

// The exit code and stdout + stderr of a shell command (the CLI tests' helper).
inline std::pair<int, std::string> Sh(const std::string& cmd) {
  const cli::testing_util::Outcome o = cli::testing_util::Sh(cmd);
  return {o.code, o.out};
}

// A fixture: the holder (one per suite) and a folder per test for the independent tools' files.
class SignedDocumentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    holder_ = MakeTestHolder().release();
    ASSERT_NE(holder_, nullptr);
    ca_ = &holder_->ca;
    cert_ = holder_->cert.get();
  }
  static void TearDownTestSuite() {
    delete holder_;
    holder_ = nullptr;
  }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mynacert-signed-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The card's operation: PKCS#1 v1.5 over the DigestInfo as given.
  static Result<std::string> CardSign(std::string_view digest_info) { return holder_->Sign(digest_info); }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  inline static TestHolder* holder_ = nullptr;
  inline static CaGeneration* ca_ = nullptr;
  inline static X509* cert_ = nullptr;
  std::filesystem::path dir_;
};

}  // namespace mynacert::pki::testing_holder

#endif  // MYNACERT_PKI_TESTING_HOLDER_H_
