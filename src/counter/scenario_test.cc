// Scenario tests (issue 5): one per seed situation, against the real card model and the real CA
// on SQLite. Dates follow the seeds' worked example: born 1980-07-07, card issued 2021-07-07
// (expires 2031-07-07, R-VAL-2), certificates expire 2026-07-07 (R-VAL-1), renewal window from
// 2026-04-08 (R-WIN-1).
#include <gtest/gtest.h>
#include <openssl/ocsp.h>

#include <fstream>
#include <iterator>
#include <map>

#include "counter/schema.h"
#include "counter/testing.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"
#include "pki/openssl.h"

namespace mynacert::counter {
namespace {

using testing::CounterTest;
using testing::OpenFileCard;

constexpr Date kBirth = Date::Ymd(1980, 7, 7);
constexpr Date kCardIssued = Date::Ymd(2021, 7, 7);
constexpr Date kInWindow = Date::Ymd(2026, 5, 1);

using testing::Cites;
using testing::OcspStatus;
using testing::StepIds;

class Scenario : public testing::CounterEngineTest {};

// Yamagata, the holder in person inside the window: one visit, free; the new certificates
// expire with the card (R-VAL-1a, R-VAL-6); the old ones are revoked `superseded`.
TEST_P(Scenario, SelfRenewalInsideTheWindowYamagata) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  auto before = store_->Certs(r);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 2u);
  EXPECT_EQ(before->front().last_valid_day, Date::Ymd(2026, 7, 7));

  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted);
  EXPECT_EQ(d.visits_total, 1);
  EXPECT_FALSE(d.paid_reissue);
  EXPECT_EQ(*d.auth_expiry, Date::Ymd(2031, 7, 7));  // = the card's expiry
  EXPECT_EQ(*d.sign_expiry, Date::Ymd(2031, 7, 7));
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"check_pins", "keygen:auth", "keygen:sign", "issue:auth",
                                                  "issue:sign", "write:auth", "write:sign", "revoke_old:auth",
                                                  "revoke_old:sign", "close"}));

  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_TRUE(run->completed);
  ASSERT_EQ(run->revoked.size(), 2u);
  for (const auto& [kind, serial] : run->revoked) {
    auto old = ca_store_->Find(kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth, serial);
    ASSERT_TRUE(old.ok() && old->has_value());
    EXPECT_EQ((*old)->state, pki::CertState::kRevoked);
    EXPECT_EQ((*old)->reason, pki::RevocationReason::kSuperseded);
  }
  // The card now holds exactly the certificate the CA issued, expiring with the card.
  const auto& [kind, serial] = run->new_serials.front();
  ASSERT_EQ(kind, "auth");
  auto issued = ca_store_->Find(pki::CaKind::kAuth, serial);
  ASSERT_TRUE(issued.ok() && issued->has_value());
  EXPECT_EQ(CardCert(r, card::CertSlot::kAuth), (*issued)->der);
  auto x509 = pki::ParseCertificateDer((*issued)->der);
  ASSERT_TRUE(x509.ok());
  EXPECT_EQ(pki::JstDate(X509_get0_notAfter(x509->get())), Date::Ymd(2031, 7, 7));
  // The PIN carried over (R-CERT-7): the sign certificate reads after the old sign PIN.
  EXPECT_FALSE(CardCert(r, card::CertSlot::kSign, "ABC123").empty());
  auto the_case = store_->GetCase(c);
  EXPECT_EQ(the_case->state, "done");
  auto verified = store_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

// A copied (or restored) home writes its own card files: card locations are relative to the
// home, so renewing on the copy leaves the original's cards byte for byte as they were.
TEST_P(Scenario, ACopiedHomeWritesItsOwnCardsNotTheOriginals) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const std::filesystem::path original = dir_;
  auto read_cards = [](const std::filesystem::path& home) {
    std::map<std::string, std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(home / "cards")) {
      std::ifstream in(e.path(), std::ios::binary);
      files[e.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return files;
  };
  const auto before = read_cards(original);
  ASSERT_FALSE(before.empty());

  counter_.reset();
  store_.reset();
  ca_store_.reset();
  const std::filesystem::path copy = original.string() + "-copy";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(original, copy, std::filesystem::copy_options::recursive);
  dir_ = copy;  // TearDown removes the copy
  Reopen();

  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_TRUE(run->completed);

  EXPECT_TRUE(read_cards(original) == before) << "the original home's card files were written";
  EXPECT_FALSE(read_cards(copy) == before) << "the copy's card files were not written";
  std::filesystem::remove_all(original);
}

