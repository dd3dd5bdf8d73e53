// The rest of a card's life at the counter (rules-lifecycle.md): the loss hotline's hold of
// both certificates (R-LOST-1), holds that are final (R-LOST-2), the found card lifted at a
// counter with new certificates (R-LOST-2/3), and the 紛失届 / 廃止 (R-LOST-4, R-REV-1) — with
// the real CA, its OCSP responder and the card model.
#include "counter/lifecycle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <openssl/sha.h>

#include "core/hex.h"
#include "counter/testing.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"

namespace mynacert::counter {
namespace {

constexpr Date kBirth = Date::Ymd(1980, 7, 7);
constexpr Date kCardIssued = Date::Ymd(2021, 7, 7);
constexpr Date kCallDay = Date::Ymd(2025, 2, 3);
constexpr Date kFoundDay = Date::Ymd(2025, 2, 10);

using testing::Cites;
using testing::OcspStatus;
using testing::StepIds;

class Lifecycle : public testing::CounterEngineTest {
 protected:
  // The caller's words for the fixture's resident (testing.h: 山田　花子, 山形市旅篭町…), typed
  // the way an operator would: half-width space, full-width digits.
  LossReport Call() const {
    LossReport r;
    r.name = "山田 花子";
    r.birth = kBirth;
    r.address = "山形県山形市旅篭町二丁目３番２５号";
    r.event = "lost";
    r.outside_home = true;
    r.police_receipt = "R07-123456";
    return r;
  }
  pki::CertState CaState(const std::string& kind, const std::string& serial) {
    auto found = ca_store_->Find(kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth, serial);
    EXPECT_TRUE(found.ok() && found->has_value()) << serial;
    return found.ok() && found->has_value() ? (*found)->state : pki::CertState::kGood;
  }
  pki::RevocationReason CaReason(const std::string& kind, const std::string& serial) {
    auto found = ca_store_->Find(kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth, serial);
    return found.ok() && found->has_value() ? (*found)->reason : pki::RevocationReason::kUnspecified;
  }
  std::unique_ptr<pki::OcspResponder> Responder() {
    auto ocsp_store = pki::CaStore::Open(CaDb());
    EXPECT_TRUE(ocsp_store.ok());
    auto responder = pki::OcspResponder::FromDirectory(*ca_dir_, {"ca-passphrase-for-tests", ""},
                                                       std::move(ocsp_store).value());
    EXPECT_TRUE(responder.ok()) << responder.error().ToString();
    return responder.ok() ? std::move(responder).value() : nullptr;
  }
  void Hold(int64_t resident) {
    auto receipt = counter_->ReportLoss(Call(), "hotline-1", env_.now, kCallDay, ca_store_.get());
    ASSERT_TRUE(receipt.ok()) << receipt.error().ToString();
    ASSERT_EQ(receipt->resident_id, resident);
  }
};

// R-LOST-1: one call suspends the card and holds both certificates; the CA's OCSP answers
// certificateHold (6) for both at once; the call, the police receipt number and the operator
// are recorded and audited.
TEST_P(Lifecycle, HotlineCallHoldsBothCertificatesAtOnce) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");
  const CertRecord sign = **store_->ActiveCert(card.id, "sign");
  const std::string auth_der = CardCert(r, card::CertSlot::kAuth);
  const std::string sign_der = CardCert(r, card::CertSlot::kSign, "ABC123");
  auto ocsp = Responder();
  ASSERT_TRUE(ocsp);
  EXPECT_EQ(OcspStatus(*ocsp, auth_der, auth_ca_->cert.get()), "good");

  auto receipt = counter_->ReportLoss(Call(), "hotline-1", env_.now, kCallDay, ca_store_.get());
  ASSERT_TRUE(receipt.ok()) << receipt.error().ToString();
  EXPECT_EQ(receipt->resident_id, r);
  EXPECT_FALSE(receipt->already_suspended);
  ASSERT_EQ(receipt->held.size(), 2u);
  EXPECT_TRUE(Cites(receipt->next, "R-LOST-2"));  // the operator says a hold is final

  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kOnHold);
  EXPECT_EQ(CaState("sign", sign.serial), pki::CertState::kOnHold);
  ASSERT_TRUE(ocsp->Refresh().ok());  // what the service does right after a hold
  EXPECT_EQ(OcspStatus(*ocsp, auth_der, auth_ca_->cert.get()), "revoked:6");
  EXPECT_EQ(OcspStatus(*ocsp, sign_der, sign_ca_->cert.get()), "revoked:6");

