// The host side (JpkiClient, IssuerSession) against the card in-process: what `mynacert card
// show | verify-pin | sign` and the counter's issuer commands do, without pcscd
// (tests/card_opensc.sh runs the same through pcscd and vpcd).
#include "card/host.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <openssl/rsa.h>

#include <filesystem>
#include <functional>
#include <vector>

#include "card/apdu.h"
#include "card/card.h"
#include "core/hex.h"
#include "pki/certificate.h"

namespace mynacert::card {
namespace {

const char* kIssuer = "issuer master key for host tests";

std::string H(std::string_view hex) {
  std::string clean, out;
  for (char c : hex) {
    if (c != ' ') clean.push_back(c);
  }
  EXPECT_TRUE(mynacert::Unhex(clean, &out)) << hex;
  return out;
}

TEST(EncodeCommand, ShortAndExtendedForms) {
  EXPECT_EQ(EncodeCommand(0x00, 0x20, 0x00, 0x80), H("00200080"));
  EXPECT_EQ(EncodeCommand(0x00, 0xB0, 0x01, 0x00, {}, 256), H("00B0010000"));
  EXPECT_EQ(EncodeCommand(0x00, 0xB0, 0x00, 0x00, {}, 4), H("00B0000004"));
  EXPECT_EQ(EncodeCommand(0x00, 0x20, 0x00, 0x80, "1234"), H("002000800431323334"));
  EXPECT_EQ(EncodeCommand(0x80, 0x2A, 0x00, 0x80, "ab", 256), H("802A0080026162 00"));
  const std::string big(300, 'x');
  EXPECT_EQ(EncodeCommand(0x84, 0xD6, 0x8A, 0x00, big), H("84D68A0000012C") + big);
  EXPECT_EQ(EncodeCommand(0x84, 0x47, 0x00, 0x17, "t", 65536), H("844700170000017400 00"));
  EXPECT_EQ(EncodeCommand(0x00, 0xB0, 0x00, 0x00, {}, 65536), H("00B00000000000"));
  // Every encoding parses back to what was meant (the card's parser, apdu.h).
  for (const auto& [data, ne] : {std::pair<std::string, uint32_t>{"", 0},
                                 {"", 255},
                                 {"", 257},
                                 {std::string(255, 'a'), 256},
                                 {std::string(256, 'a'), 0},
                                 {std::string(1000, 'a'), 65536}}) {
    const auto c = ParseCommand(EncodeCommand(0x00, 0x01, 0x02, 0x03, data, ne));
    ASSERT_TRUE(c.has_value()) << data.size() << " " << ne;
    EXPECT_EQ(c->data, data);
    EXPECT_EQ(c->ne, ne);
  }
}

class HostTest : public testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = testing::TempDir() + "mynacert_host_" +
                            testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto made =
        Card::Create(dir + "/card.json", "host test card secret",
                     {"1234", "ABC123", "5678", "2468", "123456789012", "85070731205599", kIssuer});
    ASSERT_TRUE(made.ok()) << made.error().ToString();
    card_ = std::move(made).value();
    transport_ = std::make_unique<LocalTransport>(*card_);
  }

