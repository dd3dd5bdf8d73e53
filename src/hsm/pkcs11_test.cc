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
std::string g_dir;          // NOLINT: set once by the environment
std::string g_skip_reason;  // NOLINT: non-empty when SoftHSM2 is not installed

bool Run(const std::string& command) {
  const int s = std::system(command.c_str());
  return WIFEXITED(s) && WEXITSTATUS(s) == 0;
}

// One private token directory per test binary: libsofthsm2 reads SOFTHSM2_CONF only at
// C_Initialize, and the module is initialised once per process, so every test shares these
// tokens and uses its own key labels.
class SoftHsmEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    if (!Run("command -v softhsm2-util >/dev/null 2>&1") || !std::filesystem::exists(kModule)) {
      g_skip_reason = "SoftHSM2 is not installed (apt-get install softhsm2)";
      return;
    }
    g_dir = testing::TempDir() + "mynacert_softhsm_" + std::to_string(::getpid());
    std::filesystem::remove_all(g_dir);
    setenv("SOFTHSM2_CONF", (g_dir + "/softhsm2.conf").c_str(), 1);
    // The script passes the PINs to softhsm2-util on its command line: a throwaway test token.
    setenv("MYNACERT_HSM_SO_PIN", "87654321", 1);
    setenv("MYNACERT_HSM_PIN", kPin, 1);
    for (const char* label : {"mynacert", "other"}) {
      ASSERT_TRUE(Run(std::string(MYNACERT_SOURCE_DIR) + "/scripts/softhsm-token.sh " + g_dir +
                      " " + label + " >/dev/null"))
          << "scripts/softhsm-token.sh failed for " << label;
    }
    unsetenv("MYNACERT_HSM_SO_PIN");
    unsetenv("MYNACERT_HSM_PIN");
  }
  void TearDown() override {
    if (!g_dir.empty()) std::filesystem::remove_all(g_dir);
  }
};
const auto* const kEnv = testing::AddGlobalTestEnvironment(new SoftHsmEnvironment);