// Card locations are relative to the home. A home from before that (absolute paths inside
// it) is rewritten on open; an absolute path outside it, `..` or a symbolic link out of the
// home is refused when the card is used, naming the field card.
TEST_P(Scenario, CardLocationsOutsideTheHomeAreRefused) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  auto card = *store_->ActiveCard(r);
  ASSERT_EQ(card->location.rfind("file:cards/", 0), 0u) << card->location;
  const std::filesystem::path file = dir_ / card->location.substr(5);
  auto set_location = [&](const std::string& location) {
    ASSERT_TRUE(counter::Run(store_->db(), "UPDATE cards SET location = $1 WHERE id = $2", {Text(location), card->id}).ok());
  };

  set_location("file:" + std::filesystem::absolute(file).string());  // as written before
  Reopen();
  EXPECT_EQ((*store_->ActiveCard(r))->location, card->location);
  EXPECT_FALSE(CardCert(r, card::CertSlot::kAuth).empty());
  // Before, a relative --home (./mynacert-home) gave paths relative to the working directory.
  set_location("file:" + std::filesystem::relative(file).string());
  Reopen();
  EXPECT_EQ((*store_->ActiveCard(r))->location, card->location);

  const std::filesystem::path outside = dir_.string() + "-outside";
  std::filesystem::remove_all(outside);
  std::filesystem::create_directories(outside);
  std::filesystem::copy_file(file, outside / "elsewhere.card");
  std::filesystem::create_directory_symlink(outside, dir_ / "cards" / "link");
  for (const std::string& location :
       {"file:" + (outside / "elsewhere.card").string(), std::string("file:../") + outside.filename().string() + "/elsewhere.card",
        std::string("file:cards/link/elsewhere.card")}) {
    set_location(location);
    Reopen();
    auto c = *store_->ActiveCard(r);
    EXPECT_EQ(c->location, location);  // outside: left as it is, and refused when used
    auto link = OpenFileCard(*c, dir_);
    ASSERT_FALSE(link.ok()) << location;
    EXPECT_EQ(link.error().field, "card");
    EXPECT_NE(link.error().message.find("home folder"), std::string::npos) << link.error().message;
  }
  std::filesystem::remove_all(outside);
}

// R-PROC-1: a forgotten PIN is reset in the same visit with one A or B document; Yamagata
// does not take the health insurance card (R-ID-X).
TEST_P(Scenario, SelfWithForgottenPinNeedsAnIdYamagata) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  CaseFlags flags;
  flags.pin_forgotten = true;
  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true, flags);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  Status hic = PresentId(c, "holder", "health_insurance_card");
  ASSERT_FALSE(hic.ok());
  EXPECT_EQ(hic.error().rule, "R-ID-X");
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kMissing);
  ASSERT_EQ(d.missing.size(), 1u);
  EXPECT_EQ(d.missing[0].item, "id");
  EXPECT_EQ(d.missing[0].rules.front(), "R-PROC-1");

  ASSERT_TRUE(PresentId(c, "holder", "kaigo_hoken").ok());  // one B document
  d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted);
  EXPECT_EQ(StepIds(d).front(), "reset_pin:auth");
  pins_["new:auth"] = "5678";
  pins_["new:sign"] = "NEWPIN9";
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_TRUE(run->completed);
  EXPECT_FALSE(CardCert(r, card::CertSlot::kSign, "NEWPIN9").empty());
}

