// 電子証明書の写し (R-PROC-11): a real CA issues a card's certificates through the counter
// (counter/testing.h); the copy is built from the counter's records and the CA store, rendered,
// and read back with pdftotext; the fingerprint is checked against `openssl x509`.
#include "notices/certificate_copy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "counter/testing.h"
#include "counter/workspace.h"

namespace mynacert::notices {
namespace {

constexpr Date kBirth = Date::Ymd(1980, 7, 7);
constexpr Date kIssued = Date::Ymd(2026, 7, 7);
constexpr Date kLastValid = Date::Ymd(2031, 7, 7);  // the 5th birthday after issue (R-VAL-1)
constexpr const char* kAddress = "山形県山形市旅篭町二丁目3番25号";

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool HavePdftotext() { return std::system("command -v pdftotext >/dev/null 2>&1") == 0; }

std::string WithoutSpace(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; });
  return s;
}

class CertificateCopyTest : public counter::testing::CounterTest {
 protected:
  Result<CertificateCopy> CopyOf(int64_t resident, std::string_view kind, Date today = kIssued) {
    return CertificateCopyFor(*store_, ca_store_.get(), *profiles_, resident, kind, today);
  }
  // The PDF's text, as pdftotext reads it. MYNACERT_COPY_KEEP=DIR keeps the PDFs to look at.
  std::string PdfText(const std::string& pdf, const std::string& name) {
    const std::string path = (dir_ / (name + ".pdf")).string();
    std::ofstream(path, std::ios::binary) << pdf;
    if (const char* keep = std::getenv("MYNACERT_COPY_KEEP")) {
      std::ofstream(std::filesystem::path(keep) / (name + ".pdf"), std::ios::binary) << pdf;
    }
    return Shell("pdftotext -enc UTF-8 " + path + " - 2>/dev/null");
  }
  std::string Serial(int64_t resident, const std::string& kind) {
    auto card = *store_->ActiveCard(resident);
    auto cert = *store_->ActiveCert(card->id, kind);
    return cert ? cert->serial : "";
  }
};

TEST_F(CertificateCopyTest, TheSignCopyShowsNameAddressSerialAndExpiry) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  auto copy = CopyOf(r, "sign");
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->name, "山田　花子");
  EXPECT_EQ(copy->address, kAddress);
  EXPECT_EQ(copy->birth, kBirth);
  EXPECT_EQ(copy->sex, 2);
  EXPECT_EQ(copy->issued, kIssued);
  EXPECT_EQ(copy->last_valid_day, kLastValid);
  EXPECT_EQ(copy->serial_hex, Serial(r, "sign"));
  EXPECT_EQ(copy->municipality_ja, "山形市");
  EXPECT_NE(copy->issuer_dn.find("JPKI for digital signature"), std::string::npos) << copy->issuer_dn;

  auto pdf = RenderCertificateCopy(*copy);
  ASSERT_TRUE(pdf.ok()) << pdf.error().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = PdfText(*pdf, "sign");
  const std::string flat = WithoutSpace(text);
  EXPECT_NE(text.find("電子証明書の写し"), std::string::npos) << text;
  EXPECT_NE(text.find("Copy of electronic certificate"), std::string::npos);
  EXPECT_NE(text.find("署名用電子証明書"), std::string::npos);
  EXPECT_NE(flat.find("山田"), std::string::npos) << text;
  EXPECT_NE(flat.find("花子"), std::string::npos);
  EXPECT_NE(flat.find(kAddress), std::string::npos) << text;
  EXPECT_NE(text.find(copy->serial_hex), std::string::npos);
  EXPECT_NE(text.find("2031-07-07"), std::string::npos);  // 有効期間満了日
  EXPECT_NE(text.find("2026-07-07"), std::string::npos);  // 発行日, 印刷日
  EXPECT_NE(text.find("1980-07-07"), std::string::npos);  // 生年月日
  EXPECT_NE(flat.find(copy->sha256_fingerprint), std::string::npos);
  EXPECT_NE(text.find("山形市"), std::string::npos);
  EXPECT_NE(flat.find("電子証明書そのものではなく"), std::string::npos);  // a copy, not a certificate
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 1) << "one page";
}

TEST_F(CertificateCopyTest, TheFingerprintIsOpensslsOfTheCertificateInTheCa) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  for (const char* kind : {"auth", "sign"}) {
    SCOPED_TRACE(kind);
    auto copy = CopyOf(r, kind);
    ASSERT_TRUE(copy.ok()) << copy.error().ToString();
    auto issued = *ca_store_->Find(std::string(kind) == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth,
                                   copy->serial_hex);
    ASSERT_TRUE(issued);
    const std::string der_path = (dir_ / (std::string(kind) + ".der")).string();
    std::ofstream(der_path, std::ios::binary) << issued->der;
    // "sha256 Fingerprint=AB:CD:…" (OpenSSL 3)
    const std::string out = Shell("openssl x509 -inform DER -in " + der_path + " -noout -fingerprint -sha256");
    const size_t eq = out.find('=');
    ASSERT_NE(eq, std::string::npos) << out;
    EXPECT_EQ(copy->sha256_fingerprint, WithoutSpace(out.substr(eq + 1)));
    EXPECT_EQ(copy->sha256_fingerprint.size(), 95u);
  }
}

