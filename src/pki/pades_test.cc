// PDF signatures: a PDF signed around a signature made elsewhere (a software key signing the
// DigestInfo raw, as the card does), checked by an independent implementation — poppler's
// `pdfsig`, with OpenSSL's `cms -verify` over the byte range — and by VerifyPdf, which also
// names changes made after signing. Long-term validation: a DSS holding an OCSP answer made by
// another responder (`openssl ocsp`), used when no responder is asked.
#include "pki/pades.h"

#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "pki/certificate.h"
#include "pki/testing_holder.h"
#include "pki/testing_pdf.h"

namespace mynacert::pki {
namespace {

constexpr auto D = Date::Ymd;
using testing_holder::Sh;
using testing_holder::Unix;

class PadesTest : public testing_holder::SignedDocumentTest {
 protected:
  std::string SignedPdf() {
    PadesSignOptions o;
    o.signing_time = Unix(D(2027, 1, 10));
    o.reason = "契約への同意 (agreement)";
    o.extra_certs = {ca_->cert.get()};
    auto signed_pdf = SignPdf(testing_pdf::OnePagePdf("Contract 2027"), cert_, CardSign, o, "--in");
    EXPECT_TRUE(signed_pdf.ok()) << signed_pdf.error().ToString();
    return signed_pdf.ok() ? *signed_pdf : std::string();
  }
  // An OCSP answer for the holder's certificate from OpenSSL's own responder (`openssl ocsp`
  // with an index file), signed by the CA: "good", or "revoked" with a reason.
  std::string OpenSslOcsp(const std::string& entry_state) {
    const std::string ca = Write("ca.pem", CertificatePem(ca_->cert.get()));
    const std::string key = Write("ca.key", holder_->ca_key_pem);
    const std::string holder = Write("holder.pem", CertificatePem(cert_));
    const std::string serial = SerialHex(X509_get0_serialNumber(cert_));
    const std::string line = entry_state + "\t301231000000Z\t" +
                             (entry_state == "R" ? "270101000000Z,keyCompromise" : "") + "\t" + serial + "\tunknown\t/CN=x\n";
    const std::string index = Write("index.txt", line);
    const std::string req = (dir_ / "req.der").string(), resp = (dir_ / "resp.der").string();
    auto made = Sh("openssl ocsp -issuer " + ca + " -cert " + holder + " -no_nonce -reqout " + req + " && openssl ocsp -index " +
                   index + " -CA " + ca + " -rsigner " + ca + " -rkey " + key + " -reqin " + req + " -respout " + resp +
                   " -ndays 1");
    EXPECT_EQ(made.first, 0) << made.second;
    std::ifstream in(resp, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  std::span<const std::pair<CaKind, X509*>> Trust() {
    trust_[0] = {CaKind::kSign, ca_->cert.get()};
    return trust_;
  }

  std::pair<CaKind, X509*> trust_[1];
};

// poppler's pdfsig reads the signature as PAdES (ETSI.CAdES.detached), finds it valid over the
// whole document and names the signer; the page still reads as before; OpenSSL verifies the
// CMS over exactly the bytes /ByteRange names. Certificate validation is NSS's inside pdfsig
// and is skipped (-nocert): NSS refuses the critical certificatePolicies (cms_test.cc).
TEST_F(PadesTest, PdfsigAndOpenSslFindTheSignatureValid) {
  const std::string path = Write("contract.pdf", SignedPdf());
  auto sig = Sh("pdfsig -nocert " + path);
  EXPECT_EQ(sig.first, 0) << sig.second;
  EXPECT_NE(sig.second.find("Signature is Valid"), std::string::npos) << sig.second;
  EXPECT_NE(sig.second.find("ETSI.CAdES.detached"), std::string::npos) << sig.second;
  EXPECT_NE(sig.second.find("Total document signed"), std::string::npos) << sig.second;
  EXPECT_NE(sig.second.find("SHA-256"), std::string::npos) << sig.second;
  auto text = Sh("pdftotext " + path + " -");
  EXPECT_NE(text.second.find("Contract 2027"), std::string::npos) << text.second;

  std::ifstream in(path, std::ios::binary);
  auto found = ReadPdfSignatures(std::string((std::istreambuf_iterator<char>(in)), {}), "--in");
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  ASSERT_EQ(found->signatures.size(), 1u);
  const PdfSignature& s = found->signatures[0];
  EXPECT_EQ(s.sub_filter, "ETSI.CAdES.detached");
  EXPECT_EQ(s.claimed_time, Unix(D(2027, 1, 10)));
  EXPECT_EQ(s.reason, "契約への同意 (agreement)");
  EXPECT_TRUE(s.covers_revision);
  EXPECT_EQ(s.later_bytes, 0);
  const std::string cms = Write("sig.der", s.cms);
  const std::string bytes = Write("signed.bin", s.signed_bytes);
  const std::string ca = Write("ca.pem", CertificatePem(ca_->cert.get()));
  auto verified = Sh("openssl cms -verify -binary -inform DER -in " + cms + " -content " + bytes + " -CAfile " + ca +
                     " -attime " + std::to_string(Unix(D(2027, 1, 10))) + " -purpose any -out /dev/null");
  EXPECT_EQ(verified.first, 0) << verified.second;
  // PAdES: no signingTime in the CMS (the time is /M), a signing-certificate-v2.
  auto printed = Sh("openssl cms -cmsout -print -inform DER -in " + cms);
  EXPECT_EQ(printed.second.find("signingTime"), std::string::npos);
  EXPECT_NE(printed.second.find("id-smime-aa-signingCertificateV2"), std::string::npos) << printed.second;
}

// VerifyPdf: every check passes but revocation (no responder, no DSS yet). After AddDss with an
// OCSP answer from OpenSSL's responder, it passes offline, the signature untouched (pdfsig),
// and the later revision is recognised as validation data. A "revoked" answer is named.
TEST_F(PadesTest, LongTermValidationFromTheDss) {
  const std::string signed_pdf = SignedPdf();
  auto before = VerifyPdf(signed_pdf, Trust(), nullptr, Unix(D(2027, 2, 1)), "--in");
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  ASSERT_EQ(before->size(), 1u);
  std::vector<std::string> names;
  for (const CmsCheck& c : (*before)[0].checks) {
    names.push_back(c.name);
    EXPECT_EQ(c.ok, c.name != "revocation") << c.name << ": " << c.en;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"document", "content", "signature", "signer_certificate", "chain", "revocation"}));
  EXPECT_EQ((*before)[0].signing_time, Unix(D(2027, 1, 10)));