// R-PROC-4: the agent with the J-LIS form, same day. A wrong PIN on the form costs a try on
// the card and turns the case into 文書照会 (R-PROC-5); an expired form is refused.
TEST_P(Scenario, AgentWithTheFormYamagata) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "agent_with_form", "yamagata-cityhall", kInWindow, false);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "agent", "drivers_license").ok());
  ASSERT_TRUE(PresentForm(c, "jlis", Date::Ymd(2026, 7, 7)).ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-PROC-4"));

  pins_["auth"] = "9999";  // what the holder wrote on the form
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_FALSE(run->completed);
  ASSERT_TRUE(run->pin_failure);
  EXPECT_EQ(run->pin_failure->tries_left, 2);  // the card counted the try (R-CERT-6)
  ASSERT_TRUE(run->decision_after);
  EXPECT_EQ(run->decision_after->outcome, Outcome::kNextVisit);  // visit 1 of 文書照会 is complete
  EXPECT_TRUE(Cites(run->decision_after->reasons, "R-PROC-5"));
  auto the_case = store_->GetCase(c);
  EXPECT_EQ(the_case->applicant, "agent_without_form");
  EXPECT_EQ(the_case->state, "waiting");
  EXPECT_TRUE(ca_store_->FindByHolder("resident:" + std::to_string(r))->size() == 2u);  // nothing issued

  // After the certificate expired, the form (valid until that day, B6) is refused.
  const int64_t late = Open(r, "renewal", "agent_with_form", "yamagata-cityhall", Date::Ymd(2026, 7, 8), false);
  ASSERT_TRUE(PresentItem(late, "holder_card").ok());
  ASSERT_TRUE(PresentId(late, "agent", "passport").ok());
  ASSERT_TRUE(PresentForm(late, "jlis", Date::Ymd(2026, 7, 7)).ok());
  d = DecideOk(late);
  ASSERT_EQ(d.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(d.refusals, "R-PROC-4"));
  EXPECT_TRUE(Cites(d.reasons, "B6-FORM"));
}

// R-PROC-6, Kanazawa: 3 visits, the 3rd within 30 days of the 2nd (any counter).
TEST_P(Scenario, AgentWithoutFormKanazawaThreeVisits) {
  const int64_t r = ResidentWithCard("kanazawa", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "agent_without_form", "kanazawa-cityhall", Date::Ymd(2026, 4, 10), false);
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kNextVisit) << DecisionJson(d);
  EXPECT_EQ(d.visits_total, 3);
  EXPECT_FALSE(d.next_visit_by);

  Visit v2{2, Date::Ymd(2026, 4, 13), "kanazawa-cityhall", "clerk-2", false};
  ASSERT_TRUE(counter_->NextVisit(c, v2, env_.now).ok());
  d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kMissing);
  ASSERT_TRUE(PresentItem(c, "application_form").ok());
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "agent", "drivers_license").ok());
  d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kNextVisit) << DecisionJson(d);
  ASSERT_TRUE(d.next_visit_by);
  EXPECT_EQ(*d.next_visit_by, Date::Ymd(2026, 5, 13));
  EXPECT_NE(d.reasons.back().ja.find("2026-05-13"), std::string::npos);

  // Day 31 after the 2nd visit: refused.
  Visit late{3, Date::Ymd(2026, 5, 14), "kanazawa-shimin-center", "clerk-3", false};
  ASSERT_TRUE(counter_->NextVisit(c, late, env_.now).ok());
  d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kRefused);
  EXPECT_TRUE(Cites(d.refusals, "R-PROC-6"));
}

TEST_P(Scenario, AgentWithoutFormKanazawaThirdVisitOnDay30) {
  const int64_t r = ResidentWithCard("kanazawa", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "agent_without_form", "kanazawa-cityhall", Date::Ymd(2026, 4, 10), false);
  DecideOk(c);
  ASSERT_TRUE(counter_->NextVisit(c, {2, Date::Ymd(2026, 4, 13), "kanazawa-cityhall", "c", false}, env_.now).ok());
  for (const char* item : {"application_form", "holder_card"}) ASSERT_TRUE(PresentItem(c, item).ok());
  ASSERT_TRUE(PresentId(c, "agent", "drivers_license").ok());
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kNextVisit);
  ASSERT_TRUE(counter_->NextVisit(c, {3, Date::Ymd(2026, 5, 13), "kanazawa-shimin-center", "c", false}, env_.now).ok());
  for (const char* item : {"application_form", "holder_card"}) ASSERT_TRUE(PresentItem(c, item).ok());
  ASSERT_TRUE(PresentId(c, "agent", "drivers_license").ok());
  ASSERT_TRUE(PresentForm(c, "municipal", Date::Ymd(2026, 5, 13)).ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  env_.today = Date::Ymd(2026, 5, 13);
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_TRUE(run->completed);
}

