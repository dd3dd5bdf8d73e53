#include "rules/assessment.h"

#include <gtest/gtest.h>

namespace mynacert::rules {
namespace {

constexpr auto D = Date::Ymd;

Facts Adult() {
  Facts f;
  f.birth = D(1985, 7, 7);
  f.card_applied = D(2021, 2, 1);
  f.card_issued = D(2021, 3, 1);
  return f;
}

struct BadInput {
  const char* what;
  Facts facts;
  Date today;
  const char* field;
};

TEST(Assess, RefusesImpossibleFactsNamingTheFlag) {
  Facts applied_before_birth = Adult();
  applied_before_birth.card_applied = D(1980, 1, 1);
  Facts issued_before_applied = Adult();
  issued_before_applied.card_issued = D(2021, 1, 1);
  Facts cert_before_card = Adult();
  cert_before_card.cert_issued = D(2020, 1, 1);
  Facts renewal_on_card_day = Adult();
  renewal_on_card_day.cert_issued = D(2021, 3, 1);
  renewal_on_card_day.cert_renewal = true;
  Facts renewal_without_date = Adult();
  renewal_without_date.cert_renewal = true;
  Facts stay_before_card = Adult();
  stay_before_card.stay_until = D(2020, 12, 31);
  Facts revoked_in_future = Adult();
  revoked_in_future.sign_revoked_on = D(2024, 1, 1);
  Facts ancient = Adult();
  ancient.birth = D(1800, 1, 1);
  const BadInput cases[] = {
      {"application before birth", applied_before_birth, D(2022, 1, 1), "card_applied"},
      {"issued before applied", issued_before_applied, D(2022, 1, 1), "card_issued"},
      {"cert before card", cert_before_card, D(2022, 1, 1), "cert_issued"},
      {"renewal on the card's day", renewal_on_card_day, D(2022, 1, 1), "cert_renewal"},
      {"renewal without its date", renewal_without_date, D(2022, 1, 1), "cert_renewal"},
      {"stay ends before the card", stay_before_card, D(2022, 1, 1), "stay_until"},
      {"today before the card", Adult(), D(2020, 1, 1), "today"},
      {"revoked after today", revoked_in_future, D(2023, 1, 1), "sign_revoked_on"},
      {"born 1800", ancient, D(2023, 1, 1), "birth"},
  };
  for (const BadInput& c : cases) {
    auto a = Assess(c.facts, c.today, {});
    ASSERT_FALSE(a.ok()) << c.what;
    EXPECT_EQ(a.error().field, c.field) << c.what;
    EXPECT_FALSE(a.error().message.empty());
  }
}

TEST(Assess, EveryReasonCitesAKnownRuleAndHasBothLanguages) {
  Facts f = Adult();
  for (Date today = D(2021, 3, 1); today <= D(2031, 1, 1); today = today.AddDays(17)) {
    auto a = Assess(f, today, {});
    ASSERT_TRUE(a.ok());
    for (const Reason& r : Explain(*a, {})) {
      EXPECT_TRUE(IsKnownRule(r.rule)) << r.rule;
      EXPECT_FALSE(r.ja.empty()) << r.rule;
      EXPECT_FALSE(r.en.empty()) << r.rule;
    }
  }
}

TEST(Assess, StatusesFollowTheCalendarOfOneHolder) {
  const Facts f = Adult();  // auth/sign expire 2025-07-07, card 2030-07-07
  struct Step {
    Date today;
    CertStatus status;
  } steps[] = {
      {D(2021, 3, 1), CertStatus::kValid},       {D(2025, 4, 7), CertStatus::kValid},
      {D(2025, 4, 8), CertStatus::kRenewable},   {D(2025, 7, 7), CertStatus::kRenewable},
      {D(2025, 7, 8), CertStatus::kExpired},     {D(2030, 7, 7), CertStatus::kExpired},
      {D(2030, 7, 8), CertStatus::kCardExpired},
  };
  for (const Step& s : steps) {
    auto a = Assess(f, s.today, {});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->auth.status, s.status) << s.today.ToString();
    EXPECT_EQ(a->sign.status, s.status) << s.today.ToString();
  }
}

TEST(Assess, HealthInsuranceWarningFromThreeMonthsBeforeTheAuthExpiry) {
  auto before = Assess(Adult(), D(2025, 4, 7), {});
  auto inside = Assess(Adult(), D(2025, 4, 8), {});
  ASSERT_TRUE(before.ok() && inside.ok());
  EXPECT_FALSE(before->health_insurance_warning);
  EXPECT_TRUE(inside->health_insurance_warning);
  EXPECT_EQ(inside->health_insurance_until, D(2025, 10, 31));
}

TEST(Assess, RenewalOfACertThatEndsWithTheCardIsACardRenewal) {
  // R-WIN-6: after the renewal of 2025 the certs end with the card; in 2030 the card is renewed.
  Facts f = Adult();
  f.cert_issued = D(2025, 5, 1);
  f.cert_renewal = true;
  auto a = Assess(f, D(2030, 5, 1), {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->auth.status, CertStatus::kRenewable);
  EXPECT_TRUE(a->auth.renew_with_card);
  EXPECT_FALSE(a->auth.if_issued_today.has_value());
}

// --cert-renewal says the certificate came from a renewal; whether that renewal was inside the
// replaced certificate's window (expiry 2025-07-07, window from 2025-04-08, R-WIN-1) is derived:
// inside, the 6th birthday (R-VAL-1a); before it, the 5th (R-VAL-7); after the old one expired, a
// new issuance (R-WIN-5), the 5th. Never "a renewal inside the window" for a date outside it.
TEST(Assess, ARenewalOutsideTheWindowCountsFiveBirthdays) {
  auto cites = [](const Assessment& a, std::string_view rule) {
    for (const Reason& r : Explain(a, {})) {
      if (r.rule == rule) return true;
    }
    return false;
  };
  struct Case {
    Date renewed;
    Date expires;
    const char* rule;
  };
  for (const Case& c : {Case{D(2025, 5, 1), D(2030, 7, 7), "R-VAL-1a"},
                        Case{D(2025, 4, 8), D(2030, 7, 7), "R-VAL-1a"},   // the window's first day
                        Case{D(2025, 4, 7), D(2029, 7, 7), "R-VAL-7"},    // the day before
                        Case{D(2024, 12, 1), D(2029, 7, 7), "R-VAL-7"},
                        Case{D(2025, 7, 7), D(2030, 7, 7), "R-VAL-1a"},   // the old expiry day
                        Case{D(2025, 8, 1), D(2030, 7, 7), "R-WIN-5"}}) {  // after it: new
    Facts f = Adult();
    f.cert_issued = c.renewed;
    f.cert_renewal = true;
    auto a = Assess(f, D(2026, 1, 5), {});
    ASSERT_TRUE(a.ok()) << c.renewed.ToString();
    EXPECT_EQ(a->auth.validity.expires, c.expires) << c.renewed.ToString();
    EXPECT_EQ(a->sign.validity.expires, c.expires) << c.renewed.ToString();
    EXPECT_TRUE(cites(*a, c.rule)) << c.renewed.ToString();
    if (std::string_view(c.rule) != "R-VAL-1a") {
      for (const Reason& r : Explain(*a, {})) {
        EXPECT_EQ(r.ja.find("更新期間内の更新 ("), std::string::npos) << r.ja;
      }
    }
  }
}

TEST(Assess, AdultWardSignCertIsAProfileSetting) {
  Facts f = Adult();
  f.adult_ward = true;
  auto by_default = Assess(f, D(2022, 1, 1), {});
  profiles::RuleSettings seed003;
  seed003.adult_ward_sign_cert = true;
  auto yokohama = Assess(f, D(2022, 1, 1), seed003);
  ASSERT_TRUE(by_default.ok() && yokohama.ok());
  EXPECT_EQ(by_default->sign.status, CertStatus::kNotEligible);  // R-CERT-4
  EXPECT_EQ(yokohama->sign.status, CertStatus::kValid);          // R-PROC-3's reading
}

}  // namespace
}  // namespace mynacert::rules