  const CardRecord after = **store_->ActiveCard(r);
  EXPECT_EQ(after.state, "suspended");
  EXPECT_EQ((*store_->ActiveCert(card.id, "auth"))->state, "held");
  auto calls = store_->HotlineCalls(r);
  ASSERT_TRUE(calls.ok());
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ(calls->front().police_receipt, "R07-123456");
  EXPECT_EQ(calls->front().operator_name, "hotline-1");
  EXPECT_EQ(AuditCount("hotline_hold"), 1u);
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;

  // A held certificate gets no expiry notice and no renewal: the assessment says held.
  auto resident = store_->GetResident(r);
  auto a = counter_->AssessResident(*resident, kCallDay);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->auth.status, rules::CertStatus::kHeld);

  // A second call about the same card holds nothing more but is recorded.
  auto again = counter_->ReportLoss(Call(), "hotline-2", env_.now + 60, kCallDay, ca_store_.get());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->already_suspended);
  EXPECT_TRUE(again->held.empty());
  EXPECT_EQ(store_->HotlineCalls(r)->size(), 2u);
}

// The caller is identified by all three of name, birth date and address; a mismatch is
// refused without saying which part differed, and bad input names its field. Nothing is
// written by a refused call.
TEST_P(Lifecycle, AnUnidentifiedOrBadCallChangesNothing) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const size_t audit_before = store_->audit().Read(0, 0, 0, 100000)->size();
  struct Case {
    const char* what;
    std::function<void(LossReport&)> edit;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"another address", [](LossReport& c) { c.address = "山形県山形市旅篭町二丁目3番26号"; }, "holder"},
      {"another birth date", [](LossReport& c) { c.birth = Date::Ymd(1980, 7, 8); }, "holder"},
      {"another name", [](LossReport& c) { c.name = "山田 花"; }, "holder"},
      {"no name", [](LossReport& c) { c.name = "　"; }, "name"},
      {"an event the hotline does not take", [](LossReport& c) { c.event = "broken"; }, "event"},
      {"a family caller without a name",
       [](LossReport& c) { c.caller = "family"; c.caller_name.clear(); }, "caller_name"},
      {"a receipt number with a quote", [](LossReport& c) { c.police_receipt = "1'; DROP"; }, "police_receipt"},
  };
  for (const Case& c : cases) {
    LossReport call = Call();
    c.edit(call);
    auto refused = counter_->ReportLoss(call, "hotline-1", env_.now, kCallDay, ca_store_.get());
    ASSERT_FALSE(refused.ok()) << c.what;
    EXPECT_EQ(refused.error().field, c.field) << c.what;
  }
  EXPECT_EQ((*store_->ActiveCard(r))->state, "active");
  EXPECT_TRUE(store_->HotlineCalls(r)->empty());
  EXPECT_EQ(store_->audit().Read(0, 0, 0, 100000)->size(), audit_before);
  EXPECT_TRUE(store_->PendingRevocations()->empty());
}

// kill -9 between the counter's transaction and the CA's: the holds stay queued and the next
// delivery (Recover, as `counter recover` and the service's start run it) puts both on hold
// in one CA transaction.
TEST_P(Lifecycle, HoldsQueuedBeforeACrashReachTheCaTogether) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");
  const CertRecord sign = **store_->ActiveCert(card.id, "sign");
  auto receipt = counter_->ReportLoss(Call(), "hotline-1", env_.now, kCallDay, nullptr);
  ASSERT_TRUE(receipt.ok()) << receipt.error().ToString();
  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kGood);
  EXPECT_EQ(store_->PendingRevocations()->size(), 2u);
  Reopen();
  auto recovered = counter_->Recover(env_);
  ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
  EXPECT_EQ(recovered->revocations.size(), 2u);
  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kOnHold);
  EXPECT_EQ(CaState("sign", sign.serial), pki::CertState::kOnHold);
  auto events = ca_store_->Events(0, 1000);
  ASSERT_TRUE(events.ok());
  size_t holds = 0;
  for (const pki::CaEvent& e : *events) {
    if (e.action == "hold") {
      ++holds;
      EXPECT_NE(e.note.find("R-LOST-1"), std::string::npos);
    }
  }
  EXPECT_EQ(holds, 2u);
  // Delivered twice (a second recovery) changes nothing.
  ASSERT_TRUE(counter_->Recover(env_).ok());
  EXPECT_EQ(ca_store_->Events(0, 1000)->size(), events->size());
}