// R-PROC-6, Yamagata: 2 visits; the 2nd needs the holder's non-card ID, the agent's A×2 or
// A×1+B×1 and the form.
TEST_P(Scenario, AgentWithoutFormYamagataTwoVisits) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "agent_without_form", "yamagata-cityhall", kInWindow, false);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "agent", "drivers_license").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kNextVisit) << DecisionJson(d);
  EXPECT_EQ(d.visits_total, 2);
  ASSERT_TRUE(counter_->NextVisit(c, {2, Date::Ymd(2026, 5, 20), "yamagata-cityhall", "c", false}, env_.now).ok());
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "holder", "my_number_card").ok());  // does not count: not a non-card ID
  ASSERT_TRUE(PresentId(c, "agent", "drivers_license").ok());
  ASSERT_TRUE(PresentForm(c, "municipal", Date::Ymd(2026, 6, 30)).ok());
  d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kMissing) << DecisionJson(d);
  ASSERT_EQ(d.missing.size(), 2u);  // the holder's ID and the agent's second document
  ASSERT_TRUE(PresentId(c, "holder", "pension_cert").ok());
  ASSERT_TRUE(PresentId(c, "agent", "kaigo_hoken").ok());
  d = DecideOk(c);
  EXPECT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
}

// R-PROC-6 / R-ID-X, Yokohama: 2 visits; a health insurance card counts for the agent on
// visit 1 only.
TEST_P(Scenario, AgentWithoutFormYokohamaHealthInsuranceOnVisitOneOnly) {
  const int64_t r = ResidentWithCard("yokohama", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "agent_without_form", "yokohama-naka", kInWindow, false);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "agent", "health_insurance_card").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kNextVisit) << DecisionJson(d);
  ASSERT_TRUE(counter_->NextVisit(c, {2, Date::Ymd(2026, 5, 15), "yokohama-naka", "c", false}, env_.now).ok());
  Status second = PresentId(c, "agent", "health_insurance_card");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().rule, "R-ID-X");
}

// R-PROC-8, Setagaya: a corner takes the holder in person only; an agent is sent to the main
// counters.
TEST_P(Scenario, SetagayaCornerRefusesAnAgent) {
  const int64_t r = ResidentWithCard("setagaya", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "agent_with_form", "setagaya-corner-wakabayashi", kInWindow, false);
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kRefused);
  ASSERT_TRUE(Cites(d.refusals, "R-PROC-8"));
  EXPECT_NE(d.refusals[0].ja.find("世田谷"), std::string::npos);
}

// R-PROC-7, Setagaya: after expiry the form is usable only if name and address are unchanged.
TEST_P(Scenario, SetagayaExpiredFormOnlyIfUnchanged) {
  const int64_t r = ResidentWithCard("setagaya", kBirth, kCardIssued);
  const Date after = Date::Ymd(2026, 7, 20);
  const int64_t ok_case = Open(r, "renewal", "agent_with_form", "setagaya-setagaya", after, false);
  ASSERT_TRUE(PresentItem(ok_case, "holder_card").ok());
  ASSERT_TRUE(PresentId(ok_case, "agent", "passport").ok());
  ASSERT_TRUE(PresentForm(ok_case, "jlis", Date::Ymd(2026, 7, 7), true, Date::Ymd(2026, 4, 20)).ok());
  Decision d = DecideOk(ok_case);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-PROC-7"));

  ResidentChange move;
  move.address = "東京都世田谷区太子堂一丁目1番1号";
  ASSERT_TRUE(counter_->ChangeResident(r, move, Date::Ymd(2026, 6, 1), "clerk-1", env_.now, ca_store_.get()).ok());
  const int64_t moved = Open(r, "renewal", "agent_with_form", "setagaya-setagaya", after, false);
  ASSERT_TRUE(PresentItem(moved, "holder_card").ok());
  ASSERT_TRUE(PresentId(moved, "agent", "passport").ok());
  ASSERT_TRUE(PresentForm(moved, "jlis", Date::Ymd(2026, 7, 7), true, Date::Ymd(2026, 4, 20)).ok());
  d = DecideOk(moved);
  ASSERT_EQ(d.outcome, Outcome::kRefused) << DecisionJson(d);
  EXPECT_TRUE(Cites(d.reasons, "R-PROC-7"));
}

