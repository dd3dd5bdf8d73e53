// The card's own renewal (rules-lifecycle.md R-CARD-1..4), from the 交付申請書 to the pick-up
// at the counter, with the real CA, its OCSP responder and the card model — and face cards
// handed over the same way (R-FACE-1).
#include "counter/card_renewal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "card/card.h"
#include "counter/testing.h"
#include "pki/ocsp.h"

namespace mynacert::counter {
namespace {

// Card and certificates end together on 2026-12-20 (R-WIN-6): born 1990-12-20, the card issued
// at 25 on 2016-12-25 (R-VAL-2: its 10th birthday after), the certificates renewed in their
// window in 2021 (R-VAL-1a, capped by the card, R-VAL-5).
constexpr Date kBirth = Date::Ymd(1990, 12, 20);
constexpr Date kCardIssued = Date::Ymd(2016, 12, 25);
constexpr Date kCertRenewed = Date::Ymd(2021, 11, 1);
constexpr Date kCardExpiry = Date::Ymd(2026, 12, 20);
constexpr Date kNoticeDay = Date::Ymd(2026, 9, 21);
constexpr Date kApplied = Date::Ymd(2026, 9, 25);
constexpr Date kProduced = Date::Ymd(2026, 10, 20);
constexpr Date kPickup = Date::Ymd(2026, 11, 5);

using testing::Cites;
using testing::OcspStatus;
using testing::StepIds;
using testing::kCardSecret;
using testing::kIssuerMaster;
using testing::OpenFileCard;

class CardRenewal : public testing::CounterEngineTest {
 protected:
  // A holder whose card and certificates expire on kCardExpiry.
  int64_t Holder() {
    const int64_t r = ResidentWithCard("suzuka", kBirth, kCardIssued);
    const int64_t renewal = Open(r, "renewal", "self", "suzuka-cityhall", kCertRenewed, true);
    EXPECT_TRUE(PresentItem(renewal, "holder_card").ok());
    EXPECT_EQ(DecideOk(renewal).outcome, Outcome::kAccepted);
    auto run = counter_->Execute(renewal, env_);
    EXPECT_TRUE(run.ok() && run->completed) << (run.ok() ? "" : run.error().ToString());
    const CardRecord card = **store_->ActiveCard(r);
    EXPECT_EQ(card.expires, kCardExpiry);
    EXPECT_EQ((*store_->ActiveCert(card.id, "auth"))->last_valid_day, kCardExpiry);
    return r;
  }
  // Notice, application and production: the card waiting at the counter.
  CardApplication Produced(int64_t r, bool face = false) {
    auto opened = OpenApplication(*store_, r, kCardExpiry, kNoticeDay, "notices", env_.now);
    EXPECT_TRUE(opened.ok()) << opened.error().ToString();
    ApplyRequest online;
    online.channel = "online";
    online.birth = kBirth;
    online.face = face;
    auto applied = Apply(*store_, opened->id, online, kApplied, "online", env_.now);
    EXPECT_TRUE(applied.ok()) << applied.error().ToString();
    auto made = Produce(*store_, *profiles_, opened->id, Production(), kProduced, "factory", env_.now);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    auto notified = MarkNotified(*store_, opened->id, kProduced, "notices", env_.now);
    EXPECT_TRUE(notified.ok()) << notified.error().ToString();
    return notified.ok() ? *notified : CardApplication{};
  }
  ProductionEnv Production() const { return ProductionEnv{dir_, kCardSecret, kIssuerMaster}; }
  int64_t Pickup(int64_t r, const std::string& application, const std::string& applicant = "self") {
    CaseFlags flags;
    flags.application = application;
    return Open(r, "card_pickup", applicant, "suzuka-cityhall", kPickup, true, flags);
  }
  std::unique_ptr<pki::OcspResponder> Responder() {
    auto ocsp_store = pki::CaStore::Open(CaDb());
    EXPECT_TRUE(ocsp_store.ok());
    auto responder = pki::OcspResponder::FromDirectory(*ca_dir_, {"ca-passphrase-for-tests", ""},
                                                       std::move(ocsp_store).value());
    EXPECT_TRUE(responder.ok()) << responder.error().ToString();
    return responder.ok() ? std::move(responder).value() : nullptr;
  }
  void NewPins() {
    pins_["new:auth"] = "4321";
    pins_["new:sign"] = "NEWPIN99";
    pins_["new:text"] = "4321";
    pins_["new:juki"] = "4321";
  }
};

// R-CARD-1..2: from the notice to the pick-up. The application is opened once per card expiry;
// the produced card is a new chip; at the pick-up the holder sets the PINs, the new card gets
// both certificates, the old card is returned and its certificates revoked superseded (OCSP
// revoked:4), the new ones good.
TEST_P(CardRenewal, FromTheNoticeToThePickUpTheOldCardsCertificatesAreSuperseded) {
  const int64_t r = Holder();
  const CardRecord old_card = **store_->ActiveCard(r);
  const CertRecord old_auth = **store_->ActiveCert(old_card.id, "auth");
  const CertRecord old_sign = **store_->ActiveCert(old_card.id, "sign");
  const std::string old_auth_der = CardCert(r, card::CertSlot::kAuth);

  const CardApplication app = Produced(r);
  EXPECT_EQ(app.id.size(), 23u);
  EXPECT_EQ(app.state, "notified");
  EXPECT_EQ(app.channel, "online");
  EXPECT_EQ(app.photo, "uploaded");
  EXPECT_NE(app.chip_id, old_card.chip_id);
  // R-VAL-2: the new card's 10th birthday after its issue on 2026-10-20 (35 at application).
  EXPECT_EQ(*app.new_card_expiry, Date::Ymd(2035, 12, 20));
  // The notice batch asks again (a resumed run): the same application.
  auto again = OpenApplication(*store_, r, kCardExpiry, kNoticeDay, "notices", env_.now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, app.id);

  const int64_t c = Pickup(r, app.id);
  ASSERT_TRUE(PresentItem(c, "pickup_notice").ok());
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "holder", "drivers_license").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-CARD-2"));
  EXPECT_TRUE(Cites(d.reasons, "R-CARD-3"));  // free
  EXPECT_EQ(d.fee_yen, 0);
  EXPECT_EQ(*d.auth_expiry, Date::Ymd(2030, 12, 20));  // a new issuance: 5th birthday after
  EXPECT_EQ(StepIds(d),
            (std::vector<std::string>{"reset_pin:auth", "reset_pin:sign", "reset_pin:text", "reset_pin:juki",
                                      "adopt_card", "keygen:auth", "keygen:sign", "issue:auth", "issue:sign",
                                      "write_ca", "write_data", "write:auth", "write:sign", "revoke_old:auth",
                                      "revoke_old:sign", "close"}));
  NewPins();
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);