// R-LOST-2: a suspended card takes no renewal; the found-card procedure revokes the held
// certificates and issues new ones onto the same card; OCSP then says revoked for the old
// ones and good for the new ones, which the card holds.
TEST_P(Lifecycle, FoundCardRevokesTheHeldCertificatesAndIssuesNewOnes) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");
  const CertRecord sign = **store_->ActiveCert(card.id, "sign");
  const std::string old_auth_der = CardCert(r, card::CertSlot::kAuth);
  Hold(r);

  const int64_t renewal = Open(r, "renewal", "self", "yamagata-cityhall", kFoundDay, true);
  ASSERT_TRUE(PresentItem(renewal, "holder_card").ok());
  Decision refused = DecideOk(renewal);
  EXPECT_EQ(refused.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(refused.refusals, "R-LOST-2"));

  const int64_t c = Open(r, "found_card", "self", "yamagata-cityhall", kFoundDay, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-LOST-2"));
  EXPECT_FALSE(d.paid_reissue);
  // A new issuance, not a renewal (no R-VAL-1a year): the 5th birthday after 2025-02-10.
  EXPECT_EQ(*d.auth_expiry, Date::Ymd(2029, 7, 7));
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"check_pins", "keygen:auth", "keygen:sign", "issue:auth",
                                                  "issue:sign", "write:auth", "write:sign", "revoke_old:auth",
                                                  "revoke_old:sign", "resume_card", "close"}));
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);

  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kRevoked);
  EXPECT_EQ(CaReason("auth", auth.serial), pki::RevocationReason::kSuperseded);
  EXPECT_EQ(CaState("sign", sign.serial), pki::CertState::kRevoked);
  EXPECT_EQ((*store_->ActiveCard(r))->state, "active");
  const CertRecord new_auth = **store_->ActiveCert(card.id, "auth");
  EXPECT_NE(new_auth.serial, auth.serial);
  EXPECT_EQ(new_auth.state, "active");
  EXPECT_FALSE(new_auth.renewal);

  auto ocsp = Responder();
  ASSERT_TRUE(ocsp);
  EXPECT_EQ(OcspStatus(*ocsp, old_auth_der, auth_ca_->cert.get()), "revoked:4");
  const std::string new_auth_der = CardCert(r, card::CertSlot::kAuth);
  EXPECT_NE(new_auth_der, old_auth_der);
  EXPECT_EQ(OcspStatus(*ocsp, new_auth_der, auth_ca_->cert.get()), "good");

  // The card is in force again: the found-card procedure has nothing left to lift.
  const int64_t twice = Open(r, "found_card", "self", "yamagata-cityhall", kFoundDay, true);
  ASSERT_TRUE(PresentItem(twice, "holder_card").ok());
  Decision nothing = DecideOk(twice);
  EXPECT_EQ(nothing.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(nothing.refusals, "R-LOST-2"));
}

// R-LOST-3: an agent lifts a suspension through the inquiry by post, never with the expiry
// notice's form.
TEST_P(Lifecycle, AnAgentLiftsASuspensionByTheInquiryByPost) {
  const int64_t r = ResidentWithCard("kanazawa", kBirth, kCardIssued);
  Hold(r);
  const int64_t c = Open(r, "found_card", "agent_with_form", "kanazawa-cityhall", kFoundDay, false);
  Decision with_form = DecideOk(c);
  EXPECT_EQ(with_form.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(with_form.refusals, "R-LOST-3")) << DecisionJson(with_form);
  const int64_t by_post = Open(r, "found_card", "agent_without_form", "kanazawa-cityhall", kFoundDay, false);
  Decision d = DecideOk(by_post);
  EXPECT_TRUE(d.document_inquiry);
  EXPECT_EQ(d.visits_total, 3);  // Kanazawa's 文書照会 (R-PROC-6)
  EXPECT_NE(d.outcome, Outcome::kRefused) << DecisionJson(d);
}

