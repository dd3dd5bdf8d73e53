#include "pki/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pki/ca_directory.h"
#include "pki/certificate.h"

namespace mynacert::pki {
namespace {

std::string Dir() {
  const std::string d = testing::TempDir() + "mynacert_keyfile_" +
                        testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

int Shell(const std::string& cmd) {
  const int s = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
}

const char* kPass = "correct horse battery staple";

TEST(KeyFile, RoundTripIsEncryptedPrivateAndReadableByOpenssl) {
  const std::string dir = Dir();
  auto key = GenerateRsaKey();
  ASSERT_TRUE(key.ok());
  const std::string path = dir + "/ca.key.pem";
  ASSERT_TRUE(SaveEncryptedPrivateKey(key->get(), path, kPass).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "-----BEGIN ENCRYPTED PRIVATE KEY-----");
  auto loaded = LoadEncryptedPrivateKey(path, kPass);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(EVP_PKEY_eq(key->get(), loaded->get()), 1);
  // An independent reader: openssl with the passphrase from a file.
  std::ofstream(dir + "/pass") << kPass << "\n";
  EXPECT_EQ(Shell("openssl pkey -noout -in " + path + " -passin file:" + dir + "/pass"), 0);
  EXPECT_NE(Shell("openssl pkey -noout -in " + path + " -passin pass:wrong-passphrase"), 0);
}

TEST(KeyFile, WrongPassphraseIsACleanErrorWithoutThePassphrase) {
  const std::string dir = Dir();
  auto key = GenerateRsaKey();
  ASSERT_TRUE(SaveEncryptedPrivateKey(key->get(), dir + "/k.pem", kPass).ok());
  auto bad = LoadEncryptedPrivateKey(dir + "/k.pem", "not the right passphrase");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ToString().find("not the right"), std::string::npos);
  EXPECT_FALSE(LoadEncryptedPrivateKey(dir + "/missing.pem", kPass).ok());
  EXPECT_FALSE(SaveEncryptedPrivateKey(key->get(), dir + "/short.pem", "short").ok());
}

TEST(ReadPassphrase, FromEnvOrFileNeverFromArgv) {
  const std::string dir = Dir();
  setenv("MYNACERT_TEST_PASS", kPass, 1);
  EXPECT_EQ(*ReadPassphrase("env:MYNACERT_TEST_PASS", "passphrase"), kPass);
  std::ofstream(dir + "/p") << kPass << "\r\n";
  EXPECT_EQ(*ReadPassphrase("file:" + dir + "/p", "passphrase"), kPass);
  auto literal = ReadPassphrase(kPass, "passphrase");
  ASSERT_FALSE(literal.ok());
  EXPECT_EQ(literal.error().field, "passphrase");
  EXPECT_EQ(literal.error().ToString().find(kPass), std::string::npos);
  setenv("MYNACERT_TEST_SHORT", "short", 1);
  EXPECT_FALSE(ReadPassphrase("env:MYNACERT_TEST_SHORT", "passphrase").ok());
  EXPECT_FALSE(ReadPassphrase("env:MYNACERT_NOT_SET_ANYWHERE", "passphrase").ok());
}

// Many files, two waits for the disk (the partition CRLs): each replaced whole with its mode
// whatever the umask, no temp file left; a folder that is missing fails before any rename, so
// every file keeps its old content.
TEST(KeyFile, ManyFilesAtomicallyOrNone) {
  const std::string dir = testing::TempDir() + "mynacert_write_many";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/a");
  std::filesystem::create_directories(dir + "/b");
  const mode_t old_umask = umask(077);
  ASSERT_TRUE(WriteFilesAtomically({{dir + "/a/1.crl", "one"}, {dir + "/b/2.crl", "two"}}, 0644).ok());
  umask(old_umask);
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(read(dir + "/a/1.crl"), "one");
  EXPECT_EQ(read(dir + "/b/2.crl"), "two");
  EXPECT_EQ(std::filesystem::status(dir + "/a/1.crl").permissions() & std::filesystem::perms::all,
            std::filesystem::perms(0644));
  const Status st =
      WriteFilesAtomically({{dir + "/a/1.crl", "new"}, {dir + "/missing/3.crl", "x"}}, 0644);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().ToString().find("missing/3.crl"), std::string::npos) << st.error().ToString();
  EXPECT_EQ(read(dir + "/a/1.crl"), "one");
  size_t entries = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) entries += e.is_regular_file();
  EXPECT_EQ(entries, 2u);  // no temp file left
  EXPECT_TRUE(WriteFilesAtomically({}, 0644).ok());
  std::filesystem::remove_all(dir);
}

