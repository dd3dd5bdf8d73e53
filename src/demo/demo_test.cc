// The demo population: the plan on every day of four years (pure), and one real seed — a CA,
// card files, the counter's, reservations' and staff stores in a temp folder — on a fixed day.
#include "demo/demo.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "card/host.h"
#include "counter/card_files.h"
#include "counter/card_renewal.h"
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
    case Situation::kFaceCard:  // R-FACE-3: the auth cert kept (the sign cert: FaceCards… below)
      EXPECT_EQ(rules::CertStatusName(a.auth.status), rules::CertStatusName(CertStatus::kValid));
      EXPECT_EQ(a.card.birthdays, 10);
      break;
    case Situation::kCardRenewalNoticed:  // R-CARD-1/3: the card ends within the notice's lead,
    case Situation::kPickupReady:         // the certs renewed in 2023 end with it (R-WIN-6)
      EXPECT_GT(a.card.expires, today);
      EXPECT_LE(a.card.expires, today.AddDays(m.notices.card_lead_days));
      EXPECT_EQ(m.notices.card_lead_days, 90);
      EXPECT_EQ(expiry, a.card.expires);
      EXPECT_EQ(a.sign.validity.expires, a.card.expires);
      EXPECT_TRUE(a.auth.renew_with_card);
      EXPECT_EQ(a.auth.validity.birthdays, 6);  // R-VAL-1a, capped by the card (R-VAL-5)
      EXPECT_EQ(a.card.birthdays, 10);
      EXPECT_TRUE(a.auth.status == CertStatus::kValid || a.auth.status == CertStatus::kRenewable);
      EXPECT_EQ(a.auth.status, a.sign.status);
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
    ASSERT_EQ(plan->size(), 85u);
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
      // The seed's hotline call (R-LOST-1), face switch (R-FACE-3) and certificate renewal
      // come after the card; the seed test checks them in the store.
      f.certs_held = p.situation == Situation::kCardOnHold;
      const bool face = p.situation == Situation::kFaceCard;
      const bool card_renewal =
          p.situation == Situation::kCardRenewalNoticed || p.situation == Situation::kPickupReady;
      ASSERT_EQ(p.face_switched.has_value(), face);
      ASSERT_EQ(p.certs_renewed.has_value(), card_renewal);
      ASSERT_EQ(p.card_application.has_value(), card_renewal);
      if (face) {
        ASSERT_LT(*p.face_switched, today);
        EXPECT_GE(*p.face_switched, today.AddDays(-30));  // a few weeks ago at most
        f.sign_revoked_on = p.face_switched;
      }
      if (card_renewal) {
        f.cert_issued = p.certs_renewed;
        f.cert_renewal = true;
        const PlannedResident::CardApplicationSteps& steps = *p.card_application;
        EXPECT_LE(steps.noticed, today);
        if (p.situation == Situation::kPickupReady) {
          ASSERT_TRUE(steps.applied && steps.produced && steps.notified);
          EXPECT_LE(steps.noticed, *steps.applied);
          EXPECT_LT(*steps.applied, *steps.produced);
          EXPECT_LE(*steps.produced, *steps.notified);
          EXPECT_LE(*steps.notified, today);
        } else {
          EXPECT_FALSE(steps.applied || steps.produced || steps.notified);
        }
      }
      auto a = rules::Assess(f, today, (*m)->rules);
      ASSERT_TRUE(a.ok()) << a.error().ToString();
      ExpectSituation(p.situation, p.record, *a, **m, today);
      if (face) {
        EXPECT_EQ(rules::CertStatusName(a->sign.status),
                  rules::CertStatusName(CertStatus::kRevoked));
      }
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