// R-LOST-4 / R-REV-1: a card that stays lost is abolished without being reached (it is
// gone): its certificates revoked keyCompromise, the fee when the holder is at fault; a
// broken card's are revoked cessationOfOperation; agents are refused.
TEST_P(Lifecycle, AbolishingALostCardRevokesWithoutTheCard) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");
  const CertRecord sign = **store_->ActiveCert(card.id, "sign");
  Hold(r);
  // The card is lost: any attempt to reach it fails the test.
  env_.open_card = [](const CardRecord&) -> Result<std::unique_ptr<CardLink>> {
    ADD_FAILURE() << "a lost card was reached";
    return NotFound("card", "lost");
  };
  CaseFlags flags;
  flags.card_event = "lost";
  const int64_t c = Open(r, "abolish_card", "self", "yamagata-cityhall", kFoundDay, true, flags);
  Decision missing = DecideOk(c);
  ASSERT_EQ(missing.outcome, Outcome::kMissing) << DecisionJson(missing);
  ASSERT_TRUE(PresentId(c, "holder", "drivers_license").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_EQ(d.fee_yen, 1000);  // 800 + 200, the profile's [fees]
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"revoke:auth", "revoke:sign", "abolish_card", "close"}));
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);
  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kRevoked);
  EXPECT_EQ(CaReason("auth", auth.serial), pki::RevocationReason::kKeyCompromise);
  EXPECT_EQ(CaReason("sign", sign.serial), pki::RevocationReason::kKeyCompromise);
  EXPECT_FALSE(store_->ActiveCard(r)->has_value());
  EXPECT_EQ(store_->Cards(r)->front().state, "abolished");
}

TEST_P(Lifecycle, AbolitionReasonFeeAndApplicantFollowTheEvent) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");

  CaseFlags stolen;
  stolen.card_event = "stolen";
  const int64_t s = Open(r, "abolish_card", "self", "yamagata-cityhall", kFoundDay, true, stolen);
  ASSERT_TRUE(PresentId(s, "holder", "drivers_license").ok());
  Decision free = DecideOk(s);
  ASSERT_EQ(free.outcome, Outcome::kAccepted);
  EXPECT_EQ(free.fee_yen, 0);

  CaseFlags by_agent;
  by_agent.card_event = "lost";
  const int64_t a = Open(r, "abolish_card", "agent_with_form", "yamagata-cityhall", kFoundDay, false, by_agent);
  Decision refused = DecideOk(a);
  EXPECT_EQ(refused.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(refused.refusals, "R-LOST-4"));

  CaseFlags broken;
  broken.card_event = "broken";
  const int64_t b = Open(r, "abolish_card", "self", "yamagata-cityhall", kFoundDay, true, broken);
  ASSERT_TRUE(PresentItem(b, "holder_card").ok());  // the broken card, returned
  ASSERT_TRUE(PresentId(b, "holder", "drivers_license").ok());
  Decision d = DecideOk(b);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_EQ(d.fee_yen, 1000);
  auto run = counter_->Execute(b, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(CaReason("auth", auth.serial), pki::RevocationReason::kCessationOfOperation);
}

