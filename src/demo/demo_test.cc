// The demo population: the plan on every day of four years (pure), and one real seed — a CA,
// card files, the counter's, reservations' and staff stores in a temp folder — on a fixed day.
#include "demo/demo.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "card/host.h"
#include "counter/execution.h"
#include "counter/workspace.h"
#include "notices/notices.h"
#include "pki/certificate.h"
#include "reservations/reservations.h"
#include "rules/dates.h"
#include "staff/staff.h"

namespace mynacert::demo {
namespace {

using rules::CertStatus;

constexpr Date kToday = Date::Ymd(2026, 5, 13);
constexpr const char* kStaffPassword = "demo-staff-password-for-tests";
const std::set<std::string> kMunicipalities = {"yamagata", "kanazawa", "setagaya", "yokohama",
                                               "suzuka"};

std::set<std::string> AllCodes() {
  std::set<std::string> out;
  for (Situation s : kAllSituations) out.emplace(SituationCode(s));
  return out;
}

// What each situation means for the rules engine on `today`, written out here independently
// of demo.cc: the auth and sign certs' statuses, and the situation's own facts.
void ExpectSituation(Situation s, const counter::Resident& r, const rules::Assessment& a,
                     const profiles::Municipality& m, Date today) {
  SCOPED_TRACE(std::string(SituationCode(s)) + " " + r.name + " (" + r.municipality + ") on " +
               today.ToString());
  const Date expiry = a.auth.validity.expires;
  const bool yokohama = m.id == "yokohama";
  auto statuses = [&](CertStatus auth, CertStatus sign) {
    EXPECT_EQ(rules::CertStatusName(a.auth.status), rules::CertStatusName(auth));
    EXPECT_EQ(rules::CertStatusName(a.sign.status), rules::CertStatusName(sign));
  };
  EXPECT_FALSE(a.card_expired);
  switch (s) {
    case Situation::kInWindow:  // R-WIN-1: free renewal at the counter today
      statuses(CertStatus::kRenewable, CertStatus::kRenewable);
      EXPECT_FALSE(a.auth.renew_with_card);
      EXPECT_LE(a.auth.renewal_from, today);
      break;
    case Situation::kBeforeWindow:
      statuses(CertStatus::kValid, CertStatus::kValid);
      EXPECT_GT(a.auth.renewal_from, today);
      break;
    case Situation::kExpired:  // R-WIN-5
      statuses(CertStatus::kExpired, CertStatus::kExpired);
      EXPECT_LT(expiry, today);
      break;
    case Situation::kMinorUnder15:  // R-CERT-4: no sign cert
      statuses(CertStatus::kValid, CertStatus::kNotEligible);
      EXPECT_LT(rules::AgeOn(r.birth, today), 15);
      EXPECT_EQ(a.card.birthdays, 5);
      break;
    case Situation::kMinor15To17:  // R-VAL-6: card and certs end together
      statuses(CertStatus::kValid, CertStatus::kValid);
      EXPECT_GE(rules::AgeOn(r.birth, today), 15);
      EXPECT_LE(rules::AgeOn(r.birth, today), 17);
      EXPECT_EQ(expiry, a.card.expires);
      break;
    case Situation::kAdultWard:  // R-CERT-4, except Yokohama's seed 003 (R-PROC-3)
      EXPECT_TRUE(r.adult_ward);
      statuses(CertStatus::kRenewable,
               yokohama ? CertStatus::kRenewable : CertStatus::kNotEligible);
      break;
    case Situation::kForeignStay:  // R-VAL-4
      ASSERT_TRUE(r.stay_until.has_value());
      EXPECT_NE(r.nationality, "JP");
      EXPECT_TRUE(a.card.capped_by_stay);
      EXPECT_EQ(a.card.expires, *r.stay_until);
      EXPECT_EQ(expiry, *r.stay_until);
      EXPECT_GE(*r.stay_until, today);
      break;
    case Situation::kAbroad:  // R-WIN-3: the window opens a year before
      EXPECT_TRUE(r.abroad);
      statuses(CertStatus::kRenewable, CertStatus::kRenewable);
      EXPECT_GT(expiry - today, 92);  // a holder in Japan could not renew yet
      break;
    case Situation::kRevokedAfterMove:  // R-CERT-5: sign revoked, auth not
      statuses(CertStatus::kValid, CertStatus::kRevoked);
      break;
    case Situation::kForwarding:  // R-NOT-2
      EXPECT_TRUE(r.forwarding);
      statuses(CertStatus::kRenewable, CertStatus::kRenewable);
      EXPECT_LE(expiry.AddDays(-(yokohama ? 95 : 76)), today);
      break;
    case Situation::kNoticeDueToday:  // R-NOT-1 (76 days), Yokohama R-NOT-3 (95 days)
      EXPECT_EQ(expiry, today.AddDays(yokohama ? 95 : 76));
      if (yokohama) {
        statuses(CertStatus::kValid, CertStatus::kValid);
      } else {
        statuses(CertStatus::kRenewable, CertStatus::kRenewable);
      }
      break;
    case Situation::kLeapDayBirth:  // 28 February in common years (jpki-facts B1)
      EXPECT_EQ(r.birth.month(), 2u);
      EXPECT_EQ(r.birth.day(), 29u);
      EXPECT_EQ(expiry.month(), 2u);
      EXPECT_EQ(expiry.day(), IsLeapYear(expiry.year()) ? 29u : 28u);
      statuses(CertStatus::kValid, CertStatus::kValid);
      break;
    case Situation::kCardOnHold:  // R-LOST-1: both held by the hotline's call, final (R-LOST-2)
      statuses(CertStatus::kHeld, CertStatus::kHeld);
      break;
  }
  // Only the leap-day resident is born on 29 February — and the holder whose notice is due
  // today when the expiry it needs is itself a 29 February (only such a birthday ends then).
  const bool feb29_expiry = expiry.month() == 2 && expiry.day() == 29;
  if (s != Situation::kLeapDayBirth && !(s == Situation::kNoticeDueToday && feb29_expiry)) {
    EXPECT_FALSE(r.birth.month() == 2 && r.birth.day() == 29);
  }
}

// ---- the plan alone, every day of 2026–2029 (a leap day and every month end included) ----

TEST(DemoPlan, PutsEveryResidentInItsSituationOnEveryDayOfFourYears) {
  auto reg = profiles::Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  int days = 0;
  for (Date today = Date::Ymd(2026, 1, 1); today <= Date::Ymd(2029, 12, 31);
       today = today.AddDays(1)) {
    auto plan = Plan(today, *reg);
    ASSERT_TRUE(plan.ok()) << today << ": " << plan.error().ToString();
    ASSERT_EQ(plan->size(), 70u);
    std::map<std::string, std::set<std::string>> codes;
    for (const PlannedResident& p : *plan) {
      codes[p.record.municipality].emplace(SituationCode(p.situation));
      auto m = reg->Find(p.record.municipality);
      ASSERT_TRUE(m.ok());
      rules::Facts f;
      f.birth = p.record.birth;
      f.card_applied = p.card_applied;
      f.card_issued = p.card_issued;
      f.stay_until = p.record.stay_until;
      f.abroad = p.record.abroad;
      f.adult_ward = p.record.adult_ward;
      f.sign_revoked_on = p.moved_on;
      // The seed's hotline call (R-LOST-1) comes after the card; the seed test checks it in
      // the store.
      f.certs_held = p.situation == Situation::kCardOnHold;
      auto a = rules::Assess(f, today, (*m)->rules);
      ASSERT_TRUE(a.ok()) << a.error().ToString();
      ExpectSituation(p.situation, p.record, *a, **m, today);
      if (::testing::Test::HasFailure()) return;  // one day's report is enough
    }
    for (const std::string& id : kMunicipalities) EXPECT_EQ(codes[id], AllCodes()) << id;
    ++days;
  }
  EXPECT_EQ(days, 1461);
}

TEST(DemoPlan, SituationCodesRoundTrip) {
  for (Situation s : kAllSituations) {
    auto parsed = ParseSituation(SituationCode(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(ParseSituation("window").ok());
}

// ---- one real seed ----

class DemoSeed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("mynacert-demo-" + std::to_string(getpid())));
    std::filesystem::remove_all(*dir_);
    setenv("MYNACERT_DEMO_TEST_PASS", "ca-passphrase-for-demo-tests", 1);
    setenv("MYNACERT_DEMO_TEST_ISSUER", "issuer-master-key-for-demo-tests", 1);
    setenv("MYNACERT_DEMO_TEST_CARD", "card-secret-for-demo-tests", 1);
    auto reg = profiles::Registry::Builtin();
    ASSERT_TRUE(reg.ok());
    registry_ = new profiles::Registry(std::move(reg).value());
    const counter::WorkspaceSecrets secrets{"env:MYNACERT_DEMO_TEST_PASS",
                                            "env:MYNACERT_DEMO_TEST_ISSUER",
                                            "env:MYNACERT_DEMO_TEST_CARD", ""};
    auto ws = counter::OpenWorkspace(*dir_, *registry_, &secrets);
    ASSERT_TRUE(ws.ok()) << ws.error().ToString();
    ws_ = std::move(ws).value().release();
    SeedOptions o;
    o.today = kToday;
    o.staff_password = kStaffPassword;
    o.now = Now();
    const auto start = std::chrono::steady_clock::now();
    auto report = Seed(*ws_, o);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    report_ = new SeedReport(std::move(report).value());
  }
  static void TearDownTestSuite() {
    delete report_;
    delete ws_;
    delete registry_;
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(report_, nullptr) << "the seed failed"; }

  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static std::vector<const SeededResident*> With(Situation s) {
    std::vector<const SeededResident*> out;
    for (const SeededResident& r : report_->residents) {
      if (r.situation == s) out.push_back(&r);
    }
    return out;
  }
  static size_t CardFiles() {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(*dir_ / "cards"))
      n += e.is_regular_file();
    return n;
  }