TEST_F(CertificateCopyTest, TheAuthCopyHasNoAddressBirthOrSex) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  auto copy = CopyOf(r, "auth");
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->name, "山田　花子");  // from the residence record: the cert has no name
  EXPECT_EQ(copy->address, "");
  EXPECT_EQ(copy->sex, 0);
  EXPECT_EQ(copy->serial_hex, Serial(r, "auth"));
  EXPECT_EQ(copy->last_valid_day, kLastValid);
  EXPECT_NE(copy->issuer_dn.find("JPKI for user authentication"), std::string::npos) << copy->issuer_dn;

  auto pdf = RenderCertificateCopy(*copy);
  ASSERT_TRUE(pdf.ok()) << pdf.error().ToString();
  const std::string text = PdfText(*pdf, "auth");
  const std::string flat = WithoutSpace(text);
  EXPECT_NE(text.find("利用者証明用電子証明書"), std::string::npos) << text;
  EXPECT_NE(flat.find("山田"), std::string::npos);
  EXPECT_NE(text.find(copy->serial_hex), std::string::npos);
  EXPECT_NE(text.find("2031-07-07"), std::string::npos);
  EXPECT_EQ(flat.find(kAddress), std::string::npos) << text;
  EXPECT_EQ(flat.find("旅篭町"), std::string::npos);
  EXPECT_EQ(text.find("1980-07-07"), std::string::npos);
  EXPECT_EQ(text.find("生年月日\n"), std::string::npos);  // no birth-date row
  EXPECT_EQ(text.find("female"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 1) << "one page";
}

TEST_F(CertificateCopyTest, AnUnknownResidentIsNotFoundNamingResident) {
  auto copy = CopyOf(999999, "auth");
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(copy.error().field, "resident");
}

TEST_F(CertificateCopyTest, ABadKindIsInvalidNamingKind) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  for (const char* kind : {"", "both", "SIGN", "juki"}) {
    auto copy = CopyOf(r, kind);
    ASSERT_FALSE(copy.ok()) << kind;
    EXPECT_EQ(copy.error().code, ErrorCode::kInvalidArgument) << kind;
    EXPECT_EQ(copy.error().field, "kind") << kind;
  }
  CertificateCopy bad;
  bad.kind = "both";
  auto pdf = RenderCertificateCopy(bad);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.error().field, "kind");
}

TEST_F(CertificateCopyTest, ARevokedSignCertificateIsNotCopied) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  // A move revokes the sign certificate (R-CERT-5), in the counter and in the CA.
  counter::ResidentChange move;
  move.address = "山形県山形市城南町一丁目1番1号";
  auto changed = counter_->ChangeResident(r, move, Date::Ymd(2026, 8, 1), "clerk-1", env_.now, ca_store_.get());
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  ASSERT_EQ(changed->revoked_serials.size(), 1u);
  auto sign = CopyOf(r, "sign", Date::Ymd(2026, 8, 1));
  ASSERT_FALSE(sign.ok());
  EXPECT_EQ(sign.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(sign.error().field, "kind");
  // The auth certificate is not revoked by a move (jpki-facts A5).
  auto auth = CopyOf(r, "auth", Date::Ymd(2026, 8, 1));
  EXPECT_TRUE(auth.ok()) << auth.error().ToString();
}

TEST_F(CertificateCopyTest, ACertificateRevokedInTheCaOnlyIsNotCopied) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  // Revoked at the CA (e.g. the holder's own request by phone) before the counter recorded it.
  ASSERT_TRUE(ca_store_->Revoke(pki::CaKind::kAuth, Serial(r, "auth"), pki::RevocationReason::kKeyCompromise,
                                env_.now, "ca-operator")
                  .ok());
  auto copy = CopyOf(r, "auth");
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(copy.error().field, "kind");
}

TEST_F(CertificateCopyTest, AnExpiredCertificateIsNotCopied) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  EXPECT_TRUE(CopyOf(r, "auth", kLastValid).ok());  // the last valid day is still valid
  auto copy = CopyOf(r, "auth", kLastValid.AddDays(1));
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(copy.error().field, "kind");
}