  const CardRecord new_card = **store_->ActiveCard(r);
  EXPECT_EQ(new_card.chip_id, app.chip_id);
  EXPECT_EQ(new_card.expires, Date::Ymd(2035, 12, 20));
  EXPECT_FALSE(new_card.face);
  bool returned = false;
  const std::vector<CardRecord> cards = *store_->Cards(r);
  for (const CardRecord& k : cards) returned |= k.id == old_card.id && k.state == "returned";
  EXPECT_TRUE(returned);
  EXPECT_EQ((*store_->FindCardApplication(app.id))->state, "picked_up");
  EXPECT_EQ((*store_->FindCardApplication(app.id))->case_id, c);

  auto ocsp = Responder();
  ASSERT_TRUE(ocsp);
  EXPECT_EQ(OcspStatus(*ocsp, old_auth_der, auth_ca_->cert.get()), "revoked:4");
  const std::vector<CertRecord> certs = *store_->Certs(r);
  for (const CertRecord& cr : certs) {
    if (cr.serial == old_auth.serial || cr.serial == old_sign.serial) {
      EXPECT_EQ(cr.state, "superseded") << cr.serial;
    }
  }
  // The new card answers with its new certificates, under the PINs the holder set.
  const std::string new_auth_der = CardCert(r, card::CertSlot::kAuth);
  ASSERT_FALSE(new_auth_der.empty());
  EXPECT_EQ(OcspStatus(*ocsp, new_auth_der, auth_ca_->cert.get()), "good");
  EXPECT_FALSE(CardCert(r, card::CertSlot::kSign, "NEWPIN99").empty());
  // And the registry's data on its 券面事項入力補助 AP, under the new text PIN.
  const card::TextApData text = ReadTextAp(r, card::PinId::kText, "4321");
  EXPECT_EQ(text.holder.my_number, store_->GetResident(r)->my_number);
  EXPECT_TRUE(text.signature_verified) << text.signature_problem;
  // Its card face carries the new card's expiry, and its 照合番号B is the new card's.
  const card::CardFaceRead face = ReadCardFace(r, card::PinId::kVisualB, PinB(r));
  ASSERT_TRUE(face.check.verified);
  EXPECT_TRUE(face.signature_verified) << face.signature_problem;
  EXPECT_EQ(face.face.data.expiry, card::CardDate(new_card.expires));
  auto link = OpenFileCard(new_card, dir_);
  ASSERT_TRUE(link.ok());
  card::JpkiClient client((*link)->transport());
  auto check = client.Verify(card::PinId::kAuth, "4321");
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->verified);

  // Handed over once.
  const int64_t twice = Pickup(r, app.id);
  ASSERT_TRUE(PresentItem(twice, "pickup_notice").ok());
  Decision nothing = DecideOk(twice);
  EXPECT_EQ(nothing.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(nothing.refusals, "R-CARD-2"));
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

