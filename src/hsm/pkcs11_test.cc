// Against the real SoftHSM2 (Debian softhsm2): a private token directory per test run, keys
// generated inside, signatures verified with OpenSSL, certificates verified by `openssl verify`.
#include "hsm/pkcs11.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#define CRYPTOKI_COMPAT 1
#include <p11-kit/pkcs11.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "pki/certificate.h"

namespace mynacert::hsm {
namespace {

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr const char* kPin = "4321";
std::string g_dir;  // NOLINT: set once by the environment

class SoftHsmEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    g_dir = testing::TempDir() + "mynacert_softhsm_" + std::to_string(::getpid());
    std::filesystem::remove_all(g_dir);
    std::filesystem::create_directories(g_dir + "/tokens");
    std::ofstream(g_dir + "/softhsm2.conf")
        << "directories.tokendir = " << g_dir << "/tokens\nobjectstore.backend = file\n"
        << "log.level = ERROR\n";
    setenv("SOFTHSM2_CONF", (g_dir + "/softhsm2.conf").c_str(), 1);
    // softhsm2-util takes PINs on its command line: acceptable for a throwaway test token only.
    for (const char* label : {"mynacert", "other"}) {
      const std::string cmd = std::string("softhsm2-util --init-token --free --label ") + label +
                              " --so-pin 87654321 --pin " + kPin + " >/dev/null 2>&1";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << "softhsm2-util failed";
    }
  }
};
const auto* const kEnv = testing::AddGlobalTestEnvironment(new SoftHsmEnvironment);

TokenSpec Spec(const std::string& key, const std::string& token = "mynacert") {
  return TokenSpec{kModule, token, key, kPin};
}