  // The counter's issuance through the issuer channel: key on the card, certificate back on it.
  std::string Issue(IssuerSession& s, KeySlot slot) {
    auto spki = s.GenerateKeyPair(slot);
    EXPECT_TRUE(spki.ok()) << spki.error().ToString();
    const auto* p = reinterpret_cast<const unsigned char*>(spki->data());
    pki::EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki->size())));
    auto ca_key = pki::GenerateRsaKey();
    const pki::CaKind kind = slot == KeySlot::kAuth ? pki::CaKind::kAuth : pki::CaKind::kSign;
    auto ca = pki::CreateRootCa(kind, 1, pki::MakeKeySigner(std::move(ca_key).value(), "t"),
                                std::chrono::system_clock::now(), 10);
    pki::CertRequest r;
    r.kind = kind;
    r.public_key = pub.get();
    r.not_before = std::chrono::system_clock::now();
    r.last_valid_day = Date::Ymd(2031, 7, 7);
    r.subject_cn = "host-test";
    if (kind == pki::CaKind::kSign) {
      r.holder.name = "山田　太郎";
      r.holder.birth = Date::Ymd(1985, 7, 7);
      r.holder.sex = 1;
      r.holder.address = "石川県金沢市広坂１－１－１";
      r.holder.prefecture_en = "Ishikawa-ken";
      r.holder.municipality_en = "Kanazawa-shi";
    }
    auto cert = pki::IssueCertificateDer(*ca, r);
    EXPECT_TRUE(cert.ok()) << cert.error().ToString();
    const CertSlot cs = slot == KeySlot::kAuth ? CertSlot::kAuth : CertSlot::kSign;
    EXPECT_TRUE(s.WriteCertificate(cs, cert->der).ok());
    return cert->der;
  }

  std::unique_ptr<Card> card_;
  std::unique_ptr<LocalTransport> transport_;
};

TEST_F(HostTest, IssueThenReadAndSignAsTheHolder) {
  auto session = IssuerSession::Open(*transport_, kIssuer);
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  EXPECT_EQ((*session)->card_id(), card_->card_id());
  const std::string auth_der = Issue(**session, KeySlot::kAuth);
  const std::string sign_der = Issue(**session, KeySlot::kSign);

  JpkiClient client(*transport_);
  auto auth = client.ReadCertificate(CertSlot::kAuth);
  ASSERT_TRUE(auth.ok()) << auth.error().ToString();
  EXPECT_EQ(*auth, auth_der);
  // The sign certificate only after the sign PIN (jpki-card.md §7 row 7).
  auto sign = client.ReadCertificate(CertSlot::kSign);
  ASSERT_FALSE(sign.ok());
  EXPECT_NE(sign.error().message.find("6982"), std::string::npos);
  auto check = client.Verify(PinId::kSign, "ABC123");
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->verified);
  EXPECT_EQ(check->tries_left, 5);
  sign = client.ReadCertificate(CertSlot::kSign);
  ASSERT_TRUE(sign.ok());
  EXPECT_EQ(*sign, sign_der);
  // An empty CA EF reads as "not written".
  auto ca = client.ReadCertificate(CertSlot::kAuthCa);
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.error().code, ErrorCode::kNotFound);

  // A signature with the auth key verifies under the auth certificate's key.
  ASSERT_TRUE(client.Verify(PinId::kAuth, "1234")->verified);
  const std::string message = "JPKI host test";
  std::string digest_info = H("3031300d060960864801650304020105000420");
  unsigned char md[32];
  EVP_Digest(message.data(), message.size(), md, nullptr, EVP_sha256(), nullptr);
  digest_info.append(reinterpret_cast<char*>(md), 32);
  auto signature = client.Sign(KeySlot::kAuth, digest_info);
  ASSERT_TRUE(signature.ok()) << signature.error().ToString();
  auto cert = pki::ParseCertificateDer(auth_der);
  ASSERT_TRUE(cert.ok());
  pki::OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> v(EVP_MD_CTX_new());
  ASSERT_EQ(
      EVP_DigestVerifyInit(v.get(), nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(cert->get())),
      1);
  EXPECT_EQ(
      EVP_DigestVerify(v.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()),
      1);
}

