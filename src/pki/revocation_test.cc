// The CA store, CRLs and OCSP answers, checked by OpenSSL's own tools: `openssl verify
// -crl_check`, `openssl crl`, `openssl asn1parse`, `openssl ocsp -respin` (which verifies the
// response signature and the delegated responder).
#include <gtest/gtest.h>

#include "store/testing.h"
#include <openssl/ocsp.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pki/ca_directory.h"
#include "pki/ca_store.h"
#include "pki/crl.h"
#include "pki/key_file.h"
#include "pki/ocsp.h"

namespace mynacert::pki {
namespace {

const KeySecrets kSecrets{"correct horse battery staple", {}};

std::string Dir() {
  const std::string d = testing::TempDir() + "mynacert_revocation_" +
                        testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// Runs a shell command; returns its exit code and (optionally) its output.
int Shell(const std::string& cmd, std::string* output = nullptr) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int s = pclose(p);
  if (output) *output = out;
  return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The CA's store on both engines (store/testing.h).
class RevocationTest : public store::testing::EngineTest {
 protected:
  void SetUp() override {
    store::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    dir_ = Dir();
    ASSERT_TRUE(
        InitCaDirectory(dir_, kSecrets, std::chrono::system_clock::now() - std::chrono::hours(1))
            .ok());
    auto ca = LoadCa(dir_, CaKind::kAuth, 1, kSecrets);
    ASSERT_TRUE(ca.ok());
    ca_ = std::move(ca).value();
    auto store = CaStore::Open(Db());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(store).value();
    auto key = GenerateRsaKey();
    ASSERT_TRUE(key.ok());
    holder_key_ = std::move(key).value();
  }

  // Issues an auth certificate, records it and writes it to <dir>/<name>.pem.
  IssuedCert Issue(const std::string& name) {
    CertRequest r;
    r.kind = CaKind::kAuth;
    r.public_key = holder_key_.get();
    r.not_before = std::chrono::system_clock::now() - std::chrono::minutes(5);
    r.last_valid_day = Date::Ymd(2031, 7, 7);
    r.subject_cn = "holder-" + name;
    auto cert = IssueCertificate(ca_, r);
    EXPECT_TRUE(cert.ok());
    auto row = DescribeIssued(cert->get(), CaKind::kAuth, 1, Now(), "card-" + name);
    EXPECT_TRUE(row.ok());
    EXPECT_TRUE(store_->RecordIssued(*row, "staff-001").ok());
    WriteFile(dir_ + "/" + name + ".pem", CertificatePem(cert->get()));
    return *row;
  }

  std::string Crl(bool delta, const std::string& name) {
    CrlOptions options;
    options.delta = delta;
    auto crl = GenerateCrl(*store_, ca_, std::chrono::system_clock::now(), options);
    EXPECT_TRUE(crl.ok()) << crl.error().ToString();
    WriteFile(dir_ + "/" + name, crl->der);
    return dir_ + "/" + name;
  }

  std::string Db() const { return postgres() ? locator() : dir_ + "/ca.db"; }
  std::string dir_;
  CaGeneration ca_;
  std::unique_ptr<CaStore> store_;
  EvpPkeyPtr holder_key_;
};

TEST_P(RevocationTest, OpensslVerifyAcceptsThenRejectsAfterRevocation) {
  const IssuedCert cert = Issue("alice");
  const std::string ca_pem = dir_ + "/auth-ca-1.crt.pem";
  std::string crl_der = Crl(false, "full-1.crl");
  ASSERT_EQ(Shell("openssl crl -inform DER -in " + crl_der + " -out " + dir_ + "/c1.pem"), 0);
  std::string out;
  EXPECT_EQ(Shell("openssl verify -crl_check -CAfile " + ca_pem + " -CRLfile " + dir_ + "/c1.pem " +
                      dir_ + "/alice.pem",
                  &out),
            0)
      << out;
  ASSERT_TRUE(store_
                  ->Revoke(CaKind::kAuth, cert.serial_hex, RevocationReason::kAffiliationChanged,
                           Now(), "staff-001", "住所変更 (R-CERT-5)")
                  .ok());
  crl_der = Crl(false, "full-2.crl");
  ASSERT_EQ(Shell("openssl crl -inform DER -in " + crl_der + " -out " + dir_ + "/c2.pem"), 0);
  EXPECT_NE(Shell("openssl verify -crl_check -CAfile " + ca_pem + " -CRLfile " + dir_ + "/c2.pem " +
                      dir_ + "/alice.pem",
                  &out),
            0);
  EXPECT_NE(out.find("certificate revoked"), std::string::npos) << out;
  // The CRL text: number 2, the serial, the reason, the AKI; signature verifies.
  ASSERT_EQ(
      Shell("openssl crl -inform DER -noout -text -CAfile " + ca_pem + " -in " + crl_der, &out), 0);
  EXPECT_NE(out.find("verify OK"), std::string::npos) << out;
  EXPECT_NE(out.find("X509v3 CRL Number: \n                2"), std::string::npos) << out;
  EXPECT_NE(out.find(cert.serial_hex), std::string::npos) << out;
  EXPECT_NE(out.find("Affiliation Changed"), std::string::npos) << out;
  EXPECT_NE(out.find("X509v3 Authority Key Identifier"), std::string::npos) << out;
  EXPECT_EQ(Shell("openssl asn1parse -inform DER -in " + crl_der), 0);
  // A revoked certificate cannot be revoked again; an unknown one is NotFound.
  Status again = store_->Revoke(CaKind::kAuth, cert.serial_hex, RevocationReason::kKeyCompromise,
                                Now(), "staff-001");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->Revoke(CaKind::kAuth, "ABCDEF", RevocationReason::kKeyCompromise, Now(), "x")
                .error()
                .code,
            ErrorCode::kNotFound);
}

TEST_P(RevocationTest, HoldReleaseAndDeltaCrls) {
  const IssuedCert a = Issue("a");
  const IssuedCert b = Issue("b");
  Crl(false, "base.crl");  // number 1, empty
  ASSERT_TRUE(store_
                  ->Revoke(CaKind::kAuth, a.serial_hex, RevocationReason::kCertificateHold, Now(),
                           "staff-002")
                  .ok());
  ASSERT_TRUE(store_
                  ->Revoke(CaKind::kAuth, b.serial_hex, RevocationReason::kKeyCompromise, Now(),
                           "staff-002")
                  .ok());
  std::string out;
  std::string delta = Crl(true, "delta-2.crl");
  ASSERT_EQ(Shell("openssl crl -inform DER -noout -text -in " + delta, &out), 0);
  EXPECT_NE(out.find("Delta CRL Indicator: critical"), std::string::npos) << out;
  EXPECT_NE(out.find("Certificate Hold"), std::string::npos) << out;
  EXPECT_NE(out.find("Key Compromise"), std::string::npos) << out;
  ASSERT_TRUE(store_->ReleaseHold(CaKind::kAuth, a.serial_hex, Now(), "staff-003").ok());
  EXPECT_FALSE(store_->ReleaseHold(CaKind::kAuth, a.serial_hex, Now(), "staff-003").ok());
  delta = Crl(true, "delta-3.crl");
  ASSERT_EQ(Shell("openssl crl -inform DER -noout -text -in " + delta, &out), 0);
  EXPECT_NE(out.find("Remove From CRL"), std::string::npos) << out;
  const std::string full = Crl(false, "full-4.crl");
  ASSERT_EQ(Shell("openssl crl -inform DER -noout -text -in " + full, &out), 0);
  EXPECT_EQ(out.find(a.serial_hex), std::string::npos) << "released hold stays off the CRL";
  EXPECT_NE(out.find(b.serial_hex), std::string::npos);
  // The audit trail names every actor and action in order.
  auto events = store_->Events(0, 100);
  ASSERT_TRUE(events.ok());
  std::string actions;
  for (const CaEvent& e : *events) actions += e.action + "/" + e.actor + " ";
  EXPECT_EQ(actions,
            "issue/staff-001 issue/staff-001 crl/system hold/staff-002 revoke/staff-002 "
            "crl/system release/staff-003 crl/system crl/system ");
}

// Issue 18: each certificate names the partition CRL that covers it (its distribution point,
// matched by the CRL's issuingDistributionPoint) and the partition's delta (freshestCRL).
// OpenSSL with -extended_crl -use_deltas and GnuTLS's certtool, two independent verifiers.
TEST_P(RevocationTest, PartitionCrlsAndTheirDeltasMatchTheCertificatesDistributionPoints) {
  const IssuedCert a = Issue("a");
  ASSERT_EQ(a.crl_scope, AuthCrlScope(a.serial_hex));
  ASSERT_EQ(a.crl_scope.size(), 1u);
  // A certificate of another partition, revoked: never on a's partition CRL.
  IssuedCert other;
  for (int i = 0; i < 64 && (other.serial_hex.empty() || other.crl_scope == a.crl_scope); ++i) {
    other = Issue("other");
  }
  ASSERT_NE(other.crl_scope, a.crl_scope);
  ASSERT_TRUE(store_->Revoke(CaKind::kAuth, other.serial_hex, RevocationReason::kKeyCompromise, Now(), "s").ok());
  auto crl = [&](bool delta, const std::string& scope, const std::string& name) {
    CrlOptions options;
    options.delta = delta;
    options.scope = scope;
    auto made = GenerateCrl(*store_, ca_, std::chrono::system_clock::now(), options);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    WriteFile(dir_ + "/" + name + ".der", made->der);
    EXPECT_EQ(Shell("openssl crl -inform DER -in " + dir_ + "/" + name + ".der -out " + dir_ + "/" + name + ".pem"), 0);
    return dir_ + "/" + name + ".pem";
  };
  const std::string ca_pem = dir_ + "/auth-ca-1.crt.pem";
  const std::string verify = "openssl verify -crl_check -extended_crl -use_deltas -CAfile " + ca_pem;
  const std::string full = crl(false, a.crl_scope, "full");
  std::string out;
  ASSERT_EQ(Shell("openssl crl -noout -text -in " + full, &out), 0);
  EXPECT_NE(out.find("X509v3 Issuing Distribution Point: critical"), std::string::npos) << out;
  EXPECT_NE(out.find("URI:" + ca_.publication.CrlUrl(CaKind::kAuth, 1, a.crl_scope, false)), std::string::npos) << out;
  EXPECT_NE(out.find("Only User Certificates"), std::string::npos) << out;
  EXPECT_NE(out.find("X509v3 Freshest CRL"), std::string::npos) << out;
  EXPECT_NE(out.find(ca_.publication.CrlUrl(CaKind::kAuth, 1, a.crl_scope, true)), std::string::npos) << out;
  EXPECT_EQ(out.find(other.serial_hex), std::string::npos) << "another partition's entry";
  EXPECT_EQ(Shell(verify + " -CRLfile " + full + " " + dir_ + "/a.pem", &out), 0) << out;
  // The other partition's CRL does not cover a: OpenSSL says so ("different CRL scope").
  const std::string foreign = crl(false, other.crl_scope, "foreign");
  EXPECT_NE(Shell(verify + " -CRLfile " + foreign + " " + dir_ + "/a.pem", &out), 0);
  EXPECT_NE(out.find("different CRL scope"), std::string::npos) << out;
  EXPECT_NE(Shell(verify + " -CRLfile " + foreign + " " + dir_ + "/other.pem", &out), 0);
  EXPECT_NE(out.find("certificate revoked"), std::string::npos) << out;

  // Revoked after the full CRL: only the delta knows, and a verifier using deltas refuses.
  ASSERT_TRUE(store_->Revoke(CaKind::kAuth, a.serial_hex, RevocationReason::kKeyCompromise, Now(), "s").ok());
  const std::string delta = crl(true, a.crl_scope, "delta");
  ASSERT_EQ(Shell("openssl crl -noout -text -in " + delta, &out), 0);
  EXPECT_NE(out.find("Delta CRL Indicator: critical"), std::string::npos) << out;
  EXPECT_NE(out.find("X509v3 Issuing Distribution Point: critical"), std::string::npos) << out;
  EXPECT_EQ(out.find("Freshest CRL"), std::string::npos) << "a delta names no further delta";
  EXPECT_EQ(Shell(verify + " -CRLfile " + full + " " + dir_ + "/a.pem", &out), 0) << "the full CRL alone is stale";
  const std::string both = dir_ + "/both.pem";
  ASSERT_EQ(Shell("cat " + full + " " + delta + " > " + both), 0);
  EXPECT_NE(Shell(verify + " -CRLfile " + both + " " + dir_ + "/a.pem", &out), 0);
  EXPECT_NE(out.find("certificate revoked"), std::string::npos) << out;

  // GnuTLS: the partition CRL with its critical issuingDistributionPoint is read and applied.
  const std::string next_full = crl(false, a.crl_scope, "full-2");
  const std::string chain = dir_ + "/chain.pem";
  ASSERT_EQ(Shell("cat " + dir_ + "/a.pem " + ca_pem + " > " + chain), 0);
  if (Shell("command -v certtool") != 0 && std::getenv("CI") == nullptr) GTEST_SKIP() << "no certtool (gnutls-bin)";
  EXPECT_EQ(Shell("certtool --verify --load-ca-certificate " + ca_pem + " --load-crl " + full +
                      " --infile " + chain, &out), 0) << out;
  EXPECT_NE(Shell("certtool --verify --load-ca-certificate " + ca_pem + " --load-crl " + next_full +
                      " --infile " + chain, &out), 0) << out;
  EXPECT_NE(out.find("revoked"), std::string::npos) << out;
}

// A sign certificate's partition is its municipality: the CRL's issuingDistributionPoint names
// the same directoryName and URL as the certificate.
TEST_P(RevocationTest, SignCertificatesArePartitionedByMunicipality) {
  auto sign_ca = LoadCa(dir_, CaKind::kSign, 1, kSecrets);
  ASSERT_TRUE(sign_ca.ok());
  CertRequest r;
  r.kind = CaKind::kSign;
  r.public_key = holder_key_.get();
  r.not_before = std::chrono::system_clock::now() - std::chrono::minutes(5);
  r.last_valid_day = Date::Ymd(2031, 7, 7);
  r.subject_cn = "sign-holder";
  r.holder.name = "横浜　花子";
  r.holder.address = "神奈川県横浜市中区港町１－１";
  r.holder.birth = Date::Ymd(1985, 7, 7);
  r.holder.sex = 2;
  r.holder.prefecture_en = "Kanagawa-ken";
  r.holder.municipality_en = "Yokohama-shi";
  auto issued = IssueCertificateDer(*sign_ca, r);
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->crl_scope, "Kanagawa-ken/Yokohama-shi");
  const IssuedCert row = DescribeIssued(*issued, CaKind::kSign, 1, "sign-holder", Now(), "card-s");
  ASSERT_TRUE(store_->RecordIssued(row, "staff").ok());
  auto parsed = ParseCertificateDer(row.der);
  ASSERT_TRUE(parsed.ok());
  // The slow path reads the same scope back from the certificate.
  auto described = DescribeIssued(parsed->get(), CaKind::kSign, 1, Now(), "card-s");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->crl_scope, "Kanagawa-ken/Yokohama-shi");
  WriteFile(dir_ + "/s.pem", CertificatePem(parsed->get()));
  CrlOptions options;
  options.scope = "Kanagawa-ken/Yokohama-shi";
  auto crl = GenerateCrl(*store_, *sign_ca, std::chrono::system_clock::now(), options);
  ASSERT_TRUE(crl.ok()) << crl.error().ToString();
  WriteFile(dir_ + "/y.der", crl->der);
  std::string out;
  ASSERT_EQ(Shell("openssl crl -inform DER -in " + dir_ + "/y.der -out " + dir_ + "/y.pem"), 0);
  ASSERT_EQ(Shell("openssl crl -noout -text -nameopt utf8 -in " + dir_ + "/y.pem", &out), 0);
  EXPECT_NE(out.find("CN = Yokohama-shi"), std::string::npos) << out;
  const std::string verify = "openssl verify -crl_check -extended_crl -use_deltas -CAfile " + dir_ +
                             "/sign-ca-1.crt.pem -CRLfile " + dir_ + "/y.pem " + dir_ + "/s.pem";
  EXPECT_EQ(Shell(verify, &out), 0) << out;
  ASSERT_TRUE(store_->Revoke(CaKind::kSign, row.serial_hex, RevocationReason::kAffiliationChanged, Now(), "s").ok());
  crl = GenerateCrl(*store_, *sign_ca, std::chrono::system_clock::now(), options);
  ASSERT_TRUE(crl.ok());
  WriteFile(dir_ + "/y.der", crl->der);
  ASSERT_EQ(Shell("openssl crl -inform DER -in " + dir_ + "/y.der -out " + dir_ + "/y.pem"), 0);
  EXPECT_NE(Shell(verify, &out), 0);
  EXPECT_NE(out.find("certificate revoked"), std::string::npos) << out;
  // A scope that is not a municipality of a sign CA is refused, naming the field.
  options.scope = "7";
  auto bad = GenerateCrl(*store_, *sign_ca, std::chrono::system_clock::now(), options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "scope");
}

