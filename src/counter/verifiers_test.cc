// Registered verifiers (R-VER-1), 現況確認 with the holder's consent (R-VER-3) and the pairwise
// holder ID (R-VER-4): with the real CA, the counter's procedures and the card model signing
// the consent.
#include "counter/verifiers.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "core/hex.h"
#include "counter/lifecycle.h"
#include "counter/testing.h"
#include "pki/certificate.h"
#include "pki/testing_x509.h"

namespace mynacert::counter {
namespace {

constexpr Date kBirth = Date::Ymd(1980, 7, 7);
constexpr Date kCardIssued = Date::Ymd(2021, 7, 7);
constexpr Date kInWindow = Date::Ymd(2026, 5, 1);

class Verifiers : public testing::CounterEngineTest {
 protected:
  // The holder's consent (or its withdrawal) given with the card.
  Result<ConsentDecision> Consent(int64_t resident, const std::string& der, card::KeySlot slot,
                                  const std::string& purpose) {
    const pki::CaGeneration* cas[] = {auth_ca_, sign_ca_};
    auto challenge = IssueHolderChallenge(*store_, *ca_store_, cas, der, purpose, env_.now);
    if (!challenge.ok()) return challenge.error();
    return AnswerConsent(*store_, *ca_store_, challenge->id, SignOnCard(resident, slot, ChallengeMessage(*challenge)),
                         env_.now);
  }
  std::span<const pki::CaGeneration* const> Cas() {
    cas_[0] = auth_ca_;
    cas_[1] = sign_ca_;
    return cas_;
  }
  // Moves the resident: the sign certificate is revoked affiliationChanged (R-CERT-5).
  void Move(int64_t r, const std::string& address, Date on) {
    ResidentChange move;
    move.address = address;
    auto changed = counter_->ChangeResident(r, move, on, "clerk-1", env_.now, ca_store_.get());
    ASSERT_TRUE(changed.ok()) << changed.error().ToString();
    ASSERT_EQ(changed->revoked_serials.size(), 1u);
  }
  // A new sign certificate at the counter after the move.
  void NewSignCertificate(int64_t r, Date on) {
    CaseFlags flags;
    flags.certs = "sign";
    const int64_t c = Open(r, "new_issuance", "self", "yokohama-naka", on, true, flags);
    ASSERT_TRUE(PresentItem(c, "holder_card").ok());
    ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
    auto run = counter_->Execute(c, env_);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_TRUE(run->completed);
  }

  const pki::CaGeneration* cas_[2] = {};
};

// R-VER-1: a verifier is registered with its kinds and an API key shown once (stored only as a
// hash); bad input changes nothing; a revoked key is refused exactly like a wrong one.
TEST_P(Verifiers, RegisteredWithAKeyThatStopsWorkingWhenRevoked) {
  auto bad_kind = AddVerifier(*store_, "署名検証サービス株式会社", "both", "supervisor-1", env_.now);
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_EQ(bad_kind.error().field, "kinds");
  EXPECT_EQ(bad_kind.error().rule, "R-VER-1");
  EXPECT_EQ(AddVerifier(*store_, "", "sign", "supervisor-1", env_.now).error().field, "name");
  EXPECT_EQ(AddVerifier(*store_, "a\nb", "sign", "supervisor-1", env_.now).error().field, "name");
  EXPECT_EQ(AddVerifier(*store_, std::string(101, 'x'), "sign", "supervisor-1", env_.now).error().field, "name");
  EXPECT_EQ(AddVerifier(*store_, "\xff\xfe", "sign", "supervisor-1", env_.now).error().field, "name");
  EXPECT_TRUE(ListVerifiers(*store_)->empty());
  EXPECT_EQ(AuditCount("verifier_added"), 0u);

  auto added = AddVerifier(*store_, "署名検証サービス株式会社", "auth,sign", "supervisor-1", env_.now);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_EQ(added->verifier.kinds, "sign,auth");
  EXPECT_EQ(added->verifier.id.size(), 13u);
  EXPECT_EQ(added->verifier.id[0], 'V');
  EXPECT_EQ(added->api_key.rfind("mvk_", 0), 0u);
  EXPECT_EQ(added->api_key.size(), 68u);
  EXPECT_TRUE(added->verifier.May("sign"));
  EXPECT_TRUE(added->verifier.May("auth"));
  EXPECT_EQ(VerifierJson(added->verifier).find(added->verifier.pairwise_salt), std::string::npos);
  // The key is nowhere in the store; its hash is.
  auto rows = store::Query(store_->db(), "SELECT key_hash FROM verifiers", {});
  ASSERT_TRUE(rows.ok());
  ASSERT_TRUE(*(*rows)->Step());
  EXPECT_EQ(store::ColumnString(**rows, 0), pki::Sha256Hex(added->api_key));

  auto who = AuthenticateVerifier(*store_, added->api_key);
  ASSERT_TRUE(who.ok()) << who.error().ToString();
  EXPECT_EQ(who->id, added->verifier.id);
  std::string wrong = added->api_key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(AuthenticateVerifier(*store_, wrong).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(AuthenticateVerifier(*store_, "").error().code, ErrorCode::kUnauthenticated);

  ASSERT_TRUE(RevokeVerifier(*store_, added->verifier.id, "supervisor-1", env_.now + 5).ok());
  auto revoked = AuthenticateVerifier(*store_, added->api_key);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(revoked.error().message, AuthenticateVerifier(*store_, wrong).error().message);
  auto again = RevokeVerifier(*store_, added->verifier.id, "supervisor-1", env_.now + 6);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RevokeVerifier(*store_, "V000000000000", "supervisor-1", env_.now).error().code, ErrorCode::kNotFound);
  auto listed = ListVerifiers(*store_);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].state, "revoked");
  EXPECT_EQ((*listed)[0].revoked_at, env_.now + 5);
  EXPECT_EQ(AuditCount("verifier_added"), 1u);
  EXPECT_EQ(AuditCount("verifier_revoked"), 1u);
}