// R-PROC-2 / R-CERT-4: the parent of a 12-year-old; no sign cert; no 戸籍謄本 when the residence
// record shows the relation in one household.
TEST_P(Scenario, ParentOfATwelveYearOld) {
  const Date child_birth = Date::Ymd(2014, 3, 3);
  const int64_t child = ResidentWithCard("yamagata", child_birth, Date::Ymd(2024, 1, 10));
  auto certs = store_->Certs(child);
  ASSERT_EQ(certs->size(), 1u);  // auth only: under 15 (R-CERT-4)
  Resident parent;
  parent.municipality = "yamagata";
  parent.name = "山田　太郎";
  parent.address = "山形県山形市旅篭町二丁目3番25号";
  parent.birth = Date::Ymd(1984, 5, 5);
  parent.sex = 1;
  parent.household = "H1";
  auto p = counter_->AddResident(parent, "clerk-1", env_.now);
  ASSERT_TRUE(p.ok());
  // Without the recorded relation: the 戸籍謄本 is needed.
  const Date on = Date::Ymd(2026, 11, 20);
  const int64_t c = Open(child, "renewal", "legal_rep_parent", "yamagata-cityhall", on, false, {}, *p);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "representative", "drivers_license").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kMissing) << DecisionJson(d);
  EXPECT_EQ(d.missing[0].item, "koseki_tohon");
  EXPECT_TRUE(Cites(d.reasons, "R-CERT-4"));
  // With the relation in one household: accepted, auth cert only.
  ASSERT_TRUE(store_->AddRelation(*p, child).ok());
  d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_FALSE(d.sign_expiry);
  for (const std::string& id : StepIds(d)) EXPECT_EQ(id.find("sign"), std::string::npos) << id;
}

// R-PROC-2: the guardian of an adult ward brings a 登記事項証明書; Yamagata takes it only when
// issued within 3 months.
TEST_P(Scenario, GuardianOfAnAdultWardYamagata) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued, /*adult_ward=*/true);
  const int64_t c = Open(r, "renewal", "legal_rep_guardian", "yamagata-cityhall", kInWindow, false);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "representative", "passport").ok());
  Document old_proof;
  old_proof.whose = "representative";
  old_proof.item = "touki_jiko_shomei";
  old_proof.issued = Date::Ymd(2026, 1, 10);
  Status refused = counter_->Present(c, old_proof, "clerk-1", env_.now);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().rule, "R-PROC-2");
  Document proof = old_proof;
  proof.issued = Date::Ymd(2026, 3, 1);
  ASSERT_TRUE(counter_->Present(c, proof, "clerk-1", env_.now).ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_FALSE(d.sign_expiry);  // R-CERT-4
}

// R-PROC-3, Yokohama (where the profile follows seed 003): a sign-cert renewal of an adult
// ward needs the holder present.
TEST_P(Scenario, YokohamaAdultWardSignRenewalNeedsTheHolder) {
  const int64_t r = ResidentWithCard("yokohama", kBirth, kCardIssued, /*adult_ward=*/true);
  const profiles::Municipality* m = *profiles_->Find("yokohama");
  if (!m->rules.adult_ward_sign_cert) {
    // The default follows R-CERT-4 (no sign cert for an adult ward): the holder need not come.
    const int64_t c = Open(r, "renewal", "legal_rep_guardian", "yokohama-naka", kInWindow, false);
    Decision d = DecideOk(c);
    EXPECT_TRUE(Cites(d.reasons, "R-CERT-4"));
    GTEST_SKIP() << "yokohama profile: adult_ward_sign_cert = false (R-CERT-4 default)";
  }
  const int64_t c = Open(r, "renewal", "legal_rep_guardian", "yokohama-naka", kInWindow, false);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_TRUE(PresentId(c, "representative", "passport").ok());
  Document proof;
  proof.whose = "representative";
  proof.item = "touki_jiko_shomei";
  proof.issued = Date::Ymd(2026, 4, 1);
  ASSERT_TRUE(counter_->Present(c, proof, "clerk-1", env_.now).ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kMissing) << DecisionJson(d);
  EXPECT_EQ(d.missing[0].item, "holder_present");
  EXPECT_EQ(d.missing[0].rules[0], "R-PROC-3");
}