// R-CARD-2: without the old card, or sent as an agent, the pick-up is not done and nothing is
// written; the card is not handed over before it is produced.
TEST_P(CardRenewal, APickUpWithoutTheOldCardOrByAnAgentChangesNothing) {
  const int64_t r = Holder();
  const CardRecord old_card = **store_->ActiveCard(r);
  const CardApplication app = Produced(r);

  const int64_t c = Pickup(r, app.id);
  ASSERT_TRUE(PresentItem(c, "pickup_notice").ok());
  ASSERT_TRUE(PresentId(c, "holder", "drivers_license").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kMissing) << DecisionJson(d);
  bool card_missing = false;
  for (const rules::DocumentLine& l : d.missing) {
    card_missing |= l.item == "holder_card" &&
                    std::find(l.rules.begin(), l.rules.end(), "R-CARD-2") != l.rules.end();
  }
  EXPECT_TRUE(card_missing) << DecisionJson(d);
  NewPins();
  auto run = counter_->Execute(c, env_);
  EXPECT_FALSE(run.ok());
  EXPECT_EQ((*store_->ActiveCard(r))->id, old_card.id);
  EXPECT_EQ((*store_->FindCardApplication(app.id))->state, "notified");

  const int64_t agent = Pickup(r, app.id, "agent_with_form");
  Decision refused = DecideOk(agent);
  EXPECT_EQ(refused.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(refused.refusals, "R-CARD-2"));

  // A case naming another resident's application, or none, is not opened.
  CaseFlags flags;
  flags.application = "00000000000000000000000";
  OpenRequest req;
  req.resident_id = r;
  req.procedure = "card_pickup";
  req.applicant = "self";
  req.flags = flags;
  req.visit.on = kPickup;
  req.visit.counter_id = "suzuka-cityhall";
  req.visit.clerk = "clerk-1";
  req.visit.holder_present = true;
  auto unknown = counter_->OpenCase(req, env_.now);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "application");
}