// One municipality of the plan (the relying parties' sandbox): every situation once, the
// minors' parents and representatives renumbered to residents of the same part.
TEST(DemoPlan, OneMunicipalityKeepsEverySituationAndItsRepresentatives) {
  auto reg = profiles::Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  auto full = Plan(Date::Ymd(2026, 12, 4), *reg);
  ASSERT_TRUE(full.ok());
  auto part = OnlyMunicipality(*full, "yokohama", "--municipality");
  ASSERT_TRUE(part.ok()) << part.error().ToString();
  EXPECT_EQ(part->size() * 5, full->size());
  std::set<Situation> situations;
  int represented = 0;
  for (size_t i = 0; i < part->size(); ++i) {
    const PlannedResident& p = (*part)[i];
    EXPECT_EQ(p.record.municipality, "yokohama");
    situations.insert(p.situation);
    for (int other : {p.parent, p.representative}) {
      if (other < 0) continue;
      ASSERT_LT(static_cast<size_t>(other), part->size());
      EXPECT_EQ((*part)[static_cast<size_t>(other)].record.municipality, "yokohama");
      ++represented;
    }
  }
  EXPECT_EQ(situations.size(), kAllSituations.size());
  EXPECT_GE(represented, 2);  // the minors' parent, the ward's guardian
  EXPECT_EQ(OnlyMunicipality(*full, "osaka", "--municipality").error().field, "--municipality");
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
  // The procedures a resident's cases went through, done, in order, with their visit's counter.
  static std::vector<std::string> DoneCases(int64_t resident_id, std::vector<counter::Case>* out) {
    std::vector<std::string> procedures;
    auto ids = ws_->store->CasesOf(resident_id);
    EXPECT_TRUE(ids.ok());
    if (!ids.ok()) return procedures;
    std::vector<int64_t> sorted = *ids;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t id : sorted) {
      auto c = ws_->store->GetCase(id);
      EXPECT_TRUE(c.ok());
      if (!c.ok()) continue;
      EXPECT_EQ(c->state, "done") << c->procedure;
      procedures.push_back(c->procedure);
      out->push_back(*c);
    }
    return procedures;
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
  ASSERT_EQ(report_->residents.size(), 85u);
  std::map<std::string, std::set<std::string>> codes;
  for (const SeededResident& r : report_->residents)
    codes[r.municipality].emplace(SituationCode(r.situation));
  for (const std::string& id : kMunicipalities) EXPECT_EQ(codes[id], AllCodes()) << id;
  EXPECT_EQ(report_->staff, (std::vector<std::string>{"clerk", "supervisor", "hotline"}));
  auto all = ws_->store->ListResidents("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 85u);  // the representatives are themselves demo residents
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
    const bool renewed =
        s.situation == Situation::kCardRenewalNoticed || s.situation == Situation::kPickupReady;
    for (const counter::CertRecord& c : *certs) {
      // The certificates renewed in their window five years after the card (R-VAL-1a): the
      // card's own superseded, the renewal's in force.
      if (renewed && c.renewal) {
        EXPECT_EQ(c.state, "active") << s.name;
        EXPECT_GT(c.issued, (*card)->issued.AddDays(365 * 4)) << s.name;
        EXPECT_LT(c.issued, kToday.AddDays(-300)) << s.name;
        EXPECT_EQ(c.last_valid_day, (*card)->expires) << s.name;
      } else {
        EXPECT_EQ(c.issued, (*card)->issued) << s.name;
        EXPECT_FALSE(c.renewal) << s.name;
        if (renewed) {
          EXPECT_EQ(c.state, "superseded") << s.name;
        }
      }
    }
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
    const bool face = s.situation == Situation::kFaceCard;
    if (face) {  // R-FACE-1: no certificate PINs on a face card (FaceCards… below)
      auto is_face = client.IsFaceCard();
      ASSERT_TRUE(is_face.ok()) << is_face.error().ToString();
      EXPECT_TRUE(*is_face);
    } else {
      auto auth_pin = client.Verify(card::PinId::kAuth, kDemoPins.auth);
      ASSERT_TRUE(auth_pin.ok());
      EXPECT_TRUE(auth_pin->verified);
      auto sign_pin = client.Verify(card::PinId::kSign, kDemoPins.sign);
      ASSERT_TRUE(sign_pin.ok());
      EXPECT_TRUE(sign_pin->verified);
    }

    auto certs = ws_->store->Certs(s.id);
    ASSERT_TRUE(certs.ok());
    std::set<std::string> kinds;
    for (const counter::CertRecord& rec : *certs) {
      kinds.insert(rec.kind);
      const bool sign = rec.kind == "sign";
      if (rec.state == "superseded" || (face && sign)) {
        // No longer on the card: renewed in its window (R-VAL-1a, revoked superseded at the
        // CA), or a face card's sign cert (R-FACE-3, revoked cessationOfOperation).
        auto issued =
            ws_->ca_store->Find(sign ? pki::CaKind::kSign : pki::CaKind::kAuth, rec.serial);
        ASSERT_TRUE(issued.ok() && issued->has_value()) << rec.serial;
        EXPECT_EQ((*issued)->state, pki::CertState::kRevoked);
        EXPECT_EQ((*issued)->reason, face ? pki::RevocationReason::kCessationOfOperation
                                          : pki::RevocationReason::kSuperseded);
        EXPECT_TRUE(face || s.situation == Situation::kCardRenewalNoticed ||
                    s.situation == Situation::kPickupReady);
        continue;
      }
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

// R-FACE-1/3: switched at a counter of the municipality that handles face_switch, a few weeks
// ago — the card a face card (no certificate PINs), the sign cert revoked cessationOfOperation
// at the CA, the auth cert in force; reported with sign_status revoked.
TEST_F(DemoSeed, FaceCardsWereSwitchedAtTheCounter) {
  ASSERT_EQ(With(Situation::kFaceCard).size(), 5u);
  for (const SeededResident& s : report_->residents) {
    SCOPED_TRACE(s.name);
    auto card = ws_->store->ActiveCard(s.id);
    ASSERT_TRUE(card.ok() && card->has_value());
    EXPECT_EQ((*card)->face, s.situation == Situation::kFaceCard);
    if (s.situation != Situation::kFaceCard) continue;
    EXPECT_EQ(s.auth_status, "valid");
    EXPECT_EQ(s.sign_status, "revoked");
    EXPECT_EQ(s.reservation_id, "");

    std::vector<counter::Case> cases;
    EXPECT_EQ(DoneCases(s.id, &cases), (std::vector<std::string>{"card_issuance", "face_switch"}));
    ASSERT_EQ(cases.size(), 2u);
    const counter::Case& sw = cases[1];
    EXPECT_EQ(sw.applicant, "self");
    EXPECT_EQ(sw.flags.card_type, "face");
    ASSERT_EQ(sw.visits.size(), 1u);
    const counter::Visit& v = sw.visits[0];
    EXPECT_LT(v.on, kToday);
    EXPECT_GE(v.on, kToday.AddDays(-30));
    EXPECT_TRUE(v.holder_present);
    auto m = registry_->Find(s.municipality);
    ASSERT_TRUE(m.ok());
    const profiles::Counter* first = nullptr;  // the first counter that handles face_switch
    for (const profiles::Counter& c : (*m)->counters) {
      for (profiles::Procedure p : c.procedures) {
        if (!first && p == profiles::Procedure::kFaceSwitch) first = &c;
      }
    }
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(v.counter_id, first->id);

    auto certs = ws_->store->Certs(s.id);
    ASSERT_TRUE(certs.ok());
    std::map<std::string, counter::CertRecord> by_kind;
    for (const counter::CertRecord& c : *certs) by_kind.emplace(c.kind, c);  // newest first
    ASSERT_EQ(by_kind.size(), 2u);
    EXPECT_EQ(by_kind["auth"].state, "active");
    EXPECT_EQ(by_kind["sign"].state, "revoked");
    EXPECT_EQ(by_kind["sign"].reason, "cessationOfOperation");
    EXPECT_EQ(by_kind["sign"].ended_on, v.on);

    // No auth PIN on the card: the demo PIN opens nothing (R-FACE-1).
    auto link = ws_->env.open_card(**card);
    ASSERT_TRUE(link.ok()) << link.error().ToString();
    card::JpkiClient client((*link)->transport());
    auto pin = client.Verify(card::PinId::kAuth, kDemoPins.auth);
    EXPECT_FALSE(pin.ok() && pin->verified);
  }
}

// R-CARD-1/2, R-WIN-6: the card's own renewal — the certificates renewed in their window five
// years ago end with the card, which expires within the notice's lead; the application the
// card-expiry notice opened (noticed), or further along: applied by post, produced (a new chip
// in its card file) and the 交付通知書 mailed (notified). Reported by ID.
TEST_F(DemoSeed, CardRenewalsAreNoticedOrReadyForPickUp) {
  ASSERT_EQ(With(Situation::kCardRenewalNoticed).size(), 5u);
  ASSERT_EQ(With(Situation::kPickupReady).size(), 5u);
  std::set<std::string> ids;
  for (const SeededResident& s : report_->residents) {
    SCOPED_TRACE(s.name);
    auto apps = ws_->store->CardApplications(s.id);
    ASSERT_TRUE(apps.ok());
    const bool noticed = s.situation == Situation::kCardRenewalNoticed;
    const bool ready = s.situation == Situation::kPickupReady;
    if (!noticed && !ready) {
      EXPECT_EQ(s.card_application, "");
      EXPECT_TRUE(apps->empty());
      continue;
    }
    ASSERT_EQ(apps->size(), 1u);
    const counter::CardApplication& a = (*apps)[0];
    EXPECT_EQ(a.id, s.card_application);
    EXPECT_EQ(a.id.size(), 23u);
    ids.insert(a.id);
    auto card = ws_->store->ActiveCard(s.id);
    ASSERT_TRUE(card.ok() && card->has_value());
    EXPECT_EQ(a.old_card_id, (*card)->id);
    EXPECT_EQ(a.card_expiry, s.card_expiry);
    EXPECT_EQ(s.cert_expiry, s.card_expiry);  // R-WIN-6
    ASSERT_TRUE(s.sign_expiry.has_value());
    EXPECT_EQ(*s.sign_expiry, s.card_expiry);
    EXPECT_GT(s.card_expiry, kToday);
    EXPECT_LE(s.card_expiry, kToday.AddDays(90));  // notices.card_lead_days
    EXPECT_EQ(a.noticed_on, s.card_expiry.AddDays(-90));
    EXPECT_EQ(s.reservation_id, "");  // a card renewal, not a counter visit for the certs

    std::vector<counter::Case> cases;
    EXPECT_EQ(DoneCases(s.id, &cases), (std::vector<std::string>{"card_issuance", "renewal"}));
    ASSERT_EQ(cases.size(), 2u);
    ASSERT_EQ(cases[1].visits.size(), 1u);
    const Date renewed = cases[1].visits[0].on;
    const Date first_expiry = s.card_expiry.AddYearsClamped(-5);
    EXPECT_GE(renewed, first_expiry.AddDays(-60));
    EXPECT_LE(renewed, first_expiry.AddDays(-30));

    if (noticed) {
      EXPECT_EQ(a.state, "noticed");
      EXPECT_EQ(a.channel, "");
      EXPECT_TRUE(a.location.empty());
      continue;
    }
    EXPECT_EQ(a.state, "notified");
    EXPECT_EQ(a.channel, "post");
    EXPECT_EQ(a.photo, "attached");
    ASSERT_TRUE(a.applied_on && a.produced_on && a.notified_on);
    EXPECT_LE(a.noticed_on, *a.applied_on);
    EXPECT_LT(*a.applied_on, *a.produced_on);
    EXPECT_LE(*a.produced_on, *a.notified_on);
    EXPECT_LE(*a.notified_on, kToday);
    EXPECT_NE(a.chip_id, (*card)->chip_id);
    ASSERT_TRUE(a.new_card_expiry.has_value());
    EXPECT_GT(*a.new_card_expiry, s.card_expiry);
    auto path = counter::CardFilePath(*dir_, a.location);
    ASSERT_TRUE(path.ok()) << path.error().ToString();
    EXPECT_TRUE(std::filesystem::is_regular_file(*path)) << *path;
  }
  EXPECT_EQ(ids.size(), 10u);
  auto notified = ws_->store->CardApplicationsInState("notified");
  ASSERT_TRUE(notified.ok());
  EXPECT_EQ(notified->size(), 5u);
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
  ASSERT_EQ(j["residents"].size(), 85u);
  bool yokohama_in_window_with_id = false;
  for (const auto& r : j["residents"]) {
    for (const char* key : {"id", "name", "municipality", "situation", "situation_ja",
                            "cert_expiry", "card_expiry", "reservation_id", "card_application"}) {
      EXPECT_TRUE(r.contains(key)) << key;
    }
    EXPECT_TRUE(ParseSituation(r["situation"].get<std::string>()).ok());
    const bool card_renewal =
        r["situation"] == "card_renewal_noticed" || r["situation"] == "pickup_ready";
    EXPECT_EQ(r["card_application"].is_string(), card_renewal) << r["name"];
    EXPECT_EQ(r["card_application"].is_null(), !card_renewal) << r["name"];
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
  EXPECT_EQ(*count, 85);
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