// R-CERT-5: a move revokes the sign cert (affiliationChanged) in the CA, and the CA's OCSP
// responder says so; the auth cert stays good; then a new sign cert is issued at the counter.
TEST_P(Scenario, AddressChangeRevokesTheSignCertThenNewIssuance) {
  const int64_t r = ResidentWithCard("yokohama", kBirth, kCardIssued);
  auto card = *store_->ActiveCard(r);
  auto sign = *store_->ActiveCert(card->id, "sign");
  auto auth = *store_->ActiveCert(card->id, "auth");
  const std::string old_sign_der = CardCert(r, card::CertSlot::kSign, "ABC123");
  const std::string auth_der = CardCert(r, card::CertSlot::kAuth);
  // The responder as `ca ocsp-serve` builds it: from the CA folder, over its own store handle.
  auto ocsp_store = pki::CaStore::Open(CaDb());
  ASSERT_TRUE(ocsp_store.ok());
  auto responder = pki::OcspResponder::FromDirectory(*ca_dir_, {"ca-passphrase-for-tests", ""},
                                                     std::move(ocsp_store).value());
  ASSERT_TRUE(responder.ok()) << responder.error().ToString();
  pki::OcspResponder& ocsp = **responder;
  EXPECT_EQ(OcspStatus(ocsp, old_sign_der, sign_ca_->cert.get()), "good");
  ResidentChange move;
  move.address = "神奈川県横浜市中区港町一丁目1番地";
  auto changed = counter_->ChangeResident(r, move, Date::Ymd(2025, 3, 1), "clerk-1", env_.now, ca_store_.get());
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  ASSERT_EQ(changed->revoked_serials, std::vector<std::string>{sign->serial});
  auto in_ca = *ca_store_->Find(pki::CaKind::kSign, sign->serial);
  EXPECT_EQ(in_ca->state, pki::CertState::kRevoked);
  EXPECT_EQ(in_ca->reason, pki::RevocationReason::kAffiliationChanged);
  EXPECT_EQ((*ca_store_->Find(pki::CaKind::kAuth, auth->serial))->state, pki::CertState::kGood);
  ASSERT_TRUE(ocsp.Refresh().ok());  // what the server's refresh loop does
  EXPECT_EQ(OcspStatus(ocsp, old_sign_der, sign_ca_->cert.get()),
            "revoked:" + std::to_string(OCSP_REVOKED_STATUS_AFFILIATIONCHANGED));
  EXPECT_EQ(OcspStatus(ocsp, auth_der, auth_ca_->cert.get()), "good");

  CaseFlags flags;
  flags.certs = "sign";
  const int64_t c = Open(r, "new_issuance", "self", "yokohama-naka", Date::Ymd(2025, 3, 3), true, flags);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"check_pins", "keygen:sign", "issue:sign", "write:sign", "close"}));
  auto run = counter_->Execute(c, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);
  const std::string der = CardCert(r, card::CertSlot::kSign, "ABC123");
  auto x509 = pki::ParseCertificateDer(der);
  ASSERT_TRUE(x509.ok());
  EXPECT_EQ(pki::SerialHex(X509_get0_serialNumber(x509->get())), run->new_serials[0].second);
  EXPECT_EQ(OcspStatus(ocsp, der, sign_ca_->cert.get()), "good");
}

// A new card carries the registry's data on its 券面事項入力補助 AP, signed by the sandbox key.
TEST_P(Scenario, IssuanceWritesTheRegistrysDataOntoTheChip) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const Resident resident = *store_->GetResident(r);
  card::TextApData read = ReadTextAp(r, card::PinId::kText, "1234");
  ASSERT_TRUE(read.check.verified);
  EXPECT_EQ(read.holder.my_number, resident.my_number);
  EXPECT_EQ(read.holder.name, "山田　花子");
  EXPECT_EQ(read.holder.address, "山形県山形市旅篭町二丁目３番２５号");
  EXPECT_EQ(read.holder.sex, '2');
  const std::string birth = kBirth.ToString();
  EXPECT_EQ(read.holder.birth, birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2));
  EXPECT_TRUE(read.signature_verified) << read.signature_problem;
  // 照合番号A (the My Number) opens the number only, and counts down from 10.
  read = ReadTextAp(r, card::PinId::kTextA, resident.my_number);
  ASSERT_TRUE(read.check.verified);
  EXPECT_EQ(read.holder.my_number, resident.my_number);
  EXPECT_TRUE(read.holder.name.empty());
  read = ReadTextAp(r, card::PinId::kTextA, "000000000000");
  EXPECT_FALSE(read.check.verified);
  EXPECT_EQ(read.check.tries_left, 9);
  EXPECT_TRUE(read.holder.my_number.empty());
  // And the card face on its 券面 AP: with 照合番号A the face and the number's image, signed, and
  // the AP's key answers a challenge; with 照合番号B — the birth date, the expiry year and the
  // security code the issuer printed — the face.
  const CardRecord card = **store_->ActiveCard(r);
  card::CardFaceRead face = ReadCardFace(r, card::PinId::kVisualA, resident.my_number);
  ASSERT_TRUE(face.check.verified);
  EXPECT_TRUE(face.signature_verified) << face.signature_problem;
  EXPECT_TRUE(face.chip_present);
  EXPECT_EQ(face.face.data.birth, card::CardDate(kBirth));
  EXPECT_EQ(face.face.data.sex, '2');
  EXPECT_EQ(face.face.data.expiry, card::CardDate(card.expires));
  EXPECT_FALSE(face.number_png.empty());
  face = ReadCardFace(r, card::PinId::kVisualB, PinB(r));
  ASSERT_TRUE(face.check.verified);
  EXPECT_TRUE(face.signature_verified) << face.signature_problem;
  EXPECT_TRUE(face.number_png.empty());
  // 照合番号B of the 券面事項入力補助 AP is the same number.
  read = ReadTextAp(r, card::PinId::kTextB, PinB(r));
  ASSERT_TRUE(read.check.verified);
  EXPECT_EQ(read.holder.name, "山田　花子");
}