// R-REV-2: the holder's online request. The challenge signed on the card with the
// certificate's key revokes it cessationOfOperation (in the CA, the counter's record, the
// audit log); a replayed answer, a signature by another card's key, a certificate of another
// CA and a held certificate are refused, each changing nothing.
TEST_P(Lifecycle, OnlineRevocationRequestNeedsTheCertificatesOwnKeyOnce) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const int64_t other = ResidentWithCard("yamagata", Date::Ymd(1985, 1, 1), kCardIssued, false, "H2");
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");
  const std::string auth_der = CardCert(r, card::CertSlot::kAuth);
  const pki::CaGeneration* cas[] = {auth_ca_, sign_ca_};
  // The card of `resident` signs `message` with its auth key (PIN 1234), as the client does.
  auto sign_on_card = [&](int64_t resident, const std::string& message) {
    return SignOnCard(resident, card::KeySlot::kAuth, message);
  };

  EXPECT_EQ(IssueHolderChallenge(*store_, *ca_store_, cas, "not DER", "revocation", env_.now).error().field, "certificate");
  const pki::CaGeneration* wrong_ca[] = {sign_ca_};  // an auth certificate is not the sign CA's
  EXPECT_EQ(IssueHolderChallenge(*store_, *ca_store_, wrong_ca, auth_der, "revocation", env_.now).error().field, "certificate");

  // Another card's key: refused, and the challenge is used up.
  auto c1 = IssueHolderChallenge(*store_, *ca_store_, cas, auth_der, "revocation", env_.now);
  ASSERT_TRUE(c1.ok()) << c1.error().ToString();
  EXPECT_EQ(c1->kind, "auth");
  EXPECT_EQ(c1->serial, auth.serial);
  auto foreign = counter_->RevokeOnHolderRequest(*ca_store_, c1->id, sign_on_card(other, ChallengeMessage(*c1)),
                                                 env_.now, kFoundDay);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().field, "signature");
  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kGood);
  auto retry = counter_->RevokeOnHolderRequest(*ca_store_, c1->id, sign_on_card(r, ChallengeMessage(*c1)),
                                               env_.now, kFoundDay);
  ASSERT_FALSE(retry.ok());
  EXPECT_EQ(retry.error().field, "challenge_id");  // one try per challenge
  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kGood);

  // An expired challenge is refused.
  auto stale = IssueHolderChallenge(*store_, *ca_store_, cas, auth_der, "revocation", env_.now);
  ASSERT_TRUE(stale.ok());
  auto late = counter_->RevokeOnHolderRequest(*ca_store_, stale->id, sign_on_card(r, ChallengeMessage(*stale)),
                                              env_.now + kChallengeSeconds + 1, kFoundDay);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().field, "challenge_id");

  // The holder's own key over a fresh challenge: revoked cessationOfOperation.
  auto c2 = IssueHolderChallenge(*store_, *ca_store_, cas, auth_der, "revocation", env_.now);
  ASSERT_TRUE(c2.ok());
  const std::string signature = sign_on_card(r, ChallengeMessage(*c2));
  auto done = counter_->RevokeOnHolderRequest(*ca_store_, c2->id, signature, env_.now, kFoundDay);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->resident_id, r);
  EXPECT_EQ(CaReason("auth", auth.serial), pki::RevocationReason::kCessationOfOperation);
  const auto certs = store_->Certs(r);  // kept: a range-for over *temporary would dangle
  ASSERT_TRUE(certs.ok());
  for (const CertRecord& cert : *certs) {
    if (cert.serial != auth.serial) continue;
    EXPECT_EQ(cert.state, "revoked");
    EXPECT_EQ(cert.reason, "cessationOfOperation");
  }
  EXPECT_EQ(AuditCount("holder_revocation"), 1u);
  // The same answer again (a replay): refused.
  auto replay = counter_->RevokeOnHolderRequest(*ca_store_, c2->id, signature, env_.now, kFoundDay);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().field, "challenge_id");
  EXPECT_EQ(AuditCount("holder_revocation"), 1u);
  // And no new challenge for a certificate that is no longer good.
  auto none = IssueHolderChallenge(*store_, *ca_store_, cas, auth_der, "revocation", env_.now);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().field, "serial");

  // A held certificate (the card reported lost) is not revoked this way (R-REV-2, R-LOST-2).
  const std::string other_der = CardCert(other, card::CertSlot::kAuth);
  LossReport other_call;
  auto other_resident = *store_->GetResident(other);
  other_call.name = other_resident.name;
  other_call.birth = other_resident.birth;
  other_call.address = other_resident.address;
  ASSERT_TRUE(counter_->ReportLoss(other_call, "hotline-1", env_.now, kCallDay, ca_store_.get()).ok());
  auto on_hold = IssueHolderChallenge(*store_, *ca_store_, cas, other_der, "revocation", env_.now);
  ASSERT_FALSE(on_hold.ok());
  EXPECT_EQ(on_hold.error().rule, "R-REV-2");
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

// ---- face-authentication cards (R-FACE-1..4) ----

