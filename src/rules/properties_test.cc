// Properties of the date rules over many generated holders (fixed seed: deterministic).
#include <gtest/gtest.h>

#include <random>

#include "rules/assessment.h"
#include "rules/dates.h"

namespace mynacert::rules {
namespace {

constexpr auto D = Date::Ymd;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}
  Date Between(Date a, Date b) {
    std::uniform_int_distribution<int> dist(0, b - a);
    return a.AddDays(dist(rng_));
  }
  bool Coin() { return std::uniform_int_distribution<int>(0, 1)(rng_) == 1; }

 private:
  std::mt19937 rng_;
};

profiles::RuleSettings SettingsFor(int i) {
  profiles::RuleSettings s;
  if (i % 2) s.leap_day_birthday = profiles::LeapDayBirthday::kMar1;
  if (i % 3 == 0) s.window_reading = profiles::WindowReading::kCivilCode;
  return s;
}

TEST(Properties, CertificatesNeverOutliveTheCardAndSignNeverOutlivesAuth) {
  Generator g(20261122);
  for (int i = 0; i < 200000; ++i) {
    Facts f;
    f.birth = g.Between(D(1930, 1, 1), D(2025, 12, 31));
    f.card_applied = g.Between(std::max(f.birth, D(2016, 1, 1)), D(2026, 6, 30));
    f.card_issued = g.Between(f.card_applied, f.card_applied.AddDays(60));
    if (g.Coin()) f.stay_until = g.Between(f.card_issued, f.card_issued.AddDays(5 * 366));
    const Date today = g.Between(f.card_issued, f.card_issued.AddDays(11 * 366));
    const auto s = SettingsFor(i);
    auto a = Assess(f, today, s);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    ASSERT_LE(a->auth.validity.expires, a->card.expires) << f.birth.ToString();
    if (a->sign.issued) {
      ASSERT_LE(a->sign.validity.expires, a->card.expires);
      ASSERT_LE(a->sign.validity.expires, a->auth.validity.expires);
    }
    if (a->auth.if_issued_today) {
      ASSERT_LE(*a->auth.if_issued_today, a->card.expires);
    }
    if (a->sign.if_issued_today) {
      ASSERT_LE(*a->sign.if_issued_today, a->card.expires);
      ASSERT_LE(*a->sign.if_issued_today,
                a->auth.if_issued_today.value_or(a->auth.validity.expires));
    }
    // The window is never after the expiry, and a renewable cert is inside it.
    ASSERT_LE(a->auth.renewal_from, a->auth.validity.expires);
    if (a->auth.status == CertStatus::kRenewable) {
      ASSERT_GE(today, a->auth.renewal_from);
      ASSERT_LE(today, a->auth.validity.expires);
    }
  }
}

TEST(Properties, WindowStartIsTheDayAfterTheDateThreeMonthsBefore) {
  Generator g(7);
  for (int i = 0; i < 100000; ++i) {
    const Date expiry = g.Between(D(2000, 1, 1), D(2099, 12, 31));
    const Date start =
        RenewalWindowStart(expiry, 3, profiles::WindowReading::kCorrespondingDayPlusOne);
    const Date three_months_before = start.AddDays(-1);
    ASSERT_EQ(three_months_before, expiry.AddMonthsClamped(-3)) << expiry.ToString();
    // The corresponding day, or the month's last day when the day does not exist there.
    if (three_months_before.day() != expiry.day()) {
      ASSERT_TRUE(three_months_before.IsLastDayOfMonth()) << expiry.ToString();
      ASSERT_GT(expiry.day(), three_months_before.day());
    }
    ASSERT_EQ((expiry.year() * 12 + static_cast<int>(expiry.month())) -
                  (three_months_before.year() * 12 + static_cast<int>(three_months_before.month())),
              3);
  }
}