  ValidationData data;
  data.certs = {CertificateDer(cert_), CertificateDer(ca_->cert.get())};
  data.ocsps = {OpenSslOcsp("V")};
  auto with_dss = AddDss(signed_pdf, data, "--in");
  ASSERT_TRUE(with_dss.ok()) << with_dss.error().ToString();
  ASSERT_EQ(with_dss->compare(0, signed_pdf.size(), signed_pdf), 0) << "an incremental update keeps the signed bytes";
  auto found = ReadPdfSignatures(*with_dss, "--in");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->dss.ocsps, data.ocsps);
  EXPECT_EQ(found->dss.certs, data.certs);
  EXPECT_GT(found->signatures[0].later_bytes, 0);
  EXPECT_TRUE(found->signatures[0].changed_after.empty()) << found->signatures[0].changed_after[0];
  auto after = VerifyPdf(*with_dss, Trust(), nullptr, Unix(D(2027, 2, 1)), "--in");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE((*after)[0].valid) << (*after)[0].checks.back().en;
  EXPECT_NE((*after)[0].checks.back().en.find("embedded OCSP"), std::string::npos);
  auto sig = Sh("pdfsig -nocert " + Write("ltv.pdf", *with_dss));
  EXPECT_NE(sig.second.find("Signature is Valid"), std::string::npos) << sig.second;