  static std::filesystem::path* dir_;
  static profiles::Registry* registry_;
  static counter::Workspace* ws_;
  static SeedReport* report_;
  static double seconds_;
};

std::filesystem::path* DemoSeed::dir_ = nullptr;
profiles::Registry* DemoSeed::registry_ = nullptr;
counter::Workspace* DemoSeed::ws_ = nullptr;
SeedReport* DemoSeed::report_ = nullptr;
double DemoSeed::seconds_ = 0;

TEST_F(DemoSeed, HasEverySituationInEveryMunicipality) {
  RecordProperty("seed_seconds", std::to_string(seconds_));
  std::cout << "demo seed: " << report_->residents.size() << " residents in " << seconds_ << " s\n";
  EXPECT_EQ(report_->today, kToday);
  ASSERT_EQ(report_->residents.size(), 70u);
  std::map<std::string, std::set<std::string>> codes;
  for (const SeededResident& r : report_->residents)
    codes[r.municipality].emplace(SituationCode(r.situation));
  for (const std::string& id : kMunicipalities) EXPECT_EQ(codes[id], AllCodes()) << id;
  EXPECT_EQ(report_->staff, (std::vector<std::string>{"clerk", "supervisor", "hotline"}));
  auto all = ws_->store->ListResidents("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 70u);  // the representatives are themselves demo residents
}

TEST_F(DemoSeed, CounterAssessmentMatchesEachSituation) {
  for (const SeededResident& s : report_->residents) {
    auto r = ws_->store->GetResident(s.id);
    ASSERT_TRUE(r.ok());
    auto a = ws_->counter->AssessResident(*r, kToday);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    ASSERT_TRUE(a->has_value()) << r->name << " has no active card";
    auto m = registry_->Find(r->municipality);
    ASSERT_TRUE(m.ok());
    ExpectSituation(s.situation, *r, **a, **m, kToday);
    EXPECT_EQ(s.cert_expiry, (*a)->auth.validity.expires) << r->name;
    EXPECT_EQ(s.card_expiry, (*a)->card.expires) << r->name;
    EXPECT_EQ(s.auth_status, rules::CertStatusName((*a)->auth.status)) << r->name;
  }
}

TEST_F(DemoSeed, IssueDatesAreBackdatedAndRecorded) {
  for (const SeededResident& s : report_->residents) {
    auto card = ws_->store->ActiveCard(s.id);
    ASSERT_TRUE(card.ok() && card->has_value());
    EXPECT_LT((*card)->issued, kToday.AddDays(-300)) << s.name;  // every card is years old
    auto certs = ws_->store->Certs(s.id);
    ASSERT_TRUE(certs.ok());
    for (const counter::CertRecord& c : *certs) EXPECT_EQ(c.issued, (*card)->issued) << s.name;
  }
}

TEST_F(DemoSeed, CardsHoldCertificatesSignedByTheCaAndOpenWithTheDemoPins) {
  for (const SeededResident& s : report_->residents) {
    SCOPED_TRACE(s.name);
    auto card = ws_->store->ActiveCard(s.id);
    ASSERT_TRUE(card.ok() && card->has_value());
    auto link = ws_->env.open_card(**card);
    ASSERT_TRUE(link.ok()) << link.error().ToString();
    card::JpkiClient client((*link)->transport());
    auto auth_pin = client.Verify(card::PinId::kAuth, kDemoPins.auth);
    ASSERT_TRUE(auth_pin.ok());
    EXPECT_TRUE(auth_pin->verified);
    auto sign_pin = client.Verify(card::PinId::kSign, kDemoPins.sign);
    ASSERT_TRUE(sign_pin.ok());
    EXPECT_TRUE(sign_pin->verified);

    auto certs = ws_->store->Certs(s.id);
    ASSERT_TRUE(certs.ok());
    std::set<std::string> kinds;
    for (const counter::CertRecord& rec : *certs) {
      kinds.insert(rec.kind);
      const bool sign = rec.kind == "sign";
      auto der = client.ReadCertificate(sign ? card::CertSlot::kSign : card::CertSlot::kAuth);
      ASSERT_TRUE(der.ok()) << der.error().ToString();
      auto x = pki::ParseCertificateDer(*der);
      ASSERT_TRUE(x.ok());
      const pki::CaGeneration& ca = sign ? ws_->sign_ca : ws_->auth_ca;
      EXPECT_EQ(X509_verify(x->get(), X509_get0_pubkey(ca.cert.get())), 1) << rec.kind;
      EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(x->get()), X509_get_subject_name(ca.cert.get())),
                0);
      auto issued = ws_->ca_store->Find(sign ? pki::CaKind::kSign : pki::CaKind::kAuth, rec.serial);
      ASSERT_TRUE(issued.ok() && issued->has_value()) << rec.serial;
      EXPECT_EQ((*issued)->der, *der);  // the card holds the certificate the CA recorded
      if (rec.state == "revoked") {     // R-CERT-5, delivered to the CA
        EXPECT_EQ(s.situation, Situation::kRevokedAfterMove);
        EXPECT_EQ((*issued)->state, pki::CertState::kRevoked);
        EXPECT_EQ((*issued)->reason, pki::RevocationReason::kAffiliationChanged);
      } else if (rec.state == "held") {  // R-LOST-1, delivered to the CA
        EXPECT_EQ(s.situation, Situation::kCardOnHold);
        EXPECT_EQ((*issued)->state, pki::CertState::kOnHold);
      } else {
        EXPECT_EQ((*issued)->state, pki::CertState::kGood);
      }
    }
    const bool no_sign = s.situation == Situation::kMinorUnder15 ||
                         (s.situation == Situation::kAdultWard && s.municipality != "yokohama");
    const std::set<std::string> expected =
        no_sign ? std::set<std::string>{"auth"} : std::set<std::string>{"auth", "sign"};
    EXPECT_EQ(kinds, expected);
  }
}

