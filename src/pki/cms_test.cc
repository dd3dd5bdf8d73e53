// Signed documents: SignedData built around a signature made elsewhere (here a software key
// signing the DigestInfo raw, as the card does), read back by independent implementations —
// OpenSSL's `cms -verify` and NSS's `cmsutil -D` — and by VerifyCms, which names what failed.
#include "pki/cms.h"

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "pki/ca_directory.h"
#include "pki/certificate.h"
#include "pki/testing_holder.h"

namespace mynacert::pki {
namespace {

constexpr auto D = Date::Ymd;
using testing_holder::Sh;
using testing_holder::Unix;

class CmsTest : public testing_holder::SignedDocumentTest {
 protected:
  std::string Sign(const std::string& content, bool detached) {
    CmsSignOptions o;
    o.detached = detached;
    o.signing_time = Unix(D(2027, 1, 10));
    auto signed_data = SignCms(content, cert_, CardSign, o, "--in");
    EXPECT_TRUE(signed_data.ok()) << signed_data.error().ToString();
    return signed_data.ok() ? *signed_data : std::string();
  }
};

// OpenSSL's cms -verify accepts both forms against the CA alone (the chain checked at the
// signing time: the certificate is from 2026-07-07); a changed byte of the content is refused.
TEST_F(CmsTest, OpenSslVerifiesDetachedAndAttached) {
  const std::string content = "契約書 第1条 …\n";
  const std::string ca = Write("ca.pem", CertificatePem(ca_->cert.get()));
  const std::string doc = Write("doc.txt", content);
  const std::string p7s = Write("doc.p7s", Sign(content, true));
  const std::string p7m = Write("doc.p7m", Sign(content, false));
  const std::string at = " -attime " + std::to_string(Unix(D(2027, 1, 10)));
  auto detached = Sh("openssl cms -verify -binary -inform DER -in " + p7s + " -content " + doc + " -CAfile " + ca +
                     at + " -purpose any -out /dev/null");
  EXPECT_EQ(detached.first, 0) << detached.second;
  EXPECT_NE(detached.second.find("Verification successful"), std::string::npos) << detached.second;
  auto attached = Sh("openssl cms -verify -binary -inform DER -in " + p7m + " -CAfile " + ca + at +
                     " -purpose any -out " + (dir_ / "out.txt").string());
  EXPECT_EQ(attached.first, 0) << attached.second;
  std::ifstream out(dir_ / "out.txt", std::ios::binary);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(out)), {}), content);
  const std::string altered = Write("altered.txt", "契約書 第2条 …\n");
  auto refused = Sh("openssl cms -verify -binary -inform DER -in " + p7s + " -content " + altered + " -CAfile " + ca +
                    at + " -purpose any -out /dev/null");
  EXPECT_NE(refused.first, 0) << refused.second;
}