// A card in a reader may be anyone's: the execution proves the chip ID under the issuer key
// before the first PIN, so another resident's card loses no PIN try and nothing is issued.
TEST_P(Scenario, SomeoneElsesCardIsRefusedBeforeAnyPin) {
  const int64_t holder = ResidentWithCard("yamagata", kBirth, kCardIssued, false, "H1");
  const int64_t other = ResidentWithCard("yamagata", kBirth, kCardIssued, false, "H2");
  const int64_t c = Open(holder, "renewal", "self", "yamagata-cityhall", kInWindow, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
  const CardRecord others_card = **store_->ActiveCard(other);
  env_.open_card = [&](const CardRecord&) { return OpenFileCard(others_card, dir_); };
  pins_["auth"] = "9999";  // would cost a try if it reached the card
  auto run = counter_->Execute(c, env_);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(run.error().message.find("カードではありません"), std::string::npos) << run.error().ToString();
  auto link = OpenFileCard(others_card, dir_);
  ASSERT_TRUE(link.ok());
  card::JpkiClient client((*link)->transport());
  EXPECT_EQ(*client.TriesLeft(card::PinId::kAuth), 3);
  EXPECT_EQ(ca_store_->FindByHolder("resident:" + std::to_string(holder))->size(), 2u);  // nothing issued
  EXPECT_EQ(store_->GetCase(c)->state, "accepted");  // nothing journaled, nothing to recover

  // The right card: the renewal runs.
  env_.open_card = [this](const CardRecord& card) { return OpenFileCard(card, dir_); };
  pins_["auth"] = "1234";
  auto good = counter_->Execute(c, env_);
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  EXPECT_TRUE(good->completed);
}

// R-CERT-6: three wrong auth PINs lock it; a PIN reset with an ID makes it usable again.
TEST_P(Scenario, LockoutThenResetWithId) {
  const int64_t r = ResidentWithCard("suzuka", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "self", "suzuka-cityhall", kInWindow, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
  pins_["auth"] = "0000";
  for (int tries_left : {2, 1, 0}) {
    auto run = counter_->Execute(c, env_);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_TRUE(run->pin_failure);
    EXPECT_EQ(run->pin_failure->tries_left, tries_left);
  }
  pins_["auth"] = "1234";
  auto locked = counter_->Execute(c, env_);
  ASSERT_TRUE(locked.ok());
  ASSERT_TRUE(locked->pin_failure);
  EXPECT_TRUE(locked->pin_failure->locked);

  CaseFlags flags;
  flags.pin = "auth";
  const int64_t reset = Open(r, "pin_reset", "self", "suzuka-cityhall", kInWindow, true, flags);
  ASSERT_TRUE(PresentItem(reset, "holder_card").ok());
  ASSERT_TRUE(PresentId(reset, "holder", "drivers_license").ok());
  Decision d = DecideOk(reset);
  ASSERT_EQ(d.outcome, Outcome::kAccepted) << DecisionJson(d);
  EXPECT_EQ(StepIds(d), (std::vector<std::string>{"reset_pin:auth", "close"}));
  pins_["new:auth"] = "4321";
  auto run = counter_->Execute(reset, env_);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_TRUE(run->completed);
  pins_["auth"] = "4321";
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
  auto renewed = counter_->Execute(c, env_);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_TRUE(renewed->completed);
}

// Bad input: unknown resident, unknown counter, a copy, an unknown document kind.
TEST_P(Scenario, BadInputNamesTheFieldAndTheRule) {
  OpenRequest req;
  req.resident_id = 999;
  req.procedure = "renewal";
  req.applicant = "self";
  req.visit.on = kInWindow;
  req.visit.counter_id = "yamagata-cityhall";
  auto unknown = counter_->OpenCase(req, env_.now);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "resident");

  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  req.resident_id = r;
  req.visit.counter_id = "nowhere";
  auto bad_counter = counter_->OpenCase(req, env_.now);
  ASSERT_FALSE(bad_counter.ok());
  EXPECT_EQ(bad_counter.error().field, "counter");

  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true, {});
  Document copy;
  copy.whose = "holder";
  copy.item = "id";
  copy.kind = "passport";
  copy.original = false;
  Status s = counter_->Present(c, copy, "clerk-1", env_.now);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().rule, "R-PROC-9");
  EXPECT_EQ(s.error().field, "document");
  Document unknown_kind = copy;
  unknown_kind.original = true;
  unknown_kind.kind = "library_card";
  EXPECT_FALSE(counter_->Present(c, unknown_kind, "clerk-1", env_.now).ok());
  auto the_case = store_->GetCase(c);
  EXPECT_TRUE(the_case->documents.empty());  // nothing recorded
}

