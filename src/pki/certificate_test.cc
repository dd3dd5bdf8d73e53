// The JPKI profile, checked by OpenSSL's own command-line tools (independent of our code).
#include "pki/certificate.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace mynacert::pki {
namespace {

constexpr auto D = Date::Ymd;

TimePoint At(Date d) { return TimePoint(d.sys_days()); }

std::string TempPath(const std::string& name) {
  return testing::TempDir() + "mynacert_pki_" +
         testing::UnitTest::GetInstance()->current_test_info()->name() + "_" + name;
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Runs a shell command; returns {exit code, stdout+stderr}.
std::pair<int, std::string> Sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

SignHolder Holder() {
  SignHolder h;
  h.name = "横浜　花子";  // 氏 and 名 separated by a full-width space
  h.sex = 2;
  h.birth = D(1985, 7, 7);
  h.address = "神奈川県横浜市中区港町１－１";
  h.prefecture_en = "Kanagawa-ken";
  h.municipality_en = "Yokohama-shi";
  return h;
}

class PkiTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto sign_key = GenerateRsaKey();
    auto auth_key = GenerateRsaKey();
    ASSERT_TRUE(sign_key.ok() && auth_key.ok());
    auto sign = CreateRootCa(CaKind::kSign, 1, MakeKeySigner(std::move(sign_key).value(), "test"),
                             At(D(2026, 1, 1)), 10);
    auto auth = CreateRootCa(CaKind::kAuth, 1, MakeKeySigner(std::move(auth_key).value(), "test"),
                             At(D(2026, 1, 1)), 10);
    auto holder = GenerateRsaKey();  // stands in for the card's key generation
    ASSERT_TRUE(sign.ok() && auth.ok() && holder.ok());
    sign_ca_ = new CaGeneration(std::move(sign).value());
    auth_ca_ = new CaGeneration(std::move(auth).value());
    holder_key_ = holder->release();
  }
  static void TearDownTestSuite() {
    delete sign_ca_;
    delete auth_ca_;
    EVP_PKEY_free(holder_key_);
  }
  static CaGeneration* sign_ca_;
  static CaGeneration* auth_ca_;
  static EVP_PKEY* holder_key_;

  CertRequest SignRequest() {
    CertRequest r;
    r.kind = CaKind::kSign;
    r.public_key = holder_key_;
    r.not_before = At(D(2026, 7, 7));
    r.last_valid_day = D(2030, 7, 7);  // the rules engine's date (R-VAL-1)
    r.subject_cn = "20260707090000000011410000000";
    r.holder = Holder();
    return r;
  }
};
CaGeneration* PkiTest::sign_ca_ = nullptr;
CaGeneration* PkiTest::auth_ca_ = nullptr;
EVP_PKEY* PkiTest::holder_key_ = nullptr;

// 2027-01-01 00:00:00 UTC, inside every validity below.
constexpr const char* kAtTime = "1798761600";

TEST_F(PkiTest, OpensslVerifyAcceptsTheSignCertUnderItsRoot) {
  auto cert = IssueCertificate(*sign_ca_, SignRequest());
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  const std::string ca = Write("ca.pem", CertificatePem(sign_ca_->cert.get()));
  const std::string leaf = Write("leaf.pem", CertificatePem(cert->get()));
  auto [rc, out] =
      Sh("openssl verify -attime " + std::string(kAtTime) + " -CAfile " + ca + " " + leaf);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(": OK"), std::string::npos) << out;
  // The auth root does not verify a sign cert: two separate hierarchies (jpki-facts A1).
  const std::string other = Write("auth_ca.pem", CertificatePem(auth_ca_->cert.get()));
  auto [rc2, out2] =
      Sh("openssl verify -attime " + std::string(kAtTime) + " -CAfile " + other + " " + leaf);
  EXPECT_NE(rc2, 0) << out2;
}