TEST_F(DemoSeed, NoticeBatchOfTodayFindsTheDueHoldersAndTheUndeliverableOne) {
  auto due = notices::SelectDue(ws_->store->db(), *registry_, kToday);
  ASSERT_TRUE(due.ok()) << due.error().ToString();
  EXPECT_TRUE(due->problems.empty());
  std::map<int64_t, std::vector<notices::DueNotice>> by_resident;
  for (const notices::DueNotice& n : due->due) by_resident[n.resident_id].push_back(n);
  for (const SeededResident* s : With(Situation::kNoticeDueToday)) {
    SCOPED_TRACE(s->name);
    ASSERT_EQ(by_resident[s->id].size(), 1u);
    const notices::DueNotice& n = by_resident[s->id][0];
    EXPECT_EQ(n.send_date, kToday);
    EXPECT_EQ(n.cert_expiry, s->cert_expiry);
    EXPECT_EQ(n.kind, s->municipality == "yokohama" ? notices::Kind::kCity : notices::Kind::kJlis);
    EXPECT_FALSE(n.undeliverable);
  }
  ASSERT_EQ(With(Situation::kForwarding).size(), 5u);
  for (const SeededResident* s : With(Situation::kForwarding)) {
    SCOPED_TRACE(s->name);
    ASSERT_EQ(by_resident[s->id].size(), 1u);
    EXPECT_TRUE(by_resident[s->id][0].undeliverable);  // R-NOT-2
  }
  for (const notices::DueNotice& n : due->due) {
    const auto it = std::find_if(report_->residents.begin(), report_->residents.end(),
                                 [&](const SeededResident& r) { return r.id == n.resident_id; });
    ASSERT_NE(it, report_->residents.end());
    EXPECT_EQ(n.undeliverable, it->situation == Situation::kForwarding) << it->name;
    EXPECT_NE(it->situation, Situation::kExpired);
  }
}