// NSS (the library of Firefox and of many signing tools) decodes the SignedData: one signer,
// the signer's certificate found (its CN), the content intact. It does not go on to trust the
// signer: NSS's older verification path, the one cmsutil uses, refuses the critical
// certificatePolicies that real sign certificates carry (-8151, SigningCertNotTrusted; docs/
// relying-parties.md), so a document signed with a real card fares the same — and NSS then
// checks no digest. That refusal, and only it, is expected.
TEST_F(CmsTest, NssCmsutilDecodesItAndNamesTheCriticalPolicy) {
  if (Sh("command -v cmsutil").first != 0) {
    if (std::getenv("CI")) FAIL() << "cmsutil (libnss3-tools) is missing under CI";
    GTEST_SKIP() << "no cmsutil (libnss3-tools)";
  }
  const std::string content = "申請書の本文\n";
  const std::string doc = Write("doc.txt", content);
  const std::string p7m = Write("doc.p7m", Sign(content, false));
  const std::string p7s = Write("doc.p7s", Sign(content, true));
  const std::string ca = Write("ca.der", CertificateDer(ca_->cert.get()));
  const std::string db = "sql:" + (dir_ / "nssdb").string();
  std::filesystem::create_directories(dir_ / "nssdb");
  ASSERT_EQ(Sh("certutil -N -d " + db + " --empty-password").first, 0);
  ASSERT_EQ(Sh("certutil -A -d " + db + " -n jpki-ca -t 'C,C,C' -i " + ca).first, 0);
  const std::string out = (dir_ / "out.txt").string();
  auto decoded = Sh("cmsutil -D -h 3 -i " + p7m + " -d " + db + " -o " + out);
  EXPECT_EQ(decoded.first, 0) << decoded.second;
  std::ifstream in(out, std::ios::binary);
  const std::string shown((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(shown.find("type=signedData; nsigners=1;"), std::string::npos) << shown;
  EXPECT_NE(shown.find("signer0.id=\"20260707090000000011410000000\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("signer0.status=SigningCertNotTrusted"), std::string::npos) << shown;
  EXPECT_NE(shown.find(content), std::string::npos) << shown;
  auto detached = Sh("cmsutil -D -i " + p7s + " -c " + doc + " -d " + db + " -o /dev/null");
  EXPECT_NE(detached.second.find("SEC_ERROR_UNKNOWN_CRITICAL_EXTENSION"), std::string::npos) << detached.second;
}

// VerifyCms reports each check: good at first (revocation not checked without OCSP: not valid
// then); the content altered, the chain to another CA, each named; bad input refused. The
// revocation check against a live responder: CounterCli (card sign-file, verify through serve).
TEST_F(CmsTest, VerifyNamesEachCheck) {
  const std::string content = "書類";
  const std::string p7s = Sign(content, true);
  const std::pair<CaKind, X509*> trust[] = {{CaKind::kSign, ca_->cert.get()}};
  auto report = VerifyCms(p7s, std::string_view(content), trust, nullptr, Unix(D(2027, 2, 1)), "--in");
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->signing_time, Unix(D(2027, 1, 10)));
  ASSERT_EQ(report->checks.size(), 4u);
  for (const CmsCheck& c : report->checks) {
    EXPECT_EQ(c.ok, c.name != "revocation") << c.name << ": " << c.en;  // no OCSP given: not checked
  }
  EXPECT_FALSE(report->valid);
  ASSERT_TRUE(report->kind);
  EXPECT_EQ(*report->kind, CaKind::kSign);

  auto altered = VerifyCms(p7s, std::string_view("別の書類"), trust, nullptr, 0, "--in");
  ASSERT_TRUE(altered.ok());
  EXPECT_FALSE(altered->checks[0].ok);
  EXPECT_EQ(altered->checks[0].name, "content");

  auto other_key = GenerateRsaKey();
  auto other = CreateRootCa(CaKind::kSign, 1, MakeKeySigner(std::move(other_key).value(), "test"), TimePoint(D(2026, 1, 1).sys_days()), 10);
  ASSERT_TRUE(other.ok());
  const std::pair<CaKind, X509*> wrong[] = {{CaKind::kSign, other->cert.get()}};
  auto untrusted = VerifyCms(p7s, std::string_view(content), wrong, nullptr, 0, "--in");
  ASSERT_TRUE(untrusted.ok());
  EXPECT_FALSE(untrusted->checks[2].ok);
  EXPECT_EQ(untrusted->checks[2].name, "chain");

  EXPECT_EQ(VerifyCms("not DER", std::nullopt, trust, nullptr, 0, "--in").error().field, "--in");
  EXPECT_EQ(VerifyCms(p7s, std::nullopt, trust, nullptr, 0, "--in").error().field, "content");  // detached
  auto attached = VerifyCms(Sign(content, false), std::nullopt, trust, nullptr, 0, "--in");
  ASSERT_TRUE(attached.ok());
  EXPECT_EQ(attached->content, content);
  EXPECT_TRUE(attached->checks[0].ok && attached->checks[1].ok && attached->checks[2].ok);
}

}  // namespace
}  // namespace mynacert::pki