TEST_F(PkiTest, SignCertCarriesTheJpkiProfile) {
  auto cert = IssueCertificate(*sign_ca_, SignRequest());
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  const std::string leaf = Write("leaf.pem", CertificatePem(cert->get()));
  auto [rc, text] = Sh("openssl x509 -noout -text -nameopt utf8,sep_comma_plus_space -in " + leaf);
  ASSERT_EQ(rc, 0) << text;
  for (const char* want :
       {"Version: 3 (0x2)", "Signature Algorithm: sha256WithRSAEncryption",
        "Public-Key: (2048 bit)",
        "Subject: C=JP, L=Kanagawa-ken, L=Yokohama-shi, CN=20260707090000000011410000000",
        "Issuer: C=JP, O=JPKI-MYNACERT, OU=JPKI for digital signature, OU=mynacert test CA (not "
        "J-LIS)",
        "Not After : Jul  7 14:59:59 2030 GMT",  // 2030-07-07 23:59:59 JST
        "X509v3 Key Usage: critical", "Digital Signature, Non Repudiation",
        "X509v3 Certificate Policies: critical",
        "Policy: 1.2.392.200149.8.5.1.0.20",  // the test arc by default (publication.h)
        "CPS: http://127.0.0.1:8080/cps", "X509v3 CRL Distribution Points",
        "OU = CRL Distribution Points, OU = Kanagawa-ken, CN = Yokohama-shi",
        // The same point by URL, the municipality's partition (issue 18), its delta, and
        // where the status and the issuer are.
        "URI:http://127.0.0.1:8080/crl/sign/g1/Kanagawa-ken/Yokohama-shi.crl",
        "X509v3 Freshest CRL", "URI:http://127.0.0.1:8080/crl/sign/g1/Kanagawa-ken/Yokohama-shi.delta.crl",
        "Authority Information Access", "OCSP - URI:http://127.0.0.1:8080/ocsp",
        "CA Issuers - URI:http://127.0.0.1:8080/ca/sign/g1.crt",
        "X509v3 Issuer Alternative Name", "X509v3 Subject Alternative Name",
        "X509v3 Authority Key Identifier", "X509v3 Subject Key Identifier"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  EXPECT_EQ(text.find("Extended Key Usage"), std::string::npos);
  // The personal data as otherNames in the order seen on a card (.1, .4, .3, .5, .2, .6).
  EXPECT_NE(text.find("othername: 1.2.392.200149.8.5.5.1::横浜　花子, "
                      "othername: 1.2.392.200149.8.5.5.4::319850707, "
                      "othername: 1.2.392.200149.8.5.5.3::2, "
                      "othername: 1.2.392.200149.8.5.5.5::神奈川県横浜市中区港町１－１, "
                      "othername: 1.2.392.200149.8.5.5.2::00000, "
                      "othername: 1.2.392.200149.8.5.5.6::00000000000000"),
            std::string::npos)
      << text;
  // The DER parses as a whole, and the values are UTF8Strings.
  auto [rc2, asn1] = Sh("openssl asn1parse -in " + leaf);
  ASSERT_EQ(rc2, 0) << asn1;
  auto [rc3, der] = Sh("openssl x509 -outform DER -in " + leaf + " | od -An -tx1 | tr -d ' \\n'");
  ASSERT_EQ(rc3, 0);
  // otherName .4 = [0] { UTF8String "319850707" }: a0 0b 0c 09 …
  EXPECT_NE(der.find("2a83088c9b5508050504a00b0c09333139383530373037"), std::string::npos);
}

TEST_F(PkiTest, AuthCertHasNoPersonalData) {
  CertRequest r;
  r.kind = CaKind::kAuth;
  r.public_key = holder_key_;
  r.not_before = At(D(2026, 7, 7));
  r.last_valid_day = D(2030, 7, 7);
  r.subject_cn = "997794E9AGCIEG13221003A";
  auto cert = IssueCertificate(*auth_ca_, r);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  const std::string ca = Write("ca.pem", CertificatePem(auth_ca_->cert.get()));
  const std::string leaf = Write("leaf.pem", CertificatePem(cert->get()));
  auto [rc, out] =
      Sh("openssl verify -attime " + std::string(kAtTime) + " -CAfile " + ca + " " + leaf);
  EXPECT_EQ(rc, 0) << out;
  auto [rc2, text] = Sh("openssl x509 -noout -text -nameopt utf8,sep_comma_plus_space -in " + leaf);
  ASSERT_EQ(rc2, 0);
  EXPECT_NE(text.find("Subject: C=JP, CN=997794E9AGCIEG13221003A"), std::string::npos) << text;
  EXPECT_NE(text.find("Policy: 1.2.392.200149.8.5.1.0.30"), std::string::npos);
  EXPECT_NE(text.find("Digital Signature\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Non Repudiation"), std::string::npos);
  EXPECT_EQ(text.find("Subject Alternative Name"), std::string::npos);  // R-CERT-3
  // No municipality: the partition is the serial's last hex digit, by URL only.
  auto issued = IssueCertificateDer(*auth_ca_, r);
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->crl_scope, std::string(1, issued->serial_hex.back()));
  EXPECT_EQ(text.find("Directory Name"), std::string::npos) << text;
  const std::string serial = SerialHex(X509_get0_serialNumber(cert->get()));
  EXPECT_NE(text.find("URI:http://127.0.0.1:8080/crl/auth/g1/" + std::string(1, serial.back()) + ".crl"),
            std::string::npos) << text;
  EXPECT_NE(text.find("OCSP - URI:http://127.0.0.1:8080/ocsp"), std::string::npos);
}

TEST_F(PkiTest, ThePublicationSettingsNameTheUrlsAndThePolicy) {
  CaGeneration ca{sign_ca_->kind, sign_ca_->generation, sign_ca_->signer,
                  X509Ptr(X509_dup(sign_ca_->cert.get())), {}};
  ca.publication.base_url = "https://jpki.example.org/sandbox";
  ca.publication.policy = PolicyArc::kProduction;
  CertRequest r = SignRequest();
  r.holder.prefecture_en = "Tokyo-to";
  r.holder.municipality_en = "Kiyose shi";  // a space: escaped in the URL
  auto cert = IssueCertificate(ca, r);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  auto [rc, text] = Sh("openssl x509 -noout -text -in " +
                       Write("leaf.pem", CertificatePem(cert->get())));
  ASSERT_EQ(rc, 0);
  for (const char* want : {"Policy: 1.2.392.200149.8.5.1.1.20", "CPS: https://jpki.example.org/sandbox/cps",
                           "URI:https://jpki.example.org/sandbox/crl/sign/g1/Tokyo-to/Kiyose%20shi.crl",
                           "OCSP - URI:https://jpki.example.org/sandbox/ocsp"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  auto path = ParseCrlPath("sign/g1/Tokyo-to/Kiyose%20shi.delta.crl");
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->scope, "Tokyo-to/Kiyose shi");
  EXPECT_TRUE(path->delta);
  EXPECT_EQ(path->generation, 1);
  for (const char* bad : {"sign/g1/Tokyo-to.crl", "auth/g1/A/B.crl", "sign/g0/a/b.crl", "sign/g1/a/b.pem",
                          "sign/g1/a%2Fb/c.crl", "sign/g1/../x.crl", "auth/gx/A.crl", "auth/g1/A%2.crl", "x"}) {
    EXPECT_FALSE(ParseCrlPath(bad).has_value()) << bad;
  }
}

TEST(Publication, TheFileIsReadAndCheckedAndBadUrlsNameTheField) {
  const auto dir = std::filesystem::temp_directory_path() / ("mynacert-publication-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto defaults = LoadPublication(dir.string());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(defaults->policy, PolicyArc::kTest);
  Publication p;
  p.base_url = "http://127.0.0.1:9000";
  p.policy = PolicyArc::kProduction;
  EXPECT_EQ(defaults->ocsp_responder_days, 7);
  p.ocsp_responder_days = 30;
  EXPECT_FALSE(defaults->status_restricted);  // a sandbox publishes to anyone
  p.status_restricted = true;
  ASSERT_TRUE(SavePublication(dir.string(), p).ok());
  EXPECT_EQ(std::filesystem::status(dir / kPublicationFile).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto read = LoadPublication(dir.string());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->base_url, p.base_url);
  EXPECT_EQ(read->policy, PolicyArc::kProduction);
  EXPECT_EQ(read->ocsp_responder_days, 30);
  EXPECT_TRUE(read->status_restricted);
  for (const char* bad : {"ftp://x", "http://", "http://x/", "http://x/a b", "http://x?q=1", "localhost:8080"}) {
    p.base_url = bad;
    const Status st = SavePublication(dir.string(), p);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().field, "url");
  }
  // A file edited by hand: the line is named.
  { std::ofstream(dir / kPublicationFile) << "url = http://x\npolicy = maybe\n"; }
  auto edited = LoadPublication(dir.string());
  ASSERT_FALSE(edited.ok());
  EXPECT_NE(edited.error().field.find("publication.conf:2"), std::string::npos) << edited.error().field;
  for (const char* access : {"open", "", "Restricted"}) {
    { std::ofstream(dir / kPublicationFile) << "# c\nstatus_access = " << access << "\n"; }
    auto refused = LoadPublication(dir.string());
    ASSERT_FALSE(refused.ok()) << access;
    EXPECT_NE(refused.error().field.find("publication.conf:2"), std::string::npos) << access;
  }
  for (const char* days : {"0", "367", "7d", "", "-1"}) {
    { std::ofstream(dir / kPublicationFile) << "# c\nocsp_responder_days = " << days << "\n"; }
    auto refused = LoadPublication(dir.string());
    ASSERT_FALSE(refused.ok()) << days;
    EXPECT_NE(refused.error().field.find("publication.conf:2"), std::string::npos) << days;
  }
  std::filesystem::remove_all(dir);
}

TEST_F(PkiTest, ReadPersonalDataGivesBackTheHolder) {
  auto cert = IssueCertificate(*sign_ca_, SignRequest());
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  const CertifiedPersonalData data = ReadPersonalData(cert->get());
  EXPECT_EQ(data.name, Holder().name);
  EXPECT_EQ(data.address, Holder().address);
  EXPECT_EQ(data.sex, "2");
  EXPECT_EQ(data.birth_date, "319850707");
  ASSERT_TRUE(data.name_substitution.has_value());
  EXPECT_EQ(*data.name_substitution, std::string(5, '0'));  // one flag per character of the name
  EXPECT_TRUE(data.address_substitution.has_value());

  CertRequest r = SignRequest();
  r.kind = CaKind::kAuth;
  r.holder = SignHolder();
  auto auth = IssueCertificate(*auth_ca_, r);
  ASSERT_TRUE(auth.ok()) << auth.error().ToString();
  const CertifiedPersonalData none = ReadPersonalData(auth->get());  // R-CERT-3: no SAN
  EXPECT_FALSE(none.name || none.name_substitution || none.sex || none.birth_date || none.address ||
               none.address_substitution);
}

// The verifier API's look-up reads the serial and issuer without d2i_X509 (and its public-key
// decoding): the same serial and issuer as OpenSSL's full parse; anything not shaped like a
// certificate — truncated, with trailing bytes, not DER — is refused naming the field.
TEST_F(PkiTest, PeekReadsSerialAndIssuerAsTheFullParseDoes) {
  for (const CaGeneration* ca : {sign_ca_, auth_ca_}) {
    CertRequest r = SignRequest();
    if (ca == auth_ca_) {
      r.kind = CaKind::kAuth;
    }
    auto cert = IssueCertificate(*ca, r);
    ASSERT_TRUE(cert.ok()) << cert.error().ToString();
    const std::string der = CertificateDer(cert->get());
    auto peek = PeekCertificate(der, "certificate_hex");
    ASSERT_TRUE(peek.ok()) << peek.error().ToString();
    EXPECT_EQ(peek->serial_hex, SerialHex(X509_get0_serialNumber(cert->get())));
    EXPECT_EQ(peek->issuer_der, SubjectNameDer(ca->cert.get()));
    EXPECT_NE(peek->issuer_der, SubjectNameDer((ca == sign_ca_ ? auth_ca_ : sign_ca_)->cert.get()));
    for (const std::string& bad : {der.substr(0, der.size() - 1), der + std::string(1, '\0'), der.substr(0, 20),
                                   std::string("junk"), std::string()}) {
      auto refused = PeekCertificate(bad, "certificate_hex");
      ASSERT_FALSE(refused.ok()) << bad.size();
      EXPECT_EQ(refused.error().field, "certificate_hex");
    }
  }
}

TEST_F(PkiTest, SerialsArePositiveRandomAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto cert = IssueCertificate(*sign_ca_, SignRequest());
    ASSERT_TRUE(cert.ok());
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert->get());
    BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    EXPECT_FALSE(BN_is_negative(bn.get()));
    EXPECT_GE(BN_num_bits(bn.get()), 64);
    char* hex = BN_bn2hex(bn.get());
    EXPECT_TRUE(seen.insert(hex).second);
    OPENSSL_free(hex);
  }
}