bool Verifies(EVP_PKEY* key, const std::string& data, const std::string& signature) {
  pki::OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

TEST(Pkcs11, GeneratedKeySignsAndOpensslVerifies) {
  auto pub = GenerateRsaKeyInToken(Spec("sign-test"));
  ASSERT_TRUE(pub.ok()) << pub.error().ToString();
  EXPECT_EQ(EVP_PKEY_get_bits(pub->get()), 2048);
  auto signer = OpenPkcs11Signer(Spec("sign-test"));
  ASSERT_TRUE(signer.ok()) << signer.error().ToString();
  EXPECT_EQ(EVP_PKEY_eq((*signer)->public_key(), pub->get()), 1);
  const std::string data = "TBSCertificate bytes";
  auto sig = (*signer)->Sign(data);
  ASSERT_TRUE(sig.ok()) << sig.error().ToString();
  EXPECT_EQ(sig->size(), 256u);
  EXPECT_TRUE(Verifies(pub->get(), data, *sig));
  EXPECT_FALSE(Verifies(pub->get(), data + "x", *sig));
  EXPECT_NE((*signer)->Describe().find("sign-test"), std::string::npos);
}

TEST(Pkcs11, ThePrivateKeyCannotBeRead) {
  ASSERT_TRUE(GenerateRsaKeyInToken(Spec("sealed")).ok());
  auto signer = OpenPkcs11Signer(Spec("sealed"));  // keeps the token logged in
  ASSERT_TRUE(signer.ok());
  void* handle = dlopen(kModule, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR f = nullptr;
  ASSERT_EQ(get_list(&f), CKR_OK);
  CK_ULONG count = 8;
  CK_SLOT_ID slots[8];
  ASSERT_EQ(f->C_GetSlotList(CK_TRUE, slots, &count), CKR_OK);
  int checked = 0;
  for (CK_ULONG i = 0; i < count; ++i) {
    CK_SESSION_HANDLE s;
    if (f->C_OpenSession(slots[i], CKF_SERIAL_SESSION, nullptr, nullptr, &s) != CKR_OK) continue;
    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    std::string label = "sealed";
    CK_ATTRIBUTE query[] = {{CKA_CLASS, &klass, sizeof klass},
                            {CKA_LABEL, label.data(), label.size()}};
    f->C_FindObjectsInit(s, query, 2);
    CK_OBJECT_HANDLE key = 0;
    CK_ULONG n = 0;
    f->C_FindObjects(s, &key, 1, &n);
    f->C_FindObjectsFinal(s);
    if (n == 1) {
      char buffer[512];
      CK_ATTRIBUTE secret{CKA_PRIVATE_EXPONENT, buffer, sizeof buffer};
      EXPECT_EQ(f->C_GetAttributeValue(s, key, &secret, 1), CKR_ATTRIBUTE_SENSITIVE);
      CK_BBOOL extractable = CK_TRUE, sensitive = CK_FALSE;
      CK_ATTRIBUTE flags[] = {{CKA_EXTRACTABLE, &extractable, sizeof extractable},
                              {CKA_SENSITIVE, &sensitive, sizeof sensitive}};
      EXPECT_EQ(f->C_GetAttributeValue(s, key, flags, 2), CKR_OK);
      EXPECT_EQ(extractable, CK_FALSE);
      EXPECT_EQ(sensitive, CK_TRUE);
      ++checked;
    }
    f->C_CloseSession(s);
  }
  EXPECT_EQ(checked, 1);
}

TEST(Pkcs11, ErrorsNameTheFieldAndNeverThePin) {
  TokenSpec wrong = Spec("any", "other");
  wrong.pin = "99999999";
  auto r = OpenPkcs11Signer(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "--hsm-pin");
  EXPECT_NE(r.error().message.find("CKR_PIN_INCORRECT"), std::string::npos);
  EXPECT_EQ(r.error().ToString().find("99999999"), std::string::npos);

  auto missing = OpenPkcs11Signer(Spec("no-such-key"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "key");
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto no_token = OpenPkcs11Signer(Spec("k", "no-such-token"));
  ASSERT_FALSE(no_token.ok());
  EXPECT_EQ(no_token.error().field, "token");

  TokenSpec bad_module = Spec("k");
  bad_module.module_path = "/nonexistent/libpkcs11.so";
  auto no_module = OpenPkcs11Signer(bad_module);
  ASSERT_FALSE(no_module.ok());
  EXPECT_EQ(no_module.error().field, "module");

  TokenSpec empty_pin = Spec("k");
  empty_pin.pin.clear();
  EXPECT_EQ(OpenPkcs11Signer(empty_pin).error().field, "--hsm-pin");

  ASSERT_TRUE(GenerateRsaKeyInToken(Spec("twice")).ok());
  auto dup = GenerateRsaKeyInToken(Spec("twice"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kFailedPrecondition);
}

TEST(Pkcs11, ParseTokenUri) {
  auto spec =
      ParseTokenUri("pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=mynacert;key=sign-ca-1");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->module_path, "/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_EQ(spec->token_label, "mynacert");
  EXPECT_EQ(spec->key_label, "sign-ca-1");
  for (const char* bad :
       {"pkcs12:module=a;token=b", "pkcs11:module=a", "pkcs11:token=b",
        "pkcs11:module=a;token=b;pin=1234", "pkcs11:module=a;token=b;color=red", "pkcs11:module"}) {
    auto r = ParseTokenUri(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "--hsm");
    EXPECT_EQ(r.error().ToString().find("1234"), std::string::npos);
  }
}

TEST(Pkcs11, FourThreadsSignAtOnce) {
  ASSERT_TRUE(GenerateRsaKeyInToken(Spec("threads")).ok());
  auto signer = OpenPkcs11Signer(Spec("threads"));
  ASSERT_TRUE(signer.ok());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string data = std::to_string(t) + ":" + std::to_string(i);
        auto sig = (*signer)->Sign(data);
        if (sig.ok() && Verifies((*signer)->public_key(), data, *sig)) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 40);
}

TEST(Pkcs11, CaInsideTheTokenIssuesACertificateOpensslAccepts) {
  ASSERT_TRUE(GenerateRsaKeyInToken(Spec("auth-ca-hsm")).ok());
  auto signer = OpenPkcs11Signer(Spec("auth-ca-hsm"));
  ASSERT_TRUE(signer.ok());
  auto ca = pki::CreateRootCa(pki::CaKind::kAuth, 1, std::move(signer).value(),
                              std::chrono::system_clock::now() - std::chrono::hours(1), 10);
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  auto holder = pki::GenerateRsaKey();
  ASSERT_TRUE(holder.ok());
  pki::CertRequest r;
  r.kind = pki::CaKind::kAuth;
  r.public_key = holder->get();
  r.not_before = std::chrono::system_clock::now() - std::chrono::minutes(1);
  r.last_valid_day = Date::Ymd(2031, 7, 7);
  r.subject_cn = "hsm-issued";
  auto cert = pki::IssueCertificate(*ca, r);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  std::ofstream(g_dir + "/ca.pem") << pki::CertificatePem(ca->cert.get());
  std::ofstream(g_dir + "/leaf.pem") << pki::CertificatePem(cert->get());
  const int s = std::system(
      ("openssl verify -CAfile " + g_dir + "/ca.pem " + g_dir + "/leaf.pem >/dev/null 2>&1")
          .c_str());
  EXPECT_TRUE(WIFEXITED(s) && WEXITSTATUS(s) == 0);
}

}  // namespace
}  // namespace mynacert::hsm