TEST_F(HostTest, PinTriesLockAndTheCounterUnlocks) {
  JpkiClient client(*transport_);
  for (PinId id : {PinId::kAuth, PinId::kText, PinId::kJuki}) EXPECT_EQ(*client.TriesLeft(id), 3);
  EXPECT_EQ(*client.TriesLeft(PinId::kSign), 5);
  for (int left : {2, 1, 0}) {
    auto c = client.Verify(PinId::kJuki, "0000");
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->verified);
    EXPECT_EQ(c->tries_left, left);
    EXPECT_EQ(c->locked, left == 0);
  }
  auto locked = client.Verify(PinId::kJuki, "2468");  // the right PIN, too late (R-CERT-6)
  ASSERT_TRUE(locked.ok());
  EXPECT_TRUE(locked->locked);
  EXPECT_FALSE(locked->verified);
  EXPECT_EQ(*client.TriesLeft(PinId::kJuki), 0);

  auto session = IssuerSession::Open(*transport_, kIssuer);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->ResetPinCounter(PinId::kJuki).ok());
  EXPECT_TRUE(client.Verify(PinId::kJuki, "2468")->verified);
  // A new sign PIN: format checked on the card (R-CERT-2), the old one gone.
  Status bad = (*session)->SetPin(PinId::kSign, "abcdef");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "pin");
  ASSERT_TRUE((*session)->SetPin(PinId::kSign, "NEW2026").ok());
  EXPECT_FALSE(client.Verify(PinId::kSign, "ABC123")->verified);
  EXPECT_TRUE(client.Verify(PinId::kSign, "NEW2026")->verified);
}

TEST_F(HostTest, AnotherIssuersKeyOpensNoSession) {
  auto session = IssuerSession::Open(*transport_, "some other municipality's key");
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().field, "issuer_key");
}

// A man in the middle that flips one bit of every answer longer than a status word.
class TamperingTransport final : public Transport {
 public:
  explicit TamperingTransport(Transport& inner) : inner_(inner) {}
  Result<std::string> Transmit(std::string_view command) override {
    auto r = inner_.Transmit(command);
    if (r.ok() && r->size() > 2 && tamper) (*r)[0] ^= 0x01;
    return r;
  }
  bool tamper = false;

 private:
  Transport& inner_;
};

TEST_F(HostTest, ATamperedAnswerIsNotBelieved) {
  TamperingTransport mitm(*transport_);
  auto session = IssuerSession::Open(mitm, kIssuer);
  ASSERT_TRUE(session.ok());
  mitm.tamper = true;
  auto spki = (*session)->GenerateKeyPair(KeySlot::kAuth);
  ASSERT_FALSE(spki.ok());
  EXPECT_NE(spki.error().message.find("does not verify"), std::string::npos);
  // And a tampered INITIALIZE UPDATE answer fails the card's cryptogram check.
  auto again = IssuerSession::Open(mitm, kIssuer);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().field, "issuer_key");
}

// --- face-authentication cards (R-FACE-1..4) -------------------------------------------------

// A Result's value, or `fallback` when it failed.
template <typename T>
T Or(const Result<T>& r, T fallback) {
  return r.ok() ? *r : fallback;
}

std::string Sha256DigestInfo(std::string_view message) {
  std::string digest_info = H("3031300d060960864801650304020105000420");
  unsigned char md[32];
  EVP_Digest(message.data(), message.size(), md, nullptr, EVP_sha256(), nullptr);
  digest_info.append(reinterpret_cast<char*>(md), 32);
  return digest_info;
}