TEST_F(PkiTest, BadRequestsNameTheField) {
  CertRequest wrong_ca = SignRequest();
  EXPECT_EQ(IssueCertificate(*auth_ca_, wrong_ca).error().field, "kind");
  CertRequest no_key = SignRequest();
  no_key.public_key = nullptr;
  EXPECT_EQ(IssueCertificate(*sign_ca_, no_key).error().field, "public_key");
  CertRequest backwards = SignRequest();
  backwards.last_valid_day = D(2026, 7, 6);
  EXPECT_EQ(IssueCertificate(*sign_ca_, backwards).error().field, "last_valid_day");
  CertRequest bad_sex = SignRequest();
  bad_sex.holder.sex = 3;
  EXPECT_EQ(IssueCertificate(*sign_ca_, bad_sex).error().field, "holder.sex");
  CertRequest bad_flags = SignRequest();
  bad_flags.holder.name_substitution = "0101";  // the name has 5 characters
  EXPECT_EQ(IssueCertificate(*sign_ca_, bad_flags).error().field, "holder.name_substitution");
  auto small = GenerateRsaKey(1024);
  ASSERT_TRUE(small.ok());
  CertRequest weak = SignRequest();
  weak.public_key = small->get();
  EXPECT_EQ(IssueCertificate(*sign_ca_, weak).error().field, "public_key");
}