// Named in lower case so that `ctest -R hsm` selects these tests.
class softhsm : public testing::Test {  // NOLINT(readability-identifier-naming)
 protected:
  void SetUp() override {
    if (!g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
  }
};

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

TEST_F(softhsm, GeneratedKeySignsAndOpensslVerifies) {
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

// Straight PKCS#11 calls on the module the library loaded (already initialised), to look at
// the objects it made. A session of this process shares the signer's login.
class RawToken {
 public:
  RawToken() {
    void* handle = dlopen(kModule, RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) return;
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
    dlclose(handle);  // drops only the NOLOAD reference; the library keeps its own
    if (get_list == nullptr || get_list(&f_) != CKR_OK) return;
    CK_ULONG count = 8;
    CK_SLOT_ID slots[8];
    if (f_->C_GetSlotList(CK_TRUE, slots, &count) != CKR_OK) return;
    for (CK_ULONG i = 0; i < count; ++i) {
      CK_TOKEN_INFO info;
      if (f_->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
      if (std::string(reinterpret_cast<const char*>(info.label), 8) != "mynacert") continue;
      if (f_->C_OpenSession(slots[i], CKF_SERIAL_SESSION, nullptr, nullptr, &s_) == CKR_OK) {
        open_ = true;
      }
    }
  }
  ~RawToken() {
    if (open_) f_->C_CloseSession(s_);
  }
  bool open() const { return open_; }
  CK_FUNCTION_LIST_PTR f() const { return f_; }
  CK_SESSION_HANDLE s() const { return s_; }

  std::vector<CK_OBJECT_HANDLE> Find(CK_OBJECT_CLASS klass, std::string label) {
    CK_ATTRIBUTE query[] = {{CKA_CLASS, &klass, sizeof klass},
                            {CKA_LABEL, label.data(), label.size()}};
    std::vector<CK_OBJECT_HANDLE> found(8);
    CK_ULONG n = 0;
    if (f_->C_FindObjectsInit(s_, query, 2) != CKR_OK) return {};
    f_->C_FindObjects(s_, found.data(), found.size(), &n);
    f_->C_FindObjectsFinal(s_);
    found.resize(n);
    return found;
  }
  CK_BBOOL Flag(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    CK_BBOOL value = 0xAA;
    CK_ATTRIBUTE a{type, &value, sizeof value};
    return f_->C_GetAttributeValue(s_, object, &a, 1) == CKR_OK ? value : CK_BBOOL{0xAA};
  }
  std::string Bytes(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    char buffer[1024];
    CK_ATTRIBUTE a{type, buffer, sizeof buffer};
    if (f_->C_GetAttributeValue(s_, object, &a, 1) != CKR_OK) return "<error>";
    return std::string(buffer, a.ulValueLen);
  }

 private:
  CK_FUNCTION_LIST_PTR f_ = nullptr;
  CK_SESSION_HANDLE s_ = 0;
  bool open_ = false;
};

TEST_F(softhsm, ThePrivateKeyCannotBeRead) {
  ASSERT_TRUE(GenerateRsaKeyInToken(Spec("sealed")).ok());
  auto signer = OpenPkcs11Signer(Spec("sealed"));  // keeps the token logged in
  ASSERT_TRUE(signer.ok());
  RawToken raw;
  ASSERT_TRUE(raw.open());
  const std::vector<CK_OBJECT_HANDLE> privates = raw.Find(CKO_PRIVATE_KEY, "sealed");
  const std::vector<CK_OBJECT_HANDLE> publics = raw.Find(CKO_PUBLIC_KEY, "sealed");
  ASSERT_EQ(privates.size(), 1u);
  ASSERT_EQ(publics.size(), 1u);
  const CK_OBJECT_HANDLE key = privates[0];

  EXPECT_EQ(raw.Flag(key, CKA_SENSITIVE), CK_TRUE);
  EXPECT_EQ(raw.Flag(key, CKA_EXTRACTABLE), CK_FALSE);
  EXPECT_EQ(raw.Flag(key, CKA_ALWAYS_SENSITIVE), CK_TRUE);
  EXPECT_EQ(raw.Flag(key, CKA_NEVER_EXTRACTABLE), CK_TRUE);
  EXPECT_EQ(raw.Flag(key, CKA_TOKEN), CK_TRUE);
  EXPECT_EQ(raw.Flag(key, CKA_PRIVATE), CK_TRUE);
  EXPECT_EQ(raw.Flag(key, CKA_SIGN), CK_TRUE);
  // Both halves carry the same non-empty CKA_ID.
  const std::string id = raw.Bytes(key, CKA_ID);
  EXPECT_FALSE(id.empty());
  EXPECT_NE(id, "<error>");
  EXPECT_EQ(raw.Bytes(publics[0], CKA_ID), id);

  // The secret parts: the token answers CKR_ATTRIBUTE_SENSITIVE, never the bytes.
  for (CK_ATTRIBUTE_TYPE type : {CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1,
                                 CKA_EXPONENT_2, CKA_COEFFICIENT}) {
    char buffer[1024];
    CK_ATTRIBUTE secret{type, buffer, sizeof buffer};
    EXPECT_EQ(raw.f()->C_GetAttributeValue(raw.s(), key, &secret, 1), CKR_ATTRIBUTE_SENSITIVE)
        << "attribute 0x" << std::hex << type;
    EXPECT_EQ(secret.ulValueLen, CK_UNAVAILABLE_INFORMATION);
  }
  // CKA_VALUE is not an attribute of an RSA private key at all, so SoftHSM2 2.6 answers
  // CKR_ATTRIBUTE_TYPE_INVALID rather than CKR_ATTRIBUTE_SENSITIVE; either way no bytes.
  char buffer[1024];
  CK_ATTRIBUTE value{CKA_VALUE, buffer, sizeof buffer};
  const CK_RV rv = raw.f()->C_GetAttributeValue(raw.s(), key, &value, 1);
  EXPECT_TRUE(rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID) << rv;
  EXPECT_EQ(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(softhsm, WrongPinIsRefusedWithoutShowingThePin) {
  TokenSpec wrong = Spec("any", "other");
  wrong.pin = "99999999";
  auto r = OpenPkcs11Signer(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "hsm_pin");
  EXPECT_NE(r.error().message.find("CKR_PIN_INCORRECT"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().ToString().find("99999999"), std::string::npos);
  EXPECT_EQ(r.error().ToString().find(kPin), std::string::npos);
  auto generated = GenerateRsaKeyInToken(wrong);
  ASSERT_FALSE(generated.ok());
  EXPECT_EQ(generated.error().ToString().find("99999999"), std::string::npos);
}

// PKCS#11 keeps the login per token and application: while a signer holds the token logged
// in, C_Login answers CKR_USER_ALREADY_LOGGED_IN without looking at the PIN. A wrong PIN must
// still be refused then.
TEST_F(softhsm, WrongPinIsRefusedWhileTheTokenIsLoggedIn) {
  ASSERT_TRUE(GenerateRsaKeyInToken(Spec("logged-in")).ok());
  auto signer = OpenPkcs11Signer(Spec("logged-in"));
  ASSERT_TRUE(signer.ok());
  TokenSpec wrong = Spec("logged-in");
  wrong.pin = "1111";
  auto r = OpenPkcs11Signer(wrong);
  ASSERT_FALSE(r.ok()) << "a wrong PIN opened a signer";
  EXPECT_EQ(r.error().field, "hsm_pin");
  EXPECT_NE(r.error().message.find("CKR_PIN_INCORRECT"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().ToString().find("1111"), std::string::npos);
  TokenSpec wrong_generate = Spec("logged-in-2");
  wrong_generate.pin = "1111";
  EXPECT_FALSE(GenerateRsaKeyInToken(wrong_generate).ok());
  // The right PIN still opens a second signer on the same token.
  auto second = OpenPkcs11Signer(Spec("logged-in"));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  auto sig = (*second)->Sign("x");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(Verifies((*signer)->public_key(), "x", *sig));
}

TEST_F(softhsm, EmptyPinIsRefusedBeforeTheToken) {
  TokenSpec empty_pin = Spec("k");
  empty_pin.pin.clear();
  auto r = OpenPkcs11Signer(empty_pin);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "hsm_pin");
  EXPECT_FALSE(GenerateRsaKeyInToken(empty_pin).ok());
}

TEST_F(softhsm, UnknownKeyOrTokenIsNotFoundAndNamed) {
  auto missing = OpenPkcs11Signer(Spec("no-such-key"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "key");
  EXPECT_NE(missing.error().message.find("no-such-key"), std::string::npos);

  auto no_token = OpenPkcs11Signer(Spec("k", "no-such-token"));
  ASSERT_FALSE(no_token.ok());
  EXPECT_EQ(no_token.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(no_token.error().field, "token");
  EXPECT_NE(no_token.error().message.find("no-such-token"), std::string::npos);
}

TEST_F(softhsm, DuplicateLabelIsRefusedAndTheFirstKeyKept) {
  auto first = GenerateRsaKeyInToken(Spec("twice"));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto dup = GenerateRsaKeyInToken(Spec("twice"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(dup.error().field, "key");
  EXPECT_NE(dup.error().message.find("twice"), std::string::npos);
  auto signer = OpenPkcs11Signer(Spec("twice"));  // logs the token in: private objects show
  ASSERT_TRUE(signer.ok());
  RawToken raw;
  ASSERT_TRUE(raw.open());
  EXPECT_EQ(raw.Find(CKO_PRIVATE_KEY, "twice").size(), 1u);
  EXPECT_EQ(raw.Find(CKO_PUBLIC_KEY, "twice").size(), 1u);
  EXPECT_EQ(EVP_PKEY_eq((*signer)->public_key(), first->get()), 1);
}

TEST_F(softhsm, BadModuleIsNamed) {
  for (const std::string& path :
       {std::string("/nonexistent/libpkcs11.so"), g_dir + "/softhsm2.conf" /* not a library */,
        std::string("libz.so.1") /* a library, not PKCS#11 */}) {
    TokenSpec bad_module = Spec("k");
    bad_module.module_path = path;
    auto r = OpenPkcs11Signer(bad_module);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.error().field, "module") << path;
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition) << path;
    EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().ToString().find(kPin), std::string::npos);
    EXPECT_FALSE(GenerateRsaKeyInToken(bad_module).ok());
  }
}

TEST_F(softhsm, ParseTokenUri) {
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
    EXPECT_EQ(r.error().field, "hsm");
    EXPECT_EQ(r.error().ToString().find("1234"), std::string::npos);
  }
}

TEST_F(softhsm, FourThreadsSignAtOnce) {
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

TEST_F(softhsm, CaInsideTheTokenIssuesACertificateOpensslAccepts) {
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