TEST(CaDirectory, InitDescribeLoadAndNeverOverwrite) {
  const std::string dir = Dir() + "/ca";
  auto made = InitCaDirectory(dir, KeySecrets{kPass, {}}, std::chrono::system_clock::now());
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->size(), 2u);
  EXPECT_NE((*made)[0].subject.find("OU=JPKI for digital signature"), std::string::npos)
      << (*made)[0].subject;
  EXPECT_NE((*made)[1].subject.find("OU=JPKI for user authentication"), std::string::npos);
  EXPECT_EQ((*made)[0].sha256_fingerprint.size(), 95u);
  // Each root verifies itself with openssl.
  for (const CaInfo& info : *made) {
    EXPECT_EQ(
        Shell("openssl verify -CAfile " + info.certificate_path + " " + info.certificate_path), 0);
  }
  auto again = InitCaDirectory(dir, KeySecrets{kPass, {}}, std::chrono::system_clock::now());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  auto described = DescribeCaDirectory(dir);
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->size(), 2u);
  auto ca = LoadCa(dir, CaKind::kSign, 1, KeySecrets{kPass, {}});
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  EXPECT_FALSE(LoadCa(dir, CaKind::kSign, 1, KeySecrets{"a wrong passphrase!", {}}).ok());
  // No file in the folder holds a clear private key.
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("BEGIN PRIVATE KEY"), std::string::npos) << e.path();
    EXPECT_EQ(text.find("BEGIN RSA PRIVATE KEY"), std::string::npos) << e.path();
  }
}

TEST(CaDirectory, RolloverKeepsTheDnAndChangesTheKeyIdentifier) {
  const std::string dir = Dir() + "/rollover";
  const KeySecrets secrets{kPass, {}};
  ASSERT_TRUE(InitCaDirectory(dir, secrets, std::chrono::system_clock::now()).ok());
  auto next = RollOverCa(dir, CaKind::kSign, secrets, std::chrono::system_clock::now());
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  EXPECT_EQ(next->generation, 2);
  EXPECT_EQ(LatestGeneration(dir, CaKind::kSign), 2);
  EXPECT_EQ(LatestGeneration(dir, CaKind::kAuth), 1);
  auto g1 = LoadCa(dir, CaKind::kSign, 1, secrets);
  auto g2 = LoadCa(dir, CaKind::kSign, 2, secrets);
  ASSERT_TRUE(g1.ok() && g2.ok());
  EXPECT_EQ(
      X509_NAME_cmp(X509_get_subject_name(g1->cert.get()), X509_get_subject_name(g2->cert.get())),
      0);
  const ASN1_OCTET_STRING* ski1 = X509_get0_subject_key_id(g1->cert.get());
  const ASN1_OCTET_STRING* ski2 = X509_get0_subject_key_id(g2->cert.get());
  ASSERT_TRUE(ski1 && ski2);
  EXPECT_NE(ASN1_OCTET_STRING_cmp(ski1, ski2), 0);
  // Each generation has its delegated OCSP responder, issued by it, for OCSP signing only.
  for (int g : {1, 2}) {
    auto responder = LoadOcspResponder(dir, CaKind::kSign, g, secrets);
    ASSERT_TRUE(responder.ok()) << responder.error().ToString();
    const std::string base = dir + "/sign-ocsp-" + std::to_string(g);
    const std::string ca = dir + "/sign-ca-" + std::to_string(g) + ".crt.pem";
    EXPECT_EQ(Shell("openssl verify -purpose ocsphelper -CAfile " + ca + " " + base + ".crt.pem"),
              0);
    EXPECT_EQ(Shell("openssl x509 -noout -text -in " + base +
                    ".crt.pem | grep -q 'OCSP Signing' && openssl x509 -noout -text -in " + base +
                    ".crt.pem | grep -q 'OCSP No Check'"),
              0);
  }
  // The generation-2 responder is not valid under generation 1 (different key, same DN).
  EXPECT_NE(
      Shell("openssl verify -CAfile " + dir + "/sign-ca-1.crt.pem " + dir + "/sign-ocsp-2.crt.pem"),
      0);
}

}  // namespace
}  // namespace mynacert::pki