TEST_F(DemoSeed, YokohamaHoldersInsideTheWindowHaveAReservationIdThatIsFound) {
  auto store = reservations::ReservationStore::Open(ws_->CounterDb());
  ASSERT_TRUE(store.ok());
  int with_id = 0;
  for (const SeededResident& s : report_->residents) {
    SCOPED_TRACE(s.name);
    if (s.municipality != "yokohama") {
      EXPECT_EQ(s.reservation_id, "");
      continue;
    }
    const bool expected =
        s.situation == Situation::kInWindow || s.situation == Situation::kAdultWard ||
        s.situation == Situation::kAbroad || s.situation == Situation::kForwarding ||
        s.situation == Situation::kNoticeDueToday;
    EXPECT_EQ(!s.reservation_id.empty(), expected);
    if (s.reservation_id.empty()) continue;
    ++with_id;
    auto found = (*store)->FindReservationId(s.reservation_id);
    ASSERT_TRUE(found.ok()) << found.error().ToString();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->resident_id, s.id);
    EXPECT_EQ((*found)->municipality, "yokohama");
    EXPECT_EQ((*found)->cert_expiry, s.cert_expiry);
    EXPECT_EQ((*found)->window_start, s.renewal_from);
    // Idempotent: the notice batch asking again gets the same ID.
    auto again = (*store)->IssueReservationId(s.id, "yokohama", s.cert_expiry, s.renewal_from);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, s.reservation_id);
  }
  EXPECT_EQ(with_id, 6);  // two in_window, adult_ward, abroad, forwarding, notice_due_today
}