// R-CARD-1: the application's channels and their photos; the online one is proven with the
// birth date printed on the form; applied once; produced only after the application.
TEST_P(CardRenewal, TheApplicationIsCheckedBeforeAnythingIsWritten) {
  const int64_t r = Holder();
  auto opened = OpenApplication(*store_, r, kCardExpiry, kNoticeDay, "notices", env_.now);
  ASSERT_TRUE(opened.ok());
  auto early = Produce(*store_, *profiles_, opened->id, Production(), kProduced, "factory", env_.now);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().field, "application");

  struct Bad {
    std::string channel, photo;
    std::optional<Date> birth;
    std::string field;
  };
  for (const Bad& b : std::vector<Bad>{{"fax", "", kBirth, "channel"},
                                       {"post", "uploaded", std::nullopt, "photo"},
                                       {"online", "", Date::Ymd(1990, 12, 21), "birth"},
                                       {"online", "", std::nullopt, "birth"}}) {
    ApplyRequest req;
    req.channel = b.channel;
    req.photo = b.photo;
    req.birth = b.birth;
    auto refused = Apply(*store_, opened->id, req, kApplied, "online", env_.now);
    ASSERT_FALSE(refused.ok()) << b.channel << " " << b.photo;
    EXPECT_EQ(refused.error().field, b.field);
    EXPECT_EQ((*store_->FindCardApplication(opened->id))->state, "noticed");
  }
  ApplyRequest by_post;
  by_post.channel = "post";
  auto applied = Apply(*store_, opened->id, by_post, kApplied, "clerk-1", env_.now);
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  EXPECT_EQ(applied->photo, "attached");
  auto twice = Apply(*store_, opened->id, by_post, kApplied, "clerk-1", env_.now);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);

  // Cancelled by staff: the produced blank card is destroyed.
  auto made = Produce(*store_, *profiles_, opened->id, Production(), kProduced, "factory", env_.now);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  auto path = CardFilePath(dir_, made->location);
  ASSERT_TRUE(path.ok());
  EXPECT_TRUE(std::filesystem::exists(*path));
  auto cancelled = Cancel(*store_, opened->id, dir_, "転出", "clerk-1", env_.now);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(*path));
}

// R-FACE-1 with R-CARD-2: a face card applied for is made without certificate PINs and gets no
// sign certificate at the pick-up; the old sign certificate is still superseded.
TEST_P(CardRenewal, AFaceCardAppliedForIsHandedOverWithoutASignCertificate) {
  const int64_t r = Holder();
  const CardRecord old_card = **store_->ActiveCard(r);
  const CertRecord old_sign = **store_->ActiveCert(old_card.id, "sign");
  const CardApplication app = Produced(r, /*face=*/true);
  const int64_t c = Pickup(r, app.id);
  ASSERT_TRUE(PresentItem(c, "pickup_notice").ok());
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "holder", "drivers_license").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-FACE-1"));
  EXPECT_FALSE(d.sign_expiry);
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"reset_pin:text", "reset_pin:juki", "adopt_card", "keygen:auth",
                                                  "issue:auth", "write_ca", "write_data", "write:auth", "revoke_old:auth",
                                                  "revoke_old:sign", "close"}));
  NewPins();
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);
  const CardRecord face_card = **store_->ActiveCard(r);
  EXPECT_TRUE(face_card.face);
  EXPECT_FALSE(*store_->ActiveCert(face_card.id, "sign"));
  auto opened = card::Card::Open((dir_ / "cards" / ("application-" + app.id + ".card")).string(), kCardSecret);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_TRUE((*opened)->FaceCard());
  EXPECT_TRUE((*opened)->Certificate(card::CertSlot::kSign).empty());
  EXPECT_FALSE((*opened)->Certificate(card::CertSlot::kAuth).empty());
  bool superseded = false;
  const std::vector<CertRecord> certs = *store_->Certs(r);
  for (const CertRecord& cr : certs) superseded |= cr.serial == old_sign.serial && cr.state == "superseded";
  EXPECT_TRUE(superseded);
}

INSTANTIATE_TEST_SUITE_P(Engines, CardRenewal, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