TEST_F(HostTest, AFaceCardSignsWithItsAuthKeyAfterAFaceCheck) {
  // A card made as a face card (R-FACE-1): the counter writes the auth key and certificate.
  const std::string path = testing::TempDir() + "mynacert_host_face.json";
  std::filesystem::remove(path);
  auto made = Card::Create(path, "host test card secret",
                           {"", "", "5678", "2468", "123456789012", "85070731205599", kIssuer, true});
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  LocalTransport t(**made);
  auto session = IssuerSession::Open(t, kIssuer);
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  const std::string auth_der = Issue(**session, KeySlot::kAuth);

  // The holder side learns the type from the card; a PIN card says otherwise.
  JpkiClient client(t);
  EXPECT_EQ(Or(client.IsFaceCard(), false), true);
  EXPECT_EQ(Or(JpkiClient(*transport_).IsFaceCard(), true), false);
  auto tries = client.TriesLeft(PinId::kAuth);
  ASSERT_FALSE(tries.ok());
  EXPECT_EQ(tries.error().rule, "R-FACE-1");
  EXPECT_NE(tries.error().message.find("6984"), std::string::npos) << tries.error().message;
  auto verify = client.Verify(PinId::kAuth, "1234");
  ASSERT_FALSE(verify.ok());
  EXPECT_EQ(verify.error().rule, "R-FACE-1");
  EXPECT_EQ(Or(client.ReadCertificate(CertSlot::kAuth), std::string()), auth_der);
  auto sign_cert = client.ReadCertificate(CertSlot::kSign);
  ASSERT_FALSE(sign_cert.ok());
  EXPECT_EQ(sign_cert.error().code, ErrorCode::kNotFound);  // empty, as any empty EF

  // The auth key: refused before the face check, usable after a match through the client that
  // has the JPKI AP selected (it does not select it again).
  const std::string digest_info = Sha256DigestInfo("face check");
  EXPECT_FALSE(client.Sign(KeySlot::kAuth, digest_info).ok());
  auto check = (*session)->RecordFaceCheck(true);
  ASSERT_TRUE(check.ok()) << check.error().ToString();
  EXPECT_TRUE(check->matched);
  EXPECT_EQ(check->tries_left, 10);
  auto signature = client.Sign(KeySlot::kAuth, digest_info);
  ASSERT_TRUE(signature.ok()) << signature.error().ToString();
  // A new client's SELECT of the JPKI AP is a re-SELECT: the match is gone, as a verified PIN
  // would be.
  JpkiClient another(t);
  EXPECT_FALSE(another.Sign(KeySlot::kAuth, digest_info).ok());
  // Reported before any AP is selected (after a reset), the match is for the next SELECT of the
  // JPKI AP: a fresh client's.
  (*made)->Reset();
  session = IssuerSession::Open(t, kIssuer);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->RecordFaceCheck(true)->matched);
  JpkiClient terminal(t);
  EXPECT_TRUE(terminal.Sign(KeySlot::kAuth, digest_info).ok());
  auto cert = pki::ParseCertificateDer(auth_der);
  ASSERT_TRUE(cert.ok());
  pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(X509_get0_pubkey(cert->get()), nullptr));
  ASSERT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
  EXPECT_EQ(EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                            signature->size(),
                            reinterpret_cast<const unsigned char*>(digest_info.data()),
                            digest_info.size()),
            1);
  EXPECT_FALSE(terminal.Sign(KeySlot::kSign, digest_info).ok());

  // What the counter cannot do to a face card (R-FACE-1): each a FailedPrecondition naming it.
  struct Row {
    const char* what;
    std::function<Status()> call;
  };
  IssuerSession& s = **session;
  const Row rows[] = {
      {"GenerateKeyPair(sign)",
       [&]() -> Status {
         auto key = s.GenerateKeyPair(KeySlot::kSign);
         if (key.ok()) return {};
         return key.error();
       }},
      {"WriteCertificate(sign)", [&] { return s.WriteCertificate(CertSlot::kSign, auth_der); }},
      {"SetPin(auth)", [&] { return s.SetPin(PinId::kAuth, "1234"); }},
      {"SetPin(sign)", [&] { return s.SetPin(PinId::kSign, "ABC123"); }},
      {"ResetPinCounter(auth)", [&] { return s.ResetPinCounter(PinId::kAuth); }},
      {"ResetPinCounter(sign)", [&] { return s.ResetPinCounter(PinId::kSign); }},
  };
  for (const Row& r : rows) {
    const Status st = r.call();
    ASSERT_FALSE(st.ok()) << r.what;
    EXPECT_EQ(st.error().code, ErrorCode::kFailedPrecondition) << r.what;
    EXPECT_EQ(st.error().rule, "R-FACE-1") << r.what;
    EXPECT_NE(st.error().message.find("6985"), std::string::npos) << st.error().message;
  }
  EXPECT_TRUE((*made)->Certificate(CertSlot::kSign).empty());
}