// R-VER-1: a TLS client certificate is the other credential. Only an end-entity certificate for
// TLS clients, valid now, is registered; it belongs to one verifier; exactly it (not its CA's
// other certificates) authenticates; a renewed one replaces it; revoking the verifier stops it.
TEST_P(Verifiers, AClientCertificateIsTheCredentialOfExactlyOneVerifier) {
  using pki::testing_x509::MakeTestCert;
  const int64_t now = env_.now, day = 86400;
  const auto certs = pki::testing_x509::MakeVerifierPki(now);
  const auto& ca = certs.ca;
  const auto& leaf = certs.login;
  const auto& sibling = certs.other;
  const auto& renewed = certs.renewed;
  const auto server_only = MakeTestCert({.common_name = "www.example", .not_before = now - day,
                                         .not_after = now + 90 * day, .extended_key_usage = "serverAuth",
                                         .serial = 5}, &ca);
  const auto expired = MakeTestCert({.common_name = "old.example", .not_before = now - 100 * day,
                                     .not_after = now - day, .serial = 6}, &ca);
  for (const std::string& bad : {std::string("not a certificate"), ca.Pem(), server_only.Pem(), expired.Pem(),
                                 pki::CertificateDer(leaf.cert.get()) + "x"}) {
    auto refused = AddVerifier(*store_, "ログイン事業者", "auth", "supervisor-1", now, bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "client_certificate");
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(ListVerifiers(*store_)->empty());
  EXPECT_EQ(AuditCount("verifier_added"), 0u);

  auto login = AddVerifier(*store_, "ログイン事業者", "auth", "supervisor-1", now, leaf.Pem());
  ASSERT_TRUE(login.ok()) << login.error().ToString();
  EXPECT_EQ(login->verifier.client_cert_sha256, pki::Sha256Hex(pki::CertificateDer(leaf.cert.get())));
  EXPECT_NE(login->verifier.client_cert_subject.find("login.example"), std::string::npos);
  EXPECT_NE(VerifierJson(login->verifier).find(login->verifier.client_cert_sha256), std::string::npos);
  auto who = AuthenticateVerifierByCertificate(*store_, leaf.Pem());
  ASSERT_TRUE(who.ok()) << who.error().ToString();
  EXPECT_EQ(who->id, login->verifier.id);
  EXPECT_EQ(who->client_cert_sha256, login->verifier.client_cert_sha256);
  // The API key it was given works too: two credentials of one verifier.
  EXPECT_EQ(AuthenticateVerifier(*store_, login->api_key)->id, login->verifier.id);
  // The CA's other certificate, and anything that is no certificate, open nothing.
  for (const std::string& other : {sibling.Pem(), std::string(), std::string("-----BEGIN CERTIFICATE-----\nAAAA")}) {
    auto refused = AuthenticateVerifierByCertificate(*store_, other);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(refused.error().field, "client_certificate");
  }

  // One certificate, one verifier: a second registration of it is refused and writes nothing.
  auto twice = AddVerifier(*store_, "別の事業者", "sign", "supervisor-1", now, pki::CertificateDer(leaf.cert.get()));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(twice.error().field, "client_certificate");
  EXPECT_NE(twice.error().message.find(login->verifier.id), std::string::npos);
  EXPECT_EQ(ListVerifiers(*store_)->size(), 1u);
  auto other = AddVerifier(*store_, "別の事業者", "sign", "supervisor-1", now, pki::CertificateDer(sibling.cert.get()));
  ASSERT_TRUE(other.ok()) << other.error().ToString();  // DER is accepted as well as PEM
  EXPECT_EQ(AuthenticateVerifierByCertificate(*store_, sibling.Pem())->id, other->verifier.id);
  EXPECT_EQ(SetVerifierClientCertificate(*store_, other->verifier.id, leaf.Pem(), "supervisor-1", now).error().code,
            ErrorCode::kFailedPrecondition);

  // A renewed certificate replaces the old one, which stops working.
  EXPECT_EQ(SetVerifierClientCertificate(*store_, login->verifier.id, expired.Pem(), "supervisor-1", now).error().field,
            "client_certificate");
  EXPECT_EQ(SetVerifierClientCertificate(*store_, "V000000000000", renewed.Pem(), "supervisor-1", now).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(SetVerifierClientCertificate(*store_, login->verifier.id, renewed.Pem(), "supervisor-1", now).ok());
  EXPECT_FALSE(AuthenticateVerifierByCertificate(*store_, leaf.Pem()).ok());
  EXPECT_EQ(AuthenticateVerifierByCertificate(*store_, renewed.Pem())->id, login->verifier.id);
  EXPECT_EQ(AuditCount("verifier_client_cert_set"), 1u);

  // Revoked: the certificate stops with the key.
  ASSERT_TRUE(RevokeVerifier(*store_, login->verifier.id, "supervisor-1", now).ok());
  EXPECT_EQ(AuthenticateVerifierByCertificate(*store_, renewed.Pem()).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(SetVerifierClientCertificate(*store_, login->verifier.id, leaf.Pem(), "supervisor-1", now).error().field,
            "verifier");
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

// R-VER-1: a verifier asks only about certificates of its kind; R-VER-4: the holder ID is the
// same for one person across a renewal (new certificates, same record) and differs between
// two verifiers.
TEST_P(Verifiers, StatusByKindAndAPairwiseIdStableAcrossRenewals) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const int64_t other = ResidentWithCard("yamagata", Date::Ymd(1985, 1, 1), kCardIssued, false, "H2");
  const std::string old_sign = CardCert(r, card::CertSlot::kSign, "ABC123");
  const std::string old_auth = CardCert(r, card::CertSlot::kAuth);
  auto signer = AddVerifier(*store_, "電子契約サービス", "sign", "supervisor-1", env_.now);
  auto login = AddVerifier(*store_, "ログインサービス", "auth", "supervisor-1", env_.now);
  ASSERT_TRUE(signer.ok() && login.ok());

  auto s1 = StatusForVerifier(*ca_store_, Cas(), signer->verifier, old_sign);
  ASSERT_TRUE(s1.ok()) << s1.error().ToString();
  EXPECT_EQ(s1->kind, "sign");
  EXPECT_EQ(s1->state, pki::CertState::kGood);
  EXPECT_EQ(s1->resident_id, r);
  EXPECT_EQ(s1->holder_id.size(), 32u);
  auto wrong_kind = StatusForVerifier(*ca_store_, Cas(), signer->verifier, old_auth);
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong_kind.error().rule, "R-VER-1");
  EXPECT_EQ(StatusForVerifier(*ca_store_, Cas(), signer->verifier, "junk").error().field, "certificate_hex");
  // The right serial and issuer, another signature: not a certificate this CA issued (the
  // look-up matches the whole DER with the CA store's copy).
  std::string forged = old_sign;
  forged.back() = static_cast<char>(forged.back() ^ 1);
  auto refused = StatusForVerifier(*ca_store_, Cas(), signer->verifier, forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().field, "certificate_hex");

  auto a1 = StatusForVerifier(*ca_store_, Cas(), login->verifier, old_auth);
  ASSERT_TRUE(a1.ok());
  EXPECT_NE(a1->holder_id, s1->holder_id);  // another verifier: another ID for the same person
  auto o1 = StatusForVerifier(*ca_store_, Cas(), signer->verifier,
                              CardCert(other, card::CertSlot::kSign, "ABC123"));
  ASSERT_TRUE(o1.ok());
  EXPECT_NE(o1->holder_id, s1->holder_id);  // another person

  // The renewal: both certificates new, the old ones superseded; the IDs stay.
  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok() && run->completed);
  const std::string new_sign = CardCert(r, card::CertSlot::kSign, "ABC123");
  ASSERT_NE(new_sign, old_sign);
  auto superseded = StatusForVerifier(*ca_store_, Cas(), signer->verifier, old_sign);
  ASSERT_TRUE(superseded.ok());
  EXPECT_EQ(superseded->state, pki::CertState::kRevoked);
  EXPECT_EQ(superseded->reason, pki::RevocationReason::kSuperseded);
  auto s2 = StatusForVerifier(*ca_store_, Cas(), signer->verifier, new_sign);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->state, pki::CertState::kGood);
  EXPECT_EQ(s2->holder_id, s1->holder_id);
  auto a2 = StatusForVerifier(*ca_store_, Cas(), login->verifier, CardCert(r, card::CertSlot::kAuth));
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->holder_id, a1->holder_id);
}

