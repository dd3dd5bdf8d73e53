// One row per seed situation (rules.md R-PROC, R-PIN-1, R-CERT-4).
#include "rules/procedures.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "profiles/loader.h"

namespace mynacert::rules {
namespace {

using profiles::Applicant;
using profiles::Procedure;

const profiles::Municipality& Muni(const char* id) {
  static const profiles::Registry reg = std::move(profiles::Registry::Builtin()).value();
  return **reg.Find(id);
}

bool Cites(const ProcedurePlan& p, const std::string& rule) {
  auto has = [&](const std::vector<Reason>& rs) {
    return std::any_of(rs.begin(), rs.end(), [&](const Reason& r) { return r.rule == rule; });
  };
  return has(p.reasons) || has(p.refusals);
}

// "holder:holder_card agent:id(A×1) holder:inquiry_form" for one visit.
std::string Docs(const VisitPlan& v) {
  std::string out;
  for (const DocumentLine& d : v.documents) {
    if (!out.empty()) out += " ";
    out += d.whose + ":" + d.item;
    if (!d.alternatives.empty()) out += "(" + d.alternatives + ")";
  }
  return out;
}

struct Row {
  const char* seed;
  const char* rule;
  const char* municipality;
  Procedure procedure;
  Applicant applicant;
  Situation situation;
  bool possible;
  bool same_day;
  std::vector<std::string> visits;  // Docs() per visit
};

Situation Age(int age) {
  Situation s;
  s.holder_age = age;
  return s;
}

TEST(PlanProcedure, SeedSituations) {
  Situation forgot = Age(40);
  forgot.pin_forgotten = true;
  Situation ward = Age(70);
  ward.adult_ward = true;
  Situation corporate_ward = ward;
  corporate_ward.corporate_guardian = true;
  Situation household = Age(12);
  household.same_household = true;
  Situation honseki = Age(16);
  honseki.honseki_in_city = true;
  Situation expired_unchanged = Age(40);
  expired_unchanged.cert_expired = true;
  Situation expired_moved = expired_unchanged;
  expired_moved.form_name_address_changed = true;
  Situation pin_mismatch = Age(40);
  pin_mismatch.form_problem = true;
  Situation at_corner = Age(40);
  at_corner.counter_id = "setagaya-corner-wakabayashi";
  Situation at_main = Age(40);
  at_main.counter_id = "setagaya-setagaya";
  Situation ward_no_photo = ward;
  ward_no_photo.representative_has_photo_id = false;
  Situation agent_forgot = Age(40);
  agent_forgot.pin_forgotten = true;
  Situation sign_only_child = Age(12);
  sign_only_child.sign_only = true;
  Situation setagaya_expired_new = expired_unchanged;

  const Row rows[] = {
      {"000", "R-PROC-1", "yamagata", Procedure::kRenewal, Applicant::kSelf, Age(40), true, true,
       {"holder:holder_card"}},
      {"000", "R-PROC-1", "yamagata", Procedure::kRenewal, Applicant::kSelf, forgot, true, true,
       {"holder:holder_card holder:id(A×1 または B×1)"}},
      {"000", "R-PROC-4", "yamagata", Procedure::kRenewal, Applicant::kAgentWithForm, Age(40), true,
       true, {"holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"000", "R-PROC-6", "yamagata", Procedure::kNewIssuance, Applicant::kAgentWithoutForm, Age(40),
       true, false,
       {"holder:holder_card agent:id(A×1)",
        "holder:holder_card holder:id(A×1 または B×1) agent:id(A×2 または A×1+B×1) holder:inquiry_form"}},
      {"000", "R-PROC-2", "yamagata", Procedure::kRenewal, Applicant::kLegalRepGuardian,
       corporate_ward, true, true,
       {"holder:holder_card representative:id(A×1) representative:touki_jiko_shomei "
        "representative:employee_id"}},
      {"000", "R-PROC-2", "yamagata", Procedure::kNewIssuance, Applicant::kLegalRepParent, household,
       true, true, {"holder:holder_card representative:id(A×1)"}},
      {"000", "R-PROC-2", "yamagata", Procedure::kNewIssuance, Applicant::kLegalRepParent, Age(12),
       true, true, {"holder:holder_card representative:id(A×1) representative:koseki_tohon"}},
      {"000", "R-PROC-2", "yamagata", Procedure::kNewIssuance, Applicant::kSelf, Age(12), false, true,
       {}},
      {"000", "R-PIN-1", "yamagata", Procedure::kPinReset, Applicant::kAgentWithForm, Age(40), true,
       false, {"holder:holder_card agent:id(A×1)", "holder:holder_card holder:id(A×1 または B×1) "
                                                   "agent:id(A×2 または A×1+B×1) holder:inquiry_form"}},
      {"001", "R-PROC-6", "kanazawa", Procedure::kRenewal, Applicant::kAgentWithoutForm, Age(40), true,
       false,
       {"", "holder:application_form holder:holder_card agent:id(A×1)",
        "holder:application_form holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"001", "R-PROC-5", "kanazawa", Procedure::kRenewal, Applicant::kAgentWithForm, pin_mismatch,
       true, false, {"", "holder:application_form holder:holder_card agent:id(A×1)",
                     "holder:application_form holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"001", "R-PROC-2", "kanazawa", Procedure::kRenewal, Applicant::kLegalRepParent, honseki, true,
       true, {"holder:holder_card representative:id(A×1)"}},
      {"001", "R-PROC-2", "kanazawa", Procedure::kRenewal, Applicant::kSelf, Age(17), false, true, {}},
      {"002", "R-PROC-8", "setagaya", Procedure::kRenewal, Applicant::kAgentWithForm, at_corner, false,
       true, {}},
      {"002", "R-PROC-4", "setagaya", Procedure::kRenewal, Applicant::kAgentWithForm, at_main, true,
       true, {"holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"002", "R-PROC-7", "setagaya", Procedure::kRenewal, Applicant::kAgentWithForm,
       expired_unchanged, true, true, {"holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"002", "R-PROC-7", "setagaya", Procedure::kRenewal, Applicant::kAgentWithForm, expired_moved,
       true, false,
       {"holder:holder_card agent:id(A×1)", "holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"003", "R-PROC-6", "yokohama", Procedure::kRenewal, Applicant::kAgentWithoutForm, Age(40), true,
       false,
       {"holder:holder_card holder:expiry_notice agent:id(A×1 または B×1)",
        "holder:holder_card holder:expiry_notice holder:inquiry_form agent:id(A×1)"}},
      {"003", "R-PROC-3", "yokohama", Procedure::kRenewal, Applicant::kLegalRepGuardian, ward, true,
       true, {"holder:holder_card representative:id(A×1) representative:touki_jiko_shomei"}},
      {"003", "R-PROC-3", "yokohama", Procedure::kRenewal, Applicant::kLegalRepGuardian,
       ward_no_photo, true, false,
       {"holder:holder_card holder:expiry_notice representative:id(A×1 または B×1) "
        "representative:touki_jiko_shomei",
        "holder:holder_card holder:expiry_notice holder:inquiry_form representative:id(A×1 または B×1) "
        "representative:touki_jiko_shomei"}},
      {"004", "R-PROC-1", "suzuka", Procedure::kRenewal, Applicant::kSelf, Age(40), true, true,
       {"holder:holder_card"}},
      {"004", "B6-FORM", "suzuka", Procedure::kRenewal, Applicant::kAgentWithForm, expired_unchanged,
       true, false,
       {"holder:holder_card agent:id(A×1)", "holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"004", "R-CERT-4", "suzuka", Procedure::kNewIssuance, Applicant::kLegalRepParent, Age(12), true,
       true, {"holder:holder_card representative:id(A×1) representative:koseki_tohon"}},
      {"004", "R-PIN-1", "suzuka", Procedure::kPinReset, Applicant::kSelf, Age(40), true, true,
       {"holder:holder_card holder:id(A×1 または B×1)"}},
      {"000", "R-PIN-1", "yamagata", Procedure::kRenewal, Applicant::kAgentWithForm, agent_forgot,
       true, false,
       {"holder:holder_card agent:id(A×1)",
        "holder:holder_card holder:id(A×1 または B×1) agent:id(A×2 または A×1+B×1) holder:inquiry_form"}},
      {"004", "R-CERT-4", "suzuka", Procedure::kNewIssuance, Applicant::kLegalRepParent,
       sign_only_child, false, true, {}},
      {"002", "R-PROC-7", "setagaya", Procedure::kNewIssuance, Applicant::kAgentWithForm,
       setagaya_expired_new, true, true, {"holder:holder_card agent:id(A×1) holder:inquiry_form"}},
      {"004", "R-CERT-4", "suzuka", Procedure::kRenewal, Applicant::kLegalRepGuardian, ward, true, true,
       {"holder:holder_card representative:id(A×1) representative:touki_jiko_shomei"}},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string("seed ") + r.seed + " " + r.rule + " " + r.municipality + " " +
                 std::string(ProcedureName(r.procedure)) + " " + std::string(ApplicantName(r.applicant)));
    auto plan = PlanProcedure(Muni(r.municipality), r.procedure, r.applicant, r.situation);
    ASSERT_TRUE(plan.ok()) << plan.error().ToString();
    EXPECT_EQ(plan->possible, r.possible);
    EXPECT_TRUE(Cites(*plan, r.rule));
    if (!r.possible) {
      EXPECT_FALSE(plan->refusals.empty());
      continue;
    }
    EXPECT_EQ(plan->same_day, r.same_day);
    ASSERT_EQ(plan->visits.size(), r.visits.size());
    for (size_t i = 0; i < r.visits.size(); ++i) EXPECT_EQ(Docs(plan->visits[i]), r.visits[i]) << "visit " << i + 1;
    EXPECT_FALSE(plan->counters.empty());
  }
}

TEST(PlanProcedure, KanazawaThirdVisitWithin30DaysAtAnyCounter) {
  auto plan = PlanProcedure(Muni("kanazawa"), Procedure::kRenewal, Applicant::kAgentWithoutForm, Age(40));
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->visits.size(), 3u);
  EXPECT_EQ(plan->visits[2].deadline_days_after_previous, 30);
  EXPECT_TRUE(plan->visits[2].any_counter);
  EXPECT_EQ(plan->visits[2].staff_actions.back().id, "staff_enter_pin");
  EXPECT_EQ(plan->visits[1].staff_actions.back().id, "mail_inquiry_form");
}

TEST(PlanProcedure, HolderPresenceOfTheLegalRepresentative) {
  Situation ward = Age(70);
  ward.adult_ward = true;
  // Yamagata: the guardian may come alone (R-PROC-2). Suzuka: not stated, so with the holder.
  auto yamagata = PlanProcedure(Muni("yamagata"), Procedure::kNewIssuance, Applicant::kLegalRepGuardian, ward);
  auto suzuka = PlanProcedure(Muni("suzuka"), Procedure::kNewIssuance, Applicant::kLegalRepGuardian, ward);
  auto yokohama = PlanProcedure(Muni("yokohama"), Procedure::kRenewal, Applicant::kLegalRepGuardian, ward);
  ASSERT_TRUE(yamagata.ok() && suzuka.ok() && yokohama.ok());
  EXPECT_FALSE(yamagata->visits[0].holder_present);
  EXPECT_TRUE(suzuka->visits[0].holder_present);
  EXPECT_TRUE(yokohama->visits[0].holder_present);  // R-PROC-3
}

TEST(PlanProcedure, ForgottenPinOfALegalRepresentativeIsResetInTheSameVisit) {
  Situation s = Age(10);
  s.pin_forgotten = true;
  s.same_household = true;
  auto plan = PlanProcedure(Muni("yamagata"), Procedure::kNewIssuance, Applicant::kLegalRepParent, s);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->visits.size(), 1u);
  const auto& actions = plan->visits[0].staff_actions;
  EXPECT_TRUE(std::any_of(actions.begin(), actions.end(),
                          [](const StaffAction& a) { return a.id == "reset_pin"; }));
  EXPECT_TRUE(Cites(*plan, "R-PROC-1"));
}

TEST(PlanProcedure, AdultWardSignCertFollowsTheProfile) {
  // R-CERT-4 (seed 004) vs R-PROC-3 (seed 003): no contradiction within one municipality.
  Situation ward = Age(70);
  ward.adult_ward = true;
  auto suzuka = PlanProcedure(Muni("suzuka"), Procedure::kRenewal, Applicant::kLegalRepGuardian, ward);
  auto yokohama = PlanProcedure(Muni("yokohama"), Procedure::kRenewal, Applicant::kLegalRepGuardian, ward);
  ASSERT_TRUE(suzuka.ok() && yokohama.ok());
  EXPECT_TRUE(Cites(*suzuka, "R-CERT-4"));
  EXPECT_FALSE(Cites(*suzuka, "R-PROC-3"));
  EXPECT_FALSE(Cites(*yokohama, "R-CERT-4"));
  EXPECT_TRUE(Cites(*yokohama, "R-PROC-3"));
  EXPECT_TRUE(yokohama->visits[0].holder_present);
  // Seed 003: 「更新対象者本人が成年被後見人の方の場合、成年後見人の方に手続をお願いしています。
  // なお、署名用電子証明書の更新の場合、必ず更新対象者本人も窓口に同行する必要があります。」 — renewing the
  // auth cert only, the guardian comes alone.
  ward.sign_cert = false;
  auto auth_only = PlanProcedure(Muni("yokohama"), Procedure::kRenewal, Applicant::kLegalRepGuardian, ward);
  ASSERT_TRUE(auth_only.ok());
  ASSERT_EQ(auth_only->visits.size(), 1u);
  EXPECT_FALSE(auth_only->visits[0].holder_present);
  EXPECT_TRUE(Cites(*auth_only, "R-PROC-3"));
}

TEST(PlanProcedure, UnknownCounterIsAnError) {
  Situation s = Age(40);
  s.counter_id = "nowhere";
  auto plan = PlanProcedure(Muni("setagaya"), Procedure::kRenewal, Applicant::kSelf, s);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().field, "counter");
}

TEST(PlanProcedure, SetagayaAgentsAreSentToTheTenMainCounters) {
  Situation s = Age(40);
  s.counter_id = "setagaya-corner-kitami";
  auto plan = PlanProcedure(Muni("setagaya"), Procedure::kRenewal, Applicant::kAgentWithoutForm, s);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->possible);
  EXPECT_EQ(plan->counters.size(), 10u);
  EXPECT_NE(plan->refusals[0].ja.find("烏山出張所"), std::string::npos);
}

}  // namespace
}  // namespace mynacert::rules

namespace mynacert::rules {
namespace {

// The PINs spelled out per applicant (issue 16: not knowing both is the commonest failed
// visit): formats (R-CERT-2), who types them, what to do when one is forgotten.
TEST(PlanProcedure, SaysWhichPinsToKnowAndWhoEntersThem) {
  auto reg = profiles::Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  const profiles::Municipality& m = **reg->Find("kanazawa");
  struct Row {
    Applicant applicant;
    int age;
    const char* first_rule;
    const char* must;      // in the first line
    bool sign_named;       // the sign password's format is named
  };
  const Row rows[] = {
      {Applicant::kSelf, 40, "R-PROC-1", "ご本人が窓口の端末で入力します", true},
      {Applicant::kAgentWithForm, 40, "R-PROC-4", "照会書兼回答書", true},
      {Applicant::kAgentWithoutForm, 40, "R-PROC-6", "郵送される照会書", true},
      {Applicant::kLegalRepParent, 10, "R-PROC-2", "法定代理人が", false},  // no sign under 15
  };
  for (const Row& row : rows) {
    Situation s;
    s.holder_age = row.age;
    auto plan = PlanProcedure(m, Procedure::kRenewal, row.applicant, s);
    ASSERT_TRUE(plan.ok() && plan->possible) << ApplicantName(row.applicant);
    ASSERT_FALSE(plan->pins.empty());
    EXPECT_EQ(plan->pins[0].rule, row.first_rule);
    EXPECT_NE(plan->pins[0].ja.find(row.must), std::string::npos) << plan->pins[0].ja;
    EXPECT_NE(plan->pins[0].ja.find("数字4桁"), std::string::npos);
    EXPECT_EQ(plan->pins[0].ja.find("英数字6〜16文字") != std::string::npos, row.sign_named)
        << plan->pins[0].ja;
  }
  // A refused plan names no PINs.
  Situation child;
  child.holder_age = 10;
  auto refused = PlanProcedure(m, Procedure::kRenewal, Applicant::kSelf, child);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->possible);
  EXPECT_TRUE(refused->pins.empty());
}

}  // namespace
}  // namespace mynacert::rules