TEST_P(RevocationTest, RenewalRevokesTheOldOneSupersededInOneTransaction) {
  const IssuedCert old_cert = Issue("old");
  CertRequest r;
  r.kind = CaKind::kAuth;
  r.public_key = holder_key_.get();
  r.not_before = std::chrono::system_clock::now();
  r.last_valid_day = Date::Ymd(2032, 1, 1);
  r.subject_cn = "holder-new";
  auto cert = IssueCertificate(ca_, r);
  ASSERT_TRUE(cert.ok());
  auto row = DescribeIssued(cert->get(), CaKind::kAuth, 1, Now(), "card-old");
  ASSERT_TRUE(row.ok());
  // Renewing an unknown serial fails and leaves the new certificate unrecorded.
  EXPECT_FALSE(store_->RecordRenewal(*row, "00", Now(), "staff").ok());
  auto missing = store_->Find(CaKind::kAuth, row->serial_hex);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store_->RecordRenewal(*row, old_cert.serial_hex, Now(), "staff").ok());
  auto old_after = store_->Find(CaKind::kAuth, old_cert.serial_hex);
  ASSERT_TRUE(old_after.ok() && old_after->has_value());
  EXPECT_EQ((*old_after)->state, CertState::kRevoked);
  EXPECT_EQ((*old_after)->reason, RevocationReason::kSuperseded);
  auto by_holder = store_->FindByHolder("card-old");
  ASSERT_TRUE(by_holder.ok());
  EXPECT_EQ(by_holder->size(), 2u);
}