// R-VER-3: 現況確認 before and after an address change. Without consent the verifier learns
// only that the record changed; with the holder's consent (given with the sign key) it gets
// the new sign certificate and the new 基本4情報, each disclosure audited; withdrawn (with the
// auth key: the sign certificate is revoked), nothing more.
TEST_P(Verifiers, CurrentStateAfterAMoveGivesNewDataOnlyWithConsent) {
  const int64_t r = ResidentWithCard("yokohama", kBirth, kCardIssued);
  const std::string sign = CardCert(r, card::CertSlot::kSign, "ABC123");
  const std::string auth = CardCert(r, card::CertSlot::kAuth);
  auto with = AddVerifier(*store_, "同意を得た検証者", "sign", "supervisor-1", env_.now);
  auto without = AddVerifier(*store_, "同意のない検証者", "sign", "supervisor-1", env_.now);
  auto login = AddVerifier(*store_, "ログインだけ", "auth", "supervisor-1", env_.now);
  ASSERT_TRUE(with.ok() && without.ok() && login.ok());

  // Before any change: good, nothing else.
  auto before = CheckCurrent(*store_, *ca_store_, Cas(), with->verifier, sign, env_.now);
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_EQ(before->status.state, pki::CertState::kGood);
  EXPECT_FALSE(before->changed);
  EXPECT_FALSE(before->basic);
  // 現況確認 is for sign certificates.
  auto of_auth = CheckCurrent(*store_, *ca_store_, Cas(), with->verifier, auth, env_.now);
  ASSERT_FALSE(of_auth.ok());
  EXPECT_EQ(of_auth.error().code, ErrorCode::kPermissionDenied);  // not a user-authentication verifier

  // Consent: with the sign key only, to an active sign verifier only.
  auto by_auth = Consent(r, auth, card::KeySlot::kAuth, ConsentPurpose(with->verifier.id));
  ASSERT_FALSE(by_auth.ok());
  EXPECT_EQ(by_auth.error().field, "purpose");
  EXPECT_EQ(by_auth.error().rule, "R-VER-3");
  auto to_login = Consent(r, sign, card::KeySlot::kSign, ConsentPurpose(login->verifier.id));
  ASSERT_FALSE(to_login.ok());
  EXPECT_EQ(to_login.error().field, "verifier");
  EXPECT_EQ(Consent(r, sign, card::KeySlot::kSign, ConsentPurpose("V0123456789AB")).error().code,
            ErrorCode::kNotFound);
  // The auth key over a consent challenge issued for the sign certificate: not its key.
  {
    auto challenge = IssueHolderChallenge(*store_, *ca_store_, Cas(), sign, ConsentPurpose(with->verifier.id), env_.now);
    ASSERT_TRUE(challenge.ok()) << challenge.error().ToString();
    auto forged = AnswerConsent(*store_, *ca_store_, challenge->id,
                                SignOnCard(r, card::KeySlot::kAuth, ChallengeMessage(*challenge)), env_.now);
    ASSERT_FALSE(forged.ok());
    EXPECT_EQ(forged.error().field, "signature");
  }
  EXPECT_FALSE(*HasConsent(*store_, with->verifier.id, r));
  auto granted = Consent(r, sign, card::KeySlot::kSign, ConsentPurpose(with->verifier.id));
  ASSERT_TRUE(granted.ok()) << granted.error().ToString();
  EXPECT_TRUE(granted->granted);
  EXPECT_EQ(granted->resident_id, r);
  EXPECT_TRUE(*HasConsent(*store_, with->verifier.id, r));
  EXPECT_FALSE(*HasConsent(*store_, without->verifier.id, r));
  EXPECT_EQ(AuditCount("consent_granted"), 1u);

  // The move: the sign certificate is revoked affiliationChanged.
  Move(r, "神奈川県横浜市中区港町一丁目1番地", Date::Ymd(2025, 3, 1));
  auto no_consent = CheckCurrent(*store_, *ca_store_, Cas(), without->verifier, sign, env_.now);
  ASSERT_TRUE(no_consent.ok());
  EXPECT_TRUE(no_consent->changed);
  EXPECT_FALSE(no_consent->consent);
  EXPECT_FALSE(no_consent->basic);
  EXPECT_FALSE(no_consent->new_certificate_der);
  EXPECT_EQ(AuditCount("verifier_disclosure"), 0u);

  // With consent, before a new sign certificate: the new basic data, no certificate yet.
  auto early = CheckCurrent(*store_, *ca_store_, Cas(), with->verifier, sign, env_.now);
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->changed);
  EXPECT_TRUE(early->consent);
  ASSERT_TRUE(early->basic);
  EXPECT_EQ(early->basic->address, "神奈川県横浜市中区港町一丁目1番地");
  EXPECT_EQ(early->basic->name, "山田　花子");
  EXPECT_EQ(early->basic->birth, kBirth);
  EXPECT_EQ(early->basic->sex, 2);
  EXPECT_FALSE(early->new_certificate_der);
  EXPECT_EQ(AuditCount("verifier_disclosure"), 1u);

  // After the new sign certificate: it too, with the same holder ID.
  NewSignCertificate(r, Date::Ymd(2025, 3, 3));
  const std::string new_sign = CardCert(r, card::CertSlot::kSign, "ABC123");
  auto later = CheckCurrent(*store_, *ca_store_, Cas(), with->verifier, sign, env_.now);
  ASSERT_TRUE(later.ok());
  ASSERT_TRUE(later->new_certificate_der);
  EXPECT_EQ(*later->new_certificate_der, new_sign);
  auto fresh = StatusForVerifier(*ca_store_, Cas(), with->verifier, new_sign);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->holder_id, later->status.holder_id);
  EXPECT_EQ(AuditCount("verifier_disclosure"), 2u);

  // Withdrawn with the auth key (the old sign certificate no longer signs anything valid).
  auto withdrawn = Consent(r, auth, card::KeySlot::kAuth, WithdrawPurpose(with->verifier.id));
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().ToString();
  EXPECT_FALSE(withdrawn->granted);
  auto after = CheckCurrent(*store_, *ca_store_, Cas(), with->verifier, sign, env_.now);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->changed);
  EXPECT_FALSE(after->consent);
  EXPECT_FALSE(after->basic);
  EXPECT_EQ(AuditCount("verifier_disclosure"), 2u);
  EXPECT_EQ(AuditCount("consent_withdrawn"), 1u);

  // A revoked verifier can no longer be consented to.
  ASSERT_TRUE(RevokeVerifier(*store_, with->verifier.id, "supervisor-1", env_.now).ok());
  auto late = Consent(r, new_sign, card::KeySlot::kSign, ConsentPurpose(with->verifier.id));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().field, "verifier");
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

INSTANTIATE_TEST_SUITE_P(Engines, Verifiers, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