TEST_F(DemoSeed, RepresentativesAreRecorded) {
  for (const SeededResident& s : report_->residents) {
    SCOPED_TRACE(s.name);
    const bool minor =
        s.situation == Situation::kMinorUnder15 || s.situation == Situation::kMinor15To17;
    if (minor || s.situation == Situation::kAdultWard) {
      ASSERT_NE(s.representative_id, 0);
      auto rep = ws_->store->GetResident(s.representative_id);
      auto me = ws_->store->GetResident(s.id);
      ASSERT_TRUE(rep.ok() && me.ok());
      EXPECT_EQ(rep->municipality, s.municipality);
      EXPECT_GE(rules::AgeOn(rep->birth, kToday), 18);
      auto parent = ws_->store->IsParentOf(s.representative_id, s.id);
      ASSERT_TRUE(parent.ok());
      EXPECT_EQ(*parent, minor);  // R-PROC-2: the relation on the residence record
      if (minor) {
        EXPECT_EQ(rep->household, me->household);
      }
    } else {
      EXPECT_EQ(s.representative_id, 0);
    }
  }
}

TEST_F(DemoSeed, StaffLogInWithThePassword) {
  auto staff = staff::StaffStore::Open(ws_->CounterDb());
  ASSERT_TRUE(staff.ok());
  for (const char* name : {"clerk", "supervisor"}) {
    auto session = (*staff)->Login(name, kStaffPassword, "127.0.0.1", Now());
    ASSERT_TRUE(session.ok()) << session.error().ToString();
    EXPECT_EQ(session->role, name);
  }
  EXPECT_FALSE((*staff)->Login("clerk", "not-the-password-at-all", "127.0.0.1", Now()).ok());
}