TEST(BirthDateField, EraDigitThenGregorianDate) {
  EXPECT_EQ(BirthDateField(D(1980, 2, 17)), "319800217");  // jpki-facts A4 example
  EXPECT_EQ(BirthDateField(D(1989, 1, 7)), "319890107");   // last day of 昭和
  EXPECT_EQ(BirthDateField(D(1989, 1, 8)), "419890108");   // first day of 平成
  EXPECT_EQ(BirthDateField(D(2019, 4, 30)), "420190430");
  EXPECT_EQ(BirthDateField(D(2019, 5, 1)), "520190501");    // 令和
  EXPECT_EQ(BirthDateField(D(1926, 12, 24)), "219261224");  // 大正
  EXPECT_EQ(BirthDateField(D(1912, 7, 29)), "119120729");   // 明治
}

TEST(ParseBirthDateField, GregorianDateAfterTheEraDigit) {
  EXPECT_EQ(ParseBirthDateField("319800217"), D(1980, 2, 17));
  EXPECT_EQ(ParseBirthDateField(BirthDateField(D(2019, 5, 1))), D(2019, 5, 1));
  EXPECT_EQ(ParseBirthDateField("19800217"), std::nullopt);   // no era digit
  EXPECT_EQ(ParseBirthDateField("319800230"), std::nullopt);  // no such day
  EXPECT_EQ(ParseBirthDateField(""), std::nullopt);
}