TEST_F(CertificateCopyTest, ResidentWithoutACardHasNoCopy) {
  counter::Resident res;
  res.municipality = "yamagata";
  res.name = "山形　太郎";
  res.address = kAddress;
  res.birth = kBirth;
  res.sex = 1;
  auto id = counter_->AddResident(res, "clerk-1", env_.now);
  ASSERT_TRUE(id.ok());
  auto copy = CopyOf(*id, "sign");
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(copy.error().field, "kind");
}

TEST_F(CertificateCopyTest, TheCopyIsAudited) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  auto copy = CopyOf(r, "sign");
  ASSERT_TRUE(copy.ok());
  ASSERT_TRUE(RecordCertificateCopy(*store_, r, *copy, "clerk-7", env_.now).ok());
  auto log = store_->audit().Read(0, r, 0, 1000);
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->empty());
  const counter::AuditRecord& last = log->back();
  EXPECT_EQ(last.action, "certificate_copy");
  EXPECT_EQ(last.clerk, "clerk-7");
  EXPECT_NE(last.detail.find(copy->serial_hex), std::string::npos);
  EXPECT_NE(last.detail.find("R-PROC-11"), std::string::npos);
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

// The workspace overload opened without secrets reads <home>/ca/ca.db (the CLI's path).
TEST_F(CertificateCopyTest, AWorkspaceWithoutSecretsReadsTheCaStore) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  const std::string serial = Serial(r, "sign");
  std::filesystem::create_directories(dir_ / "ca");
  ca_store_.reset();
  std::filesystem::copy_file(dir_ / "ca.db", dir_ / "ca" / "ca.db");
  auto ws = counter::OpenWorkspace(dir_, *profiles_, nullptr);
  ASSERT_TRUE(ws.ok()) << ws.error().ToString();
  ASSERT_FALSE((*ws)->ca_store);
  auto copy = CertificateCopyFor(**ws, r, "sign", kIssued);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->serial_hex, serial);
  // A home whose CA was never created has issued nothing it could copy.
  std::filesystem::remove(dir_ / "ca" / "ca.db");
  auto none = CertificateCopyFor(**ws, r, "sign", kIssued);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(none.error().field, "ca");
}

// The address may be 200 characters (jpki-facts A4): it wraps inside its cell, whole.
TEST_F(CertificateCopyTest, ALongAddressWrapsWhole) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  CertificateCopy c;
  c.kind = "sign";
  c.serial_hex = "1234567890ABCDEF1234567890ABCDEF";
  c.name = "寿限無寿限無五劫の擦り切れ　海砂利水魚の水行末雲来末風来末食う寝る処に住む処";
  for (int i = 0; c.address.size() < 3 * 190; ++i) c.address += "東京都世田谷区太子堂一丁目";
  c.address += "１２－７－２０２";
  c.birth = kBirth;
  c.sex = 9;
  c.issued = kIssued;
  c.last_valid_day = kLastValid;
  c.subject_dn = "CN=20260707120000000010000ABCDEFGHI,L=Setagaya-ku,L=Tokyo-to,C=JP";
  c.issuer_dn = "OU=mynacert test CA (not J-LIS),OU=JPKI for digital signature,O=JPKI-MYNACERT,C=JP";
  c.sha256_fingerprint = std::string(95, 'A');
  for (size_t i = 2; i < 95; i += 3) c.sha256_fingerprint[i] = ':';
  c.municipality_ja = "世田谷区";
  c.printed_on = kIssued;
  auto pdf = RenderCertificateCopy(c);
  ASSERT_TRUE(pdf.ok()) << pdf.error().ToString();
  const std::string text = PdfText(*pdf, "long");
  const std::string flat = WithoutSpace(text);
  EXPECT_NE(flat.find(c.address), std::string::npos) << flat;
  EXPECT_NE(flat.find("適用不能"), std::string::npos);
  // The notes move to a second page rather than run into the footer.
  EXPECT_NE(flat.find("暗証番号はこの書面に記載されません"), std::string::npos);
  EXPECT_LE(std::count(text.begin(), text.end(), '\f'), 2);
}

// Measured, printed for the record: the first render loads the fonts; later ones reuse them.
TEST_F(CertificateCopyTest, RenderTimeAndSize) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kIssued);
  for (const char* kind : {"sign", "auth"}) {
    auto copy = CopyOf(r, kind);
    ASSERT_TRUE(copy.ok());
    for (int round = 0; round < 3; ++round) {
      const auto t0 = std::chrono::steady_clock::now();
      auto pdf = RenderCertificateCopy(*copy);
      const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ASSERT_TRUE(pdf.ok()) << pdf.error().ToString();
      std::cout << "[ measure  ] " << kind << " copy, render " << round + 1 << ": " << ms << " ms, "
                << pdf->size() << " bytes\n";
      EXPECT_LT(pdf->size(), 3u << 20);
    }
  }
}

}  // namespace
}  // namespace mynacert::notices