  data.ocsps = {OpenSslOcsp("R")};
  auto revoked = VerifyPdf(*AddDss(signed_pdf, data, "--in"), Trust(), nullptr, Unix(D(2027, 2, 1)), "--in");
  ASSERT_TRUE(revoked.ok());
  EXPECT_FALSE((*revoked)[0].valid);
  EXPECT_NE((*revoked)[0].checks.back().en.find("keyCompromise"), std::string::npos) << (*revoked)[0].checks.back().en;
}

// What an attacker does to a signed PDF: a later revision that changes the page (the signed
// bytes intact, so the CMS still verifies: only the comparison of revisions sees it), or a
// byte changed inside the signed range. Each is named; and input that is not a signed PDF is
// refused naming the field.
TEST_F(PadesTest, ChangesAfterSigningAreNamed) {
  const std::string signed_pdf = SignedPdf();
  std::string changed;
  {
    PoDoFo::PdfMemDocument doc;
    doc.LoadFromBuffer(signed_pdf.data(), static_cast<long>(signed_pdf.size()), true);
    doc.GetObjects().GetObject(PoDoFo::PdfReference(4, 0))->GetStream()->Set("BT /F1 24 Tf 72 720 Td (Contract 2099) Tj ET");
    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    doc.WriteUpdate(&device, true);
    changed.assign(buffer.GetBuffer(), device.GetLength());
  }
  auto report = VerifyPdf(changed, Trust(), nullptr, 0, "--in");
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE((*report)[0].checks[0].ok);
  EXPECT_NE((*report)[0].checks[0].en.find("changed after signing (4 0 R "), std::string::npos)
      << (*report)[0].checks[0].en;
  EXPECT_TRUE((*report)[0].checks[2].ok) << "the signature itself still verifies";

  std::string flipped = signed_pdf;
  const size_t at = flipped.find("Contract 2027");
  flipped[at] = 'X';
  auto altered = VerifyPdf(flipped, Trust(), nullptr, 0, "--in");
  ASSERT_TRUE(altered.ok());
  EXPECT_EQ((*altered)[0].checks[1].name, "content");
  EXPECT_FALSE((*altered)[0].checks[1].ok);
  auto sig = Sh("pdfsig -nocert " + Write("flipped.pdf", flipped));
  EXPECT_EQ(sig.second.find("Signature is Valid"), std::string::npos) << sig.second;

  EXPECT_EQ(VerifyPdf(testing_pdf::OnePagePdf("unsigned"), Trust(), nullptr, 0, "--in").error().field, "--in");
  EXPECT_EQ(VerifyPdf("%PDF-1.7 garbage", Trust(), nullptr, 0, "--in").error().field, "--in");
  EXPECT_EQ(SignPdf("not a pdf", cert_, CardSign, {}, "--in").error().field, "--in");
}

// A document made to crash the parser (PoDoFo overflows its stack on 10^5 nested
// dictionaries: this test process would die with it) stops only the child that parses it: the
// answer is an error naming the field. As are a truncated signed PDF and bytes after a header.
TEST_F(PadesTest, HostileDocumentsStopOnlyTheParser) {
  auto bomb = VerifyPdf(testing_pdf::NestedDictionaryPdf(200000), Trust(), nullptr, 0, "--in");
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.error().field, "--in");
  EXPECT_NE(bomb.error().message.find("the parser stopped"), std::string::npos) << bomb.error().message;
  const std::string signed_pdf = SignedPdf();
  auto truncated = VerifyPdf(signed_pdf.substr(0, signed_pdf.size() / 2), Trust(), nullptr, 0, "--in");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().field, "--in");
  // The same parse, isolated or not, reads the same signature.
  auto direct = ReadPdfSignatures(signed_pdf, "--in");
  auto isolated = ReadPdfSignaturesIsolated(signed_pdf, "--in", {});
  ASSERT_TRUE(direct.ok() && isolated.ok());
  ASSERT_EQ(isolated->signatures.size(), 1u);
  EXPECT_EQ(isolated->signatures[0].cms, direct->signatures[0].cms);
  EXPECT_EQ(isolated->signatures[0].signed_bytes, direct->signatures[0].signed_bytes);
  EXPECT_EQ(isolated->signatures[0].byte_range, direct->signatures[0].byte_range);
  EXPECT_EQ(isolated->signatures[0].reason, direct->signatures[0].reason);
  // A parser that never finishes is killed at the wall-clock limit.
  PdfParseLimits tight;
  tight.wall_seconds = 0;
  EXPECT_NE(ReadPdfSignaturesIsolated(signed_pdf, "--in", tight).error().message.find("too long"), std::string::npos);
}

}  // namespace
}  // namespace mynacert::pki