// A refused command changes nothing (issue 16): opening a case, presenting documents or
// recording the next visit with one document the rules refuse (a copy, R-PROC-9) records no
// case, no visit and none of the other documents, so that the corrected retry goes through.
// Only the refusal itself is audited.
TEST_P(Scenario, OneRefusedDocumentLeavesNoCaseNoVisitAndNoneOfTheOthers) {
  const int64_t r = ResidentWithCard("kanazawa", kBirth, kCardIssued);
  Document card;
  card.whose = "holder";
  card.item = "holder_card";
  Document agent_id;
  agent_id.whose = "agent";
  agent_id.item = "id";
  agent_id.kind = "passport";
  agent_id.expires = Date::Ymd(2035, 1, 1);
  Document copy = agent_id;
  copy.original = false;

  auto before = store_->CasesOf(r);  // the card's issuance
  ASSERT_TRUE(before.ok());
  OpenRequest req;
  req.resident_id = r;
  req.procedure = "renewal";
  req.applicant = "agent_without_form";
  req.visit = Visit{1, Date::Ymd(2026, 4, 10), "kanazawa-cityhall", "clerk-1", false};
  const std::vector<Document> with_copy = {card, agent_id, copy};
  auto refused = counter_->OpenCase(req, env_.now, with_copy);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().rule, "R-PROC-9");
  auto cases = store_->CasesOf(r);
  ASSERT_TRUE(cases.ok());
  EXPECT_EQ(*cases, *before) << "a case was left by a refused open";

  const std::vector<Document> good = {card, agent_id};
  auto opened = counter_->OpenCase(req, env_.now, good);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  const int64_t c = *opened;
  EXPECT_EQ(store_->GetCase(c)->documents.size(), 2u);

  // Present: two good documents and a copy → none recorded.
  Document form;
  form.whose = "holder";
  form.item = "application_form";
  Status present = counter_->Present(c, std::vector<Document>{form, copy}, "clerk-1", env_.now);
  ASSERT_FALSE(present.ok());
  EXPECT_EQ(store_->GetCase(c)->documents.size(), 2u);

  // The next visit with a copy among its documents → no visit recorded; the retry goes through.
  Decision d = DecideOk(c);
  ASSERT_EQ(d.outcome, Outcome::kNextVisit) << DecisionJson(d);
  const Visit v2{2, Date::Ymd(2026, 4, 13), "kanazawa-cityhall", "clerk-2", false};
  Status visit = counter_->NextVisit(c, v2, env_.now, std::vector<Document>{form, copy});
  ASSERT_FALSE(visit.ok());
  auto after = store_->GetCase(c);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->visit, 1);
  EXPECT_EQ(after->state, "waiting");
  EXPECT_EQ(after->documents.size(), 2u);
  ASSERT_TRUE(counter_->NextVisit(c, v2, env_.now, std::vector<Document>{form, card, agent_id}).ok());
  after = store_->GetCase(c);
  EXPECT_EQ(after->visit, 2);
  EXPECT_EQ(after->documents.size(), 5u);

  // The refusals are in the audit log, each alone.
  auto log = store_->audit().Read(c, 0, 0, 1000);
  ASSERT_TRUE(log.ok());
  int refusals = 0;
  for (const auto& rec : *log) refusals += rec.action == "document_refused";
  EXPECT_EQ(refusals, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, Scenario, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