TEST(WindowId, TheCodeAndTheCountersNumber) {
  auto window = WindowId("141003", 7);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(*window, "141003007");
  auto bad = WindowId("141004", 7, "local_government_code");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "local_government_code");
  EXPECT_EQ(*WindowId("141003", 0), "141003000");  // no counter: a card issuance
  EXPECT_FALSE(WindowId("141003", -1).ok());
  EXPECT_FALSE(WindowId("141003", 1000).ok());
}

// The real shapes (jpki-facts A3): a sign CN of 28 characters, time + sequence + window; an
// auth CN of 23 upper-case letters and digits laid out as `997794E9AGCIEG13221003A`.
TEST(NewSubjectCn, TheRealShapesOfBothKinds) {
  // 2026-12-03 22:15:07 UTC = 2026-12-04 07:15:07 JST.
  const TimePoint at = TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 12 / 3)) +
                       std::chrono::hours(22) + std::chrono::minutes(15) + std::chrono::seconds(7);
  auto sign = NewSubjectCn(CaKind::kSign, at, "132217003");
  auto auth = NewSubjectCn(CaKind::kAuth, at, "132217003");
  ASSERT_TRUE(sign.ok() && auth.ok());
  ASSERT_EQ(sign->size(), 28u);
  EXPECT_EQ(sign->substr(0, 14), "20261204071507");
  EXPECT_EQ(sign->substr(19), "132217003");
  for (char c : *sign) EXPECT_TRUE(c >= '0' && c <= '9') << *sign;
  ASSERT_EQ(auth->size(), 23u);
  EXPECT_EQ(auth->substr(14, 8), "13221003");  // as in the real 997794E9AGCIEG13221003A
  for (char c : *auth) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) << *auth;
  EXPECT_NE(*NewSubjectCn(CaKind::kAuth, at, "132217003"), *auth);

  auto parsed = ParseSubjectCn(CaKind::kSign, *sign);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->requested_at,
            std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
  EXPECT_EQ(parsed->local_government_code, "132217");
  EXPECT_EQ(parsed->counter_number, "003");
  auto real = ParseSubjectCn(CaKind::kAuth, "997794E9AGCIEG13221003A");
  ASSERT_TRUE(real);
  EXPECT_EQ(real->local_government_code, "13221");
  EXPECT_EQ(real->counter_number, "003");
  EXPECT_FALSE(ParseSubjectCn(CaKind::kAuth, "0123456789ABCDEF0123456789ABCDEF"));  // old hex
  EXPECT_FALSE(ParseSubjectCn(CaKind::kSign, "2026023007150712345132217003"));  // Feb 30

  for (std::string_view bad : {"13221700", "13221700A", "1322170030"}) {
    auto refused = NewSubjectCn(CaKind::kSign, at, bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().field, "window_id");
  }
}

TEST(EndOfDayJst, IsFourteenFiftyNineUtc) {
  const auto t = EndOfDayJst(D(2030, 7, 7));
  const time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&tt, &utc);
  EXPECT_EQ(utc.tm_year + 1900, 2030);
  EXPECT_EQ(utc.tm_mday, 7);
  EXPECT_EQ(utc.tm_hour, 14);
  EXPECT_EQ(utc.tm_min, 59);
  EXPECT_EQ(utc.tm_sec, 59);
}

}  // namespace
}  // namespace mynacert::pki