// R-FACE-3: switched to a face card at the counter, the card loses its PINs and its sign key,
// the sign certificate is revoked cessationOfOperation (OCSP revoked:5); the auth certificate
// stays good. Back to PINs: the face is checked, the holder sets new PINs, a sign certificate
// is issued again (R-CERT-4).
TEST_P(Lifecycle, AFaceCardIsSwitchedAtTheCounterBothWays) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const CardRecord card = **store_->ActiveCard(r);
  const CertRecord auth = **store_->ActiveCert(card.id, "auth");
  const CertRecord sign = **store_->ActiveCert(card.id, "sign");
  const std::string sign_der = CardCert(r, card::CertSlot::kSign, "ABC123");
  const std::string auth_der = CardCert(r, card::CertSlot::kAuth);

  CaseFlags to_face;
  to_face.card_type = "face";
  const int64_t c = Open(r, "face_switch", "self", "yamagata-cityhall", kFoundDay, true, to_face);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-FACE-1"));
  EXPECT_TRUE(Cites(d.reasons, "R-FACE-3"));
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"revoke:sign", "face_on", "close"}));
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);
  EXPECT_TRUE((*store_->ActiveCard(r))->face);
  EXPECT_EQ(CaState("sign", sign.serial), pki::CertState::kRevoked);
  EXPECT_EQ(CaReason("sign", sign.serial), pki::RevocationReason::kCessationOfOperation);
  EXPECT_EQ(CaState("auth", auth.serial), pki::CertState::kGood);
  auto ocsp = Responder();
  ASSERT_TRUE(ocsp);
  EXPECT_EQ(OcspStatus(*ocsp, sign_der, sign_ca_->cert.get()), "revoked:5");
  EXPECT_EQ(OcspStatus(*ocsp, auth_der, auth_ca_->cert.get()), "good");
  {
    auto link = testing::OpenFileCard(**store_->ActiveCard(r), dir_);
    ASSERT_TRUE(link.ok());
    card::JpkiClient client((*link)->transport());
    auto face = client.IsFaceCard();
    ASSERT_TRUE(face.ok()) << face.error().ToString();
    EXPECT_TRUE(*face);
  }
  EXPECT_TRUE(CardCert(r, card::CertSlot::kSign, "ABC123").empty());  // no sign certificate on the chip

  // A face card has no PIN to reset, and takes no sign certificate.
  CaseFlags sign_only;
  sign_only.certs = "sign";
  const int64_t sign_case = Open(r, "new_issuance", "self", "yamagata-cityhall", kFoundDay, true, sign_only);
  ASSERT_TRUE(PresentItem(sign_case, "holder_card").ok());
  Decision no_sign = DecideOk(sign_case);
  EXPECT_EQ(no_sign.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(no_sign.refusals, "R-FACE-1"));
  const int64_t pin_case = Open(r, "pin_reset", "self", "yamagata-cityhall", kFoundDay, true);
  ASSERT_TRUE(PresentItem(pin_case, "holder_card").ok());
  ASSERT_TRUE(PresentId(pin_case, "holder", "drivers_license").ok());
  Decision no_pin = DecideOk(pin_case);
  EXPECT_EQ(no_pin.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(no_pin.refusals, "R-FACE-1"));
  // Already a face card: nothing to switch.
  const int64_t again = Open(r, "face_switch", "self", "yamagata-cityhall", kFoundDay, true, to_face);
  ASSERT_TRUE(PresentItem(again, "holder_card").ok());
  EXPECT_TRUE(Cites(DecideOk(again).refusals, "R-FACE-3"));

  // Back to PINs.
  CaseFlags to_pin;
  to_pin.card_type = "pin";
  const int64_t back = Open(r, "face_switch", "self", "yamagata-cityhall", kFoundDay, true, to_pin);
  ASSERT_TRUE(PresentItem(back, "holder_card").ok());
  ASSERT_TRUE(PresentId(back, "holder", "drivers_license").ok());
  Decision db = DecideOk(back);
  ASSERT_EQ(db.outcome, Outcome::kAccepted) << DecisionJson(db);
  EXPECT_EQ(StepIds(db), (std::vector<std::string>{"face_check", "face_off", "keygen:sign", "issue:sign",
                                                   "write:sign", "close"}));
  pins_["new:auth"] = "5678";
  pins_["new:sign"] = "PIN5678X";
  env_.face_check = [] { return Result<bool>(true); };
  auto run_back = counter_->Execute(back, env_);
  ASSERT_TRUE(run_back.ok()) << run_back.error().ToString();
  ASSERT_TRUE(run_back->completed);
  EXPECT_FALSE((*store_->ActiveCard(r))->face);
  const std::string new_sign = CardCert(r, card::CertSlot::kSign, "PIN5678X");
  ASSERT_FALSE(new_sign.empty());
  ASSERT_TRUE(ocsp->Refresh().ok());
  EXPECT_EQ(OcspStatus(*ocsp, new_sign, sign_ca_->cert.get()), "good");
  auto link = testing::OpenFileCard(**store_->ActiveCard(r), dir_);
  ASSERT_TRUE(link.ok());
  card::JpkiClient client((*link)->transport());
  auto check = client.Verify(card::PinId::kAuth, "5678");
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->verified);
}