TEST_F(HostTest, FaceChecksLockAtTheTenthFailureUntilTheCounterResets) {
  ASSERT_TRUE(card_->SetFaceCard(true).ok());
  auto session = IssuerSession::Open(*transport_, kIssuer);
  ASSERT_TRUE(session.ok());
  IssuerSession& s = **session;
  // R-FACE-2: {matched, tries_left, locked} after each check.
  struct Row {
    bool matched;
    FaceCheck want;
  };
  std::vector<Row> rows;
  for (int left = 9; left >= 1; --left) rows.push_back({false, {false, left, false}});
  rows.push_back({false, {false, 0, true}});  // the 10th failure
  rows.push_back({false, {false, 0, true}});  // the 11th
  rows.push_back({true, {false, 0, true}});   // a match does not unlock
  for (size_t i = 0; i < rows.size(); ++i) {
    auto got = s.RecordFaceCheck(rows[i].matched);
    ASSERT_TRUE(got.ok()) << i << ": " << got.error().ToString();
    EXPECT_EQ(got->matched, rows[i].want.matched) << "check " << i + 1;
    EXPECT_EQ(got->tries_left, rows[i].want.tries_left) << "check " << i + 1;
    EXPECT_EQ(got->locked, rows[i].want.locked) << "check " << i + 1;
  }
  EXPECT_EQ(card_->FaceTriesLeft(), 0);
  ASSERT_TRUE(s.ResetFaceCounter().ok());
  EXPECT_EQ(card_->FaceTriesLeft(), 10);
  auto match = s.RecordFaceCheck(true);
  ASSERT_TRUE(match.ok());
  EXPECT_TRUE(match->matched);
}

TEST_F(HostTest, SwitchingTheCardTypeAtTheCounter) {
  auto session = IssuerSession::Open(*transport_, kIssuer);
  ASSERT_TRUE(session.ok());
  IssuerSession& s = **session;
  Issue(s, KeySlot::kAuth);
  Issue(s, KeySlot::kSign);
  JpkiClient client(*transport_);
  EXPECT_EQ(Or(client.IsFaceCard(), true), false);
  // No face function on a PIN card.
  auto refused = s.RecordFaceCheck(true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().rule, "R-FACE-1");
  const Status reset = s.ResetFaceCounter();
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error().rule, "R-FACE-1");

  // To a face card (R-FACE-3): PINs cleared, the sign certificate and key gone.
  ASSERT_TRUE(s.SetCardType(true).ok());
  EXPECT_TRUE(card_->FaceCard());
  EXPECT_EQ(Or(client.IsFaceCard(), false), true);
  auto no_pin = client.Verify(PinId::kSign, "ABC123");
  ASSERT_FALSE(no_pin.ok());
  EXPECT_EQ(no_pin.error().rule, "R-FACE-1");
  auto no_cert = client.ReadCertificate(CertSlot::kSign);
  ASSERT_FALSE(no_cert.ok());
  EXPECT_EQ(no_cert.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(client.ReadCertificate(CertSlot::kAuth).ok());

  // Back to a PIN card: no PIN until the counter sets them; not a face card for the holder.
  ASSERT_TRUE(s.SetCardType(false).ok());
  EXPECT_FALSE(card_->FaceCard());
  EXPECT_EQ(Or(client.IsFaceCard(), true), false);
  auto unset = client.TriesLeft(PinId::kAuth);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.error().message.find("6A88"), std::string::npos) << unset.error().message;
  ASSERT_TRUE(s.SetPin(PinId::kAuth, "4321").ok());
  ASSERT_TRUE(s.SetPin(PinId::kSign, "NEW2026").ok());
  EXPECT_EQ(Or(client.TriesLeft(PinId::kAuth), 0), 3);
  EXPECT_TRUE(client.Verify(PinId::kAuth, "4321")->verified);
  EXPECT_FALSE(client.Verify(PinId::kAuth, "1234")->verified);  // the old PIN is gone
  Issue(s, KeySlot::kSign);  // a sign certificate again, if eligible (R-CERT-4)
  EXPECT_TRUE(client.Verify(PinId::kSign, "NEW2026")->verified);
  EXPECT_TRUE(client.ReadCertificate(CertSlot::kSign).ok());
}

}  // namespace
}  // namespace mynacert::card