TEST_F(DemoSeed, JsonHasTheFieldsTheBrowserTestsRead) {
  const nlohmann::json j = ReportJson(*report_);
  EXPECT_EQ(j["today"], "2026-05-13");
  EXPECT_EQ(j["staff"], nlohmann::json::array({"clerk", "supervisor", "hotline"}));
  ASSERT_EQ(j["residents"].size(), 70u);
  bool yokohama_in_window_with_id = false;
  for (const auto& r : j["residents"]) {
    for (const char* key : {"id", "name", "municipality", "situation", "situation_ja",
                            "cert_expiry", "card_expiry", "reservation_id"}) {
      EXPECT_TRUE(r.contains(key)) << key;
    }
    EXPECT_TRUE(ParseSituation(r["situation"].get<std::string>()).ok());
    if (r["municipality"] == "yokohama" && r["situation"] == "in_window" &&
        r["reservation_id"].is_string()) {
      yokohama_in_window_with_id = true;
    }
  }
  EXPECT_TRUE(yokohama_in_window_with_id);
}

// Last in this suite on purpose (gtest runs a suite's tests in order): it changes the store.
TEST_F(DemoSeed, SecondSeedOnTheSameHomeIsRefusedAndWritesNothing) {
  const size_t cards = CardFiles();
  auto audit_before = ws_->store->audit().Verify();
  ASSERT_TRUE(audit_before.ok());
  SeedOptions o;
  o.today = kToday.AddDays(1);
  o.staff_password = "another-password-entirely";
  o.now = Now();
  auto again = Seed(*ws_, o);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().field, "home");
  auto count = CountResidents(*ws_->store);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 70);
  EXPECT_EQ(CardFiles(), cards);
  auto audit_after = ws_->store->audit().Verify();
  ASSERT_TRUE(audit_after.ok());
  EXPECT_EQ(audit_after->records, audit_before->records);
  auto staff = staff::StaffStore::Open(ws_->CounterDb());
  ASSERT_TRUE(staff.ok());
  EXPECT_TRUE((*staff)->Login("supervisor", kStaffPassword, "127.0.0.1", Now()).ok());  // password unchanged
}

TEST(DemoSeedWithoutSecrets, IsRefused) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mynacert-demo-nosecrets-" + std::to_string(getpid()));
  auto reg = profiles::Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  auto ws = counter::OpenWorkspace(dir, *reg, nullptr);
  ASSERT_TRUE(ws.ok());
  SeedOptions o;
  o.today = kToday;
  auto r = Seed(**ws, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "passphrase");
  auto count = CountResidents(*(*ws)->store);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mynacert::demo