// R-FACE-4 / R-FACE-2: a face card's auth certificate is renewed with the face check in place
// of the PIN; a face that does not match changes nothing and counts on the card; the 10th
// failure locks it, and no renewal goes through until the counter resets it.
TEST_P(Lifecycle, AFaceCardIsRenewedWithTheFaceCheckAndLocksAfterTenFailures) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  CaseFlags to_face;
  to_face.card_type = "face";
  const int64_t sw = Open(r, "face_switch", "self", "yamagata-cityhall", kFoundDay, true, to_face);
  ASSERT_TRUE(PresentItem(sw, "holder_card").ok());
  ASSERT_EQ(DecideOk(sw).outcome, Outcome::kAccepted);
  ASSERT_TRUE(counter_->Execute(sw, env_).ok());
  const CertRecord auth = **store_->ActiveCert((*store_->ActiveCard(r))->id, "auth");

  // In the renewal window of the auth certificate (2026-07-07).
  const Date window = Date::Ymd(2026, 5, 1);
  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", window, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-FACE-1"));  // the auth certificate only
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"face_check", "keygen:auth", "issue:auth", "write:auth",
                                                  "revoke_old:auth", "close"}));
  // An agent cannot bring a face.
  const int64_t agent = Open(r, "renewal", "agent_with_form", "yamagata-cityhall", window, false);
  EXPECT_TRUE(Cites(DecideOk(agent).refusals, "R-FACE-4"));

  // Without a face check result the execution does not start.
  auto no_check = counter_->Execute(c, env_);
  ASSERT_FALSE(no_check.ok());
  EXPECT_EQ(no_check.error().field, "face_check");
  EXPECT_EQ((*store_->GetCase(c)).state, "accepted");

  env_.face_check = [] { return Result<bool>(false); };
  for (int i = 1; i <= 10; ++i) {
    auto run = counter_->Execute(c, env_);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_TRUE(run->face_failure) << i;
    EXPECT_EQ(run->face_failure->tries_left, 10 - i);
    EXPECT_EQ(run->face_failure->locked, i == 10);
    EXPECT_EQ((*store_->GetCase(c)).state, "accepted");
  }
  EXPECT_EQ(AuditCount("face_mismatch"), 10u);
  // Locked: a match no longer opens it.
  env_.face_check = [] { return Result<bool>(true); };
  auto locked = counter_->Execute(c, env_);
  ASSERT_TRUE(locked.ok()) << locked.error().ToString();
  ASSERT_TRUE(locked->face_failure);
  EXPECT_TRUE(locked->face_failure->locked);
  EXPECT_EQ((*store_->ActiveCert((*store_->ActiveCard(r))->id, "auth"))->serial, auth.serial);

  // The counter lifts the lock (ロック解除) and the face matches: renewed.
  {
    auto link = testing::OpenFileCard(**store_->ActiveCard(r), dir_);
    ASSERT_TRUE(link.ok());
    auto session = card::IssuerSession::Open((*link)->transport(), testing::kIssuerMaster);
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->ResetFaceCounter().ok());
  }
  auto renewed = counter_->Execute(c, env_);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  ASSERT_TRUE(renewed->completed);
  const CertRecord fresh = **store_->ActiveCert((*store_->ActiveCard(r))->id, "auth");
  EXPECT_NE(fresh.serial, auth.serial);
  EXPECT_TRUE(fresh.renewal);
  EXPECT_EQ(CaReason("auth", auth.serial), pki::RevocationReason::kSuperseded);
}

INSTANTIATE_TEST_SUITE_P(Engines, Lifecycle, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