TEST(Properties, ARenewalInsideTheWindowForAnAdultWithATenYearCardExpiresWithTheCard) {
  // R-VAL-1a + R-VAL-6 (seed 001).
  Generator g(42);
  int checked = 0;
  for (int i = 0; i < 100000; ++i) {
    Facts f;
    f.birth = g.Between(D(1930, 1, 1), D(2004, 1, 1));
    f.card_issued = g.Between(D(2022, 4, 1), D(2026, 12, 31));
    f.card_applied = f.card_issued;
    const auto s = SettingsFor(i);
    auto before = Assess(f, f.card_issued, s);
    ASSERT_TRUE(before.ok());
    if (before->card.birthdays != 10) continue;
    // Renew on any day of the window, the expiry day included.
    const Date renewed = g.Between(before->auth.renewal_from, before->auth.validity.expires);
    f.cert_issued = renewed;
    f.cert_renewal = true;
    auto after = Assess(f, renewed, s);
    ASSERT_TRUE(after.ok()) << after.error().ToString();
    ASSERT_EQ(after->auth.validity.expires, after->card.expires)
        << f.birth.ToString() << " card " << f.card_issued.ToString() << " renewed "
        << renewed.ToString();
    ASSERT_EQ(after->sign.validity.expires, after->card.expires);
    ++checked;
  }
  EXPECT_GT(checked, 90000);
}

TEST(Properties, MinorsAndForeignResidentsCardAndCertEndTogether) {
  // R-VAL-6: holders under 18 at issue, and foreign residents with a fixed stay.
  Generator g(99);
  for (int i = 0; i < 50000; ++i) {
    Facts f;
    f.card_issued = g.Between(D(2022, 4, 1), D(2026, 12, 31));
    f.card_applied = f.card_issued;
    if (g.Coin()) {
      f.birth = g.Between(f.card_issued.AddDays(-18 * 365 + 2), f.card_issued);
    } else {
      f.birth = g.Between(D(1950, 1, 1), D(2000, 1, 1));
      // A stay that ends before the 5th birthday after issue (always true within 4 years).
      // A longer stay ends after the certificate: cert < card, see docs/rules-engine.md.
      f.stay_until = g.Between(f.card_issued, f.card_issued.AddYearsClamped(4));
    }
    auto a = Assess(f, f.card_issued, SettingsFor(i));
    ASSERT_TRUE(a.ok());
    ASSERT_EQ(a->auth.validity.expires, a->card.expires) << f.birth.ToString();
  }
}

}  // namespace
}  // namespace mynacert::rules

namespace mynacert::rules {
namespace {

TEST(Properties, SignCertFollowsTheAuthCert) {
  // Assess() reuses the auth cert's dates for a sign cert issued with it; recompute them from
  // the rules (R-VAL-5 cap by the auth cert, R-WIN-1 window, R-VAL-1a/R-WIN-5 new expiry).
  std::mt19937 rng(5);
  auto between = [&](Date a, Date b) {
    return a.AddDays(std::uniform_int_distribution<int>(0, b - a)(rng));
  };
  for (int i = 0; i < 50000; ++i) {
    Facts f;
    f.birth = between(Date::Ymd(1930, 1, 1), Date::Ymd(2008, 1, 1));
    f.card_issued = between(Date::Ymd(2016, 1, 1), Date::Ymd(2026, 1, 1));
    f.card_applied = f.card_issued;
    if (i % 3 == 0) {
      f.cert_issued = between(f.card_issued.AddDays(1), f.card_issued.AddDays(3000));
      f.cert_renewal = i % 2 == 0;
    }
    if (i % 5 == 0) f.stay_until = between(f.card_issued, f.card_issued.AddDays(2000));
    const Date issued = f.cert_issued.value_or(f.card_issued);
    const Date today = between(issued, issued.AddDays(4000));
    profiles::RuleSettings s;
    if (i % 2) s.window_reading = profiles::WindowReading::kCivilCode;
    auto a = Assess(f, today, s);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    if (!a->sign.issued) continue;
    const CertValidity v = ComputeCertValidity(f.birth, issued, f.cert_renewal, a->card.expires,
                                               a->auth.validity.expires, s);
    ASSERT_EQ(a->sign.validity.expires, v.expires);
    ASSERT_EQ(a->sign.renewal_from, RenewalWindowStart(v.expires, 3, s.window_reading));
    ASSERT_EQ(a->sign.status, a->auth.status);
    if (a->sign.if_issued_today) {
      const bool renewal = a->sign.status == CertStatus::kRenewable;
      const Date cap = a->auth.if_issued_today.value_or(a->auth.validity.expires);
      ASSERT_EQ(*a->sign.if_issued_today,
                ComputeCertValidity(f.birth, today, renewal, a->card.expires, cap, s).expires);
    }
  }
}

}  // namespace
}  // namespace mynacert::rules