TEST_P(RevocationTest, ReasonNamesRoundTrip) {
  for (const char* name : {"keyCompromise", "affiliationChanged", "superseded",
                           "cessationOfOperation", "certificateHold", "unspecified"}) {
    auto r = ParseRevocationReason(name, "reason");
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(RevocationReasonName(*r), name);
  }
  auto bad = ParseRevocationReason("stolen", "reason");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "reason");
  EXPECT_NE(bad.error().message.find("keyCompromise"), std::string::npos);
}

// --- OCSP -------------------------------------------------------------------------------

std::string Request(const std::string& dir, const std::string& cert, bool nonce) {
  const std::string path = dir + "/req.der";
  std::filesystem::remove(path);
  Shell("openssl ocsp -issuer " + dir + "/auth-ca-1.crt.pem -cert " + cert + " -reqout " + path +
        (nonce ? "" : " -no_nonce"));
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string CheckWithOpenssl(const std::string& dir, const std::string& cert,
                             const std::string& response, const std::string& request = "") {
  WriteFile(dir + "/resp.der", response);
  std::string out;
  // With -reqin (and no -cert, which would build a new request with a new nonce) openssl
  // checks the response's nonce against the request's.
  const std::string which = request.empty() ? " -issuer " + dir + "/auth-ca-1.crt.pem -cert " + cert
                                            : " -reqin " + dir + "/req.der";
  Shell("openssl ocsp -respin " + dir + "/resp.der" + which + " -CAfile " + dir +
            "/auth-ca-1.crt.pem -resp_text",
        &out);
  return out;
}

TEST_P(RevocationTest, OcspGoodRevokedUnknownNonceAndCache) {
  const IssuedCert cert = Issue("carol");
  auto store = CaStore::Open(Db());
  ASSERT_TRUE(store.ok());
  auto responder = OcspResponder::FromDirectory(dir_, kSecrets, std::move(store).value());
  ASSERT_TRUE(responder.ok()) << responder.error().ToString();
  OcspResponder& ocsp = **responder;

  const std::string request = Request(dir_, dir_ + "/carol.pem", false);
  ASSERT_FALSE(request.empty());
  std::string out = CheckWithOpenssl(dir_, dir_ + "/carol.pem", ocsp.Respond(request));
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_NE(out.find(": good"), std::string::npos) << out;
  EXPECT_NE(out.find("Responder Id: "), std::string::npos) << out;
  // The second identical request is served from the pre-signed cache.
  ocsp.Respond(request);
  EXPECT_EQ(ocsp.stats().cache_hits, 1u);
  EXPECT_EQ(ocsp.stats().signatures, 1u);

  // Revocation reaches the cached answer through Refresh (re-signed, not just dropped).
  ASSERT_TRUE(store_
                  ->Revoke(CaKind::kAuth, cert.serial_hex, RevocationReason::kKeyCompromise, Now(),
                           "staff-001")
                  .ok());
  auto resigned = ocsp.Refresh();
  ASSERT_TRUE(resigned.ok());
  EXPECT_EQ(*resigned, 1);
  out = CheckWithOpenssl(dir_, dir_ + "/carol.pem", ocsp.Respond(request));
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_NE(out.find(": revoked"), std::string::npos) << out;
  EXPECT_NE(out.find("Reason: keyCompromise"), std::string::npos) << out;

  // A nonce is echoed (openssl checks it against the request) and never cached.
  const std::string with_nonce = Request(dir_, dir_ + "/carol.pem", true);
  out = CheckWithOpenssl(dir_, dir_ + "/carol.pem", ocsp.Respond(with_nonce), with_nonce);
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_EQ(out.find("WARNING: no nonce"), std::string::npos) << out;
  EXPECT_EQ(out.find("Nonce Verify error"), std::string::npos) << out;
  EXPECT_NE(out.find("OCSP Nonce"), std::string::npos) << out;

  // A certificate this CA never recorded: unknown.
  CertRequest r;
  r.kind = CaKind::kAuth;
  r.public_key = holder_key_.get();
  r.not_before = std::chrono::system_clock::now();
  r.last_valid_day = Date::Ymd(2031, 1, 1);
  r.subject_cn = "never-recorded";
  auto stray = IssueCertificate(ca_, r);
  ASSERT_TRUE(stray.ok());
  WriteFile(dir_ + "/stray.pem", CertificatePem(stray->get()));
  out = CheckWithOpenssl(dir_, dir_ + "/stray.pem",
                         ocsp.Respond(Request(dir_, dir_ + "/stray.pem", false)));
  EXPECT_NE(out.find(": unknown"), std::string::npos) << out;
}

TEST_P(RevocationTest, OcspMalformedAndUnauthorizedNeverCrash) {
  auto store = CaStore::Open(Db());
  ASSERT_TRUE(store.ok());
  auto responder = OcspResponder::FromDirectory(dir_, kSecrets, std::move(store).value());
  ASSERT_TRUE(responder.ok());
  for (const std::string& garbage :
       {std::string(), std::string("\x30"), std::string("\x30\x03\x02\x01\x00"),
        std::string(5000, '\xff'), std::string("\x30\x80\x00\x00", 4)}) {
    EXPECT_EQ((*responder)->Respond(garbage), OcspMalformedRequest());
  }
  // Truncations of a valid request.
  const IssuedCert cert = Issue("dave");
  const std::string request = Request(dir_, dir_ + "/dave.pem", false);
  for (size_t n = 0; n < request.size(); ++n) {
    EXPECT_EQ((*responder)->Respond(request.substr(0, n)), OcspMalformedRequest()) << n;
  }
  // A request about another CA (the sign CA's key hash): unauthorized.
  const std::string other = dir_ + "/other-req.der";
  Shell("openssl ocsp -no_nonce -issuer " + dir_ + "/sign-ca-1.crt.pem -serial 0x1234 -reqout " +
        other);
  std::ifstream in(other, std::ios::binary);
  const std::string other_request(std::istreambuf_iterator<char>(in), {});
  ASSERT_FALSE(other_request.empty());
  // The sign CA is ours too: it answers unknown for a serial it never issued.
  std::string out;
  WriteFile(dir_ + "/resp.der", (*responder)->Respond(other_request));
  Shell("openssl ocsp -respin " + dir_ + "/resp.der -resp_text -noverify", &out);
  EXPECT_NE(out.find("unknown"), std::string::npos) << out;
}

// `ca crl --partitions` (issue 18): every partition's CRL from one snapshot in one
// transaction, signed on several threads; each is what GenerateCrl makes for that partition,
// and a failure records none of them.
TEST_P(RevocationTest, ManyPartitionCrlsAtOnceAllOrNothing) {
  std::vector<IssuedCert> certs;
  for (int i = 0; i < 12; ++i) certs.push_back(Issue("p" + std::to_string(i)));
  ASSERT_TRUE(store_->Revoke(CaKind::kAuth, certs[0].serial_hex, RevocationReason::kKeyCompromise, Now(), "s").ok());
  auto scopes = store_->Scopes(CaKind::kAuth, 1);
  ASSERT_TRUE(scopes.ok()) << scopes.error().ToString();
  ASSERT_GE(scopes->size(), 2u);
  EXPECT_TRUE(std::is_sorted(scopes->begin(), scopes->end()));
  for (const IssuedCert& c : certs) {
    EXPECT_NE(std::find(scopes->begin(), scopes->end(), c.crl_scope), scopes->end()) << c.crl_scope;
  }

  // A partition name this CA does not have (a sign scope on the auth CA): nothing recorded.
  std::vector<std::string> bad = *scopes;
  bad.push_back("Kanagawa-ken/Yokohama-shi");
  auto refused = GenerateCrls(*store_, ca_, std::chrono::system_clock::now(), {}, bad, 4);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "scope");
  for (const std::string& scope : *scopes) {
    auto last = store_->LastFullCrl(CaKind::kAuth, 1, scope);
    ASSERT_TRUE(last.ok());
    EXPECT_FALSE(last->has_value()) << scope;
  }

  auto made = GenerateCrls(*store_, ca_, std::chrono::system_clock::now(), {}, *scopes, 4);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->size(), scopes->size());
  int64_t total = 0;
  for (size_t i = 0; i < made->size(); ++i) {
    const CrlOutput& crl = (*made)[i];
    EXPECT_EQ(crl.record.scope, (*scopes)[i]);
    if (i > 0) {
      EXPECT_EQ(crl.record.number, (*made)[i - 1].record.number + 1);
    }
    total += crl.record.entries;
    auto last = store_->LastFullCrl(CaKind::kAuth, 1, (*scopes)[i]);
    ASSERT_TRUE(last.ok() && last->has_value());
    EXPECT_EQ((*last)->number, crl.record.number);
    // Signed by the CA, as OpenSSL checks it.
    const std::string name = dir_ + "/part-" + std::to_string(i);
    WriteFile(name + ".der", crl.der);
    std::string out;
    EXPECT_EQ(Shell("openssl crl -inform DER -in " + name + ".der -noout -CAfile " + dir_ +
                        "/auth-ca-1.crt.pem",
                    &out),
              0);
    EXPECT_NE(out.find("verify OK"), std::string::npos) << out;
    EXPECT_EQ(crl.record.entries, (*scopes)[i] == certs[0].crl_scope ? 1 : 0) << (*scopes)[i];
  }
  EXPECT_EQ(total, 1);
}

// The responder's certificate in a DER OCSP response ("" when there is none).
std::string ResponderCertIn(const std::string& response) {
  const auto* p = reinterpret_cast<const unsigned char*>(response.data());
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> r(
      d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response.size())), OCSP_RESPONSE_free);
  if (!r) return "";
  std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> basic(
      OCSP_response_get1_basic(r.get()), OCSP_BASICRESP_free);
  const STACK_OF(X509)* certs = basic ? OCSP_resp_get0_certs(basic.get()) : nullptr;
  if (!certs || sk_X509_num(certs) != 1) return "";
  return CertificateDer(sk_X509_value(certs, 0));
}

int64_t NotAfter(X509* cert) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm), 1);
  return static_cast<int64_t>(timegm(&tm));
}

// Issue 18: a delegated responder's certificate lives ocsp_responder_days (7), not as long as
// its CA; when half is left the responder gets a new one for the same key, and its answers
// never outlive the certificate that signs them.
TEST_P(RevocationTest, OcspResponderCertificatesAreShortLivedAndRenewedInTime) {
  Issue("erin");
  const int64_t start = Now();
  auto responder_file = [&] {
    auto cert = LoadOcspResponderCertificate(dir_, CaKind::kAuth, 1);
    EXPECT_TRUE(cert.ok());
    return std::move(cert).value();
  };
  const X509Ptr first = responder_file();
  const int64_t day = 86400;
  // Made an hour ago (the fixture), for 7 days.
  EXPECT_NEAR(NotAfter(first.get()) - start, 7 * day - 3600, 60);

  auto store = CaStore::Open(Db());
  ASSERT_TRUE(store.ok());
  auto clock = std::make_shared<std::atomic<int64_t>>(start);
  OcspOptions options;
  options.now = [clock] { return TimePoint(std::chrono::seconds(clock->load())); };
  auto made = OcspResponder::FromDirectory(dir_, kSecrets, std::move(store).value(), options);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  OcspResponder& ocsp = **made;
  const std::string request = Request(dir_, dir_ + "/erin.pem", false);
  const std::string with_nonce = Request(dir_, dir_ + "/erin.pem", true);

  // Not due: nothing renewed, the answer verifies with OpenSSL and names the first certificate.
  auto renewed = ocsp.RenewResponders(dir_, kSecrets);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_TRUE(renewed->empty());
  std::string answer = ocsp.Respond(request);
  EXPECT_EQ(ResponderCertIn(answer), CertificateDer(first.get()));
  EXPECT_NE(CheckWithOpenssl(dir_, dir_ + "/erin.pem", answer).find("Response verify OK"),
            std::string::npos);

  // Six and a half days on, without renewal, an answer of 24 hours would outlive its signer's
  // certificate: its nextUpdate stops at the certificate's end.
  clock->store(start + 6 * day + day / 2);
  auto times = OcspResponseTimes(ocsp.Respond(with_nonce));
  ASSERT_TRUE(times);
  EXPECT_EQ(times->next_update, NotAfter(first.get()));

  // Four days on: due (less than half of 7 days left). Both CAs' responders are renewed once.
  clock->store(start + 4 * day);
  renewed = ocsp.RenewResponders(dir_, kSecrets);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_EQ(*renewed, (std::vector<std::string>{"sign-ocsp-1", "auth-ocsp-1"}));
  const X509Ptr second = responder_file();
  EXPECT_EQ(NotAfter(second.get()), start + 11 * day);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(second.get()), X509_get0_pubkey(first.get())), 1);
  EXPECT_EQ(ResponderCertIn(ocsp.Respond(with_nonce)), CertificateDer(second.get()));
  EXPECT_EQ(ocsp.ResponderNotAfter(), start + 11 * day);
  renewed = ocsp.RenewResponders(dir_, kSecrets);
  ASSERT_TRUE(renewed.ok());
  EXPECT_TRUE(renewed->empty());

  // A folder whose certificates outlive the setting (made before short-lived responders, or
  // the setting lowered by hand) gets them replaced at once.
  std::ofstream(dir_ + "/publication.conf") << "ocsp_responder_days = 2\n";
  renewed = ocsp.RenewResponders(dir_, kSecrets);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_EQ(renewed->size(), 2u);
  EXPECT_EQ(NotAfter(responder_file().get()), start + 6 * day);

  // A certificate for another key put in the folder by hand is refused, naming the file, and
  // the responder keeps signing with the certificate that matches its key.
  const std::string good = CertificateDer(responder_file().get());
  std::filesystem::copy_file(dir_ + "/auth-ca-1.crt.pem", dir_ + "/auth-ocsp-1.crt.pem",
                             std::filesystem::copy_options::overwrite_existing);
  renewed = ocsp.RenewResponders(dir_, kSecrets);
  ASSERT_FALSE(renewed.ok());
  EXPECT_NE(renewed.error().ToString().find("auth-ocsp-1"), std::string::npos)
      << renewed.error().ToString();
  EXPECT_EQ(ResponderCertIn(ocsp.Respond(with_nonce)), good);
}

INSTANTIATE_TEST_SUITE_P(Engines, RevocationTest, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::pki
