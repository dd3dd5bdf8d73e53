// The check from what a resident holds (rules/held.h): the card's printed expiry, the letter's
// certificate expiry, and the answers. Each row is computed by hand from the rules, cited.
#include "rules/held.h"

#include <gtest/gtest.h>

#include <random>

#include "rules/verdict.h"

namespace mynacert::rules {
namespace {

constexpr auto D = Date::Ymd;
constexpr Date kToday = D(2026, 12, 3);

struct Row {
  const char* what;
  HeldFacts held;
  Date today;
  Date card_expires;
  Date cert_expires;
  CardReading card;
  CertReading cert;
  CertStatus status;
  VerdictCode verdict;
};

HeldFacts H(Date birth, std::optional<Date> card, std::optional<Date> cert, bool renewed = false) {
  HeldFacts h;
  h.birth = birth;
  h.card_expires = card;
  h.cert_expires = cert;
  h.renewed = renewed;
  return h;
}

HeldFacts Stay(HeldFacts h, Date until) {
  h.stay_until = until;
  return h;
}
HeldFacts Abroad(HeldFacts h) {
  h.abroad = true;
  return h;
}

TEST(ReadHeld, HandComputedRows) {
  const Row rows[] = {
      // Issue 16: born 1980-01-22, card to 2032-01-22 (the 10th birthday, R-VAL-2), renewed
      // inside the window of 2027-01-22: old expiry + 5 years = 2032-01-22 (R-VAL-1a, R-VAL-6),
      // not 2027-01-22. The next step is the card's own renewal (R-CARD-4), from 2031-10-23.
      {"renewed today, card face only", H(D(1980, 1, 22), D(2032, 1, 22), std::nullopt, true),
       kToday, D(2032, 1, 22), D(2032, 1, 22), CardReading::kTenBirthdays,
       CertReading::kRenewedInWindow, CertStatus::kValid, VerdictCode::kRenewCard},
      // The same holder before renewing, with the letter only: the 5th birthday 2027-01-22 was
      // issued with a card of 10 birthdays (2032-01-22); the window opened 2026-10-23 (R-WIN-1).
      {"letter only, inside the window", H(D(1980, 1, 22), std::nullopt, D(2027, 1, 22)), kToday,
       D(2032, 1, 22), D(2027, 1, 22), CardReading::kTenBirthdays, CertReading::kWithCard,
       CertStatus::kRenewable, VerdictCode::kComeNow},
      // Issue 16: a foreign resident whose card ends with the stay (R-VAL-4): the certificates
      // end then too (R-VAL-5, R-VAL-6) — 2027-02-13, not the 5th birthday 2029-08-24. The card
      // must be renewed, not the certificates (R-WIN-6, R-CARD-4).
      {"foreign resident, card ends with the stay",
       Stay(H(D(1990, 8, 24), D(2027, 2, 13), std::nullopt), D(2027, 2, 13)), kToday,
       D(2027, 2, 13), D(2027, 2, 13), CardReading::kStay, CertReading::kWithCard,
       CertStatus::kRenewable, VerdictCode::kRenewCard},
      // A child (10 at issue): card and certificate end on the 5th birthday together (R-VAL-2,
      // R-VAL-6): renew the card; the application opens 3 months before (R-CARD-3).
      {"child, card of 5 birthdays", H(D(2012, 5, 10), D(2027, 5, 10), std::nullopt), kToday,
       D(2027, 5, 10), D(2027, 5, 10), CardReading::kFiveBirthdays, CertReading::kWithCard,
       CertStatus::kValid, VerdictCode::kRenewCard},
      // Expired certificates on a valid card: a new issuance, free (R-WIN-5, R-WIN-4).
      {"certificates expired", H(D(1975, 3, 3), D(2031, 3, 3), D(2026, 3, 3)), kToday,
       D(2031, 3, 3), D(2026, 3, 3), CardReading::kTenBirthdays, CertReading::kWithCard,
       CertStatus::kExpired, VerdictCode::kExpired},
      // The card itself expired (R-WIN-6).
      {"card expired", H(D(1970, 6, 1), D(2026, 6, 1), std::nullopt), kToday, D(2026, 6, 1),
       D(2021, 6, 1), CardReading::kTenBirthdays, CertReading::kWithCard,
       CertStatus::kCardExpired, VerdictCode::kCardExpired},
      // Seed 003 (R-VAL-7): renewed before the window of 2026-07-07, on a date in the year
      // before it: five birthdays from then, 2030-07-07 — the letter says so.
      {"renewed early, letter's date", H(D(1985, 7, 7), D(2031, 7, 7), D(2030, 7, 7), true),
       kToday, D(2031, 7, 7), D(2030, 7, 7), CardReading::kTenBirthdays,
       CertReading::kRenewedOutsideWindow, CertStatus::kValid, VerdictCode::kNotYet},
      // 29 February: the birthday falls on 28 February in common years (B1 default).
      {"leap-day birth", H(D(1988, 2, 29), D(2031, 2, 28), std::nullopt), kToday, D(2031, 2, 28),
       D(2026, 2, 28), CardReading::kTenBirthdays, CertReading::kWithCard, CertStatus::kExpired,
       VerdictCode::kExpired},
      // Living abroad (R-WIN-3): the window opens a year before, 2026-09-02 for 2027-09-01.
      {"abroad, one-year window", Abroad(H(D(1980, 9, 1), std::nullopt, D(2027, 9, 1))), kToday,
       D(2032, 9, 1), D(2027, 9, 1), CardReading::kTenBirthdays, CertReading::kWithCard,
       CertStatus::kRenewable, VerdictCode::kComeNow},
      {"not abroad: three months", H(D(1980, 9, 1), std::nullopt, D(2027, 9, 1)), kToday,
       D(2032, 9, 1), D(2027, 9, 1), CardReading::kTenBirthdays, CertReading::kWithCard,
       CertStatus::kValid, VerdictCode::kNotYet},
      // R-VAL-3 resolved by the card's face: 19 at issue in 2022, applied after 2022-04-01.
      {"19 at issue, card of 10 birthdays", H(D(2003, 2, 15), D(2032, 2, 15), D(2027, 2, 15)),
       kToday, D(2032, 2, 15), D(2027, 2, 15), CardReading::kTenBirthdays,
       CertReading::kWithCard, CertStatus::kRenewable, VerdictCode::kComeNow},
      {"19 at issue, card of 5 birthdays", H(D(2003, 2, 15), D(2027, 2, 15), std::nullopt),
       kToday, D(2027, 2, 15), D(2027, 2, 15), CardReading::kFiveBirthdays,
       CertReading::kWithCard, CertStatus::kRenewable, VerdictCode::kRenewCard},
  };
  const profiles::RuleSettings s;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto r = ReadHeld(row.held, row.today, s);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->card_expires, row.card_expires);
    EXPECT_EQ(r->cert_expires, row.cert_expires);
    EXPECT_EQ(r->card, row.card) << CardReadingName(r->card);
    EXPECT_EQ(r->cert, row.cert) << CertReadingName(r->cert);
    auto a = Assess(r->facts, row.today, s);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->auth.status, row.status) << CertStatusName(a->auth.status);
    EXPECT_EQ(MakeVerdict(*a, s).code, row.verdict) << MakeVerdict(*a, s).ja;
    // The reasons never name an issue date the resident did not give (ExplainReading and
    // Explain without the issue-date notes).
    const std::string issued = r->facts.card_issued.ToString();
    for (const Reason& reason : ExplainReading(*r)) EXPECT_EQ(reason.ja.find(issued), std::string::npos);
    for (const Reason& reason : Explain(*a, s, false)) {
      EXPECT_EQ(reason.ja.find(issued), std::string::npos) << reason.ja;
    }
  }
}

struct BadRow {
  const char* what;
  HeldFacts held;
  const char* field;
  const char* rule;
};

TEST(ReadHeld, RefusesWhatCannotBeAndAsksForWhatIsMissing) {
  const BadRow rows[] = {
      {"nothing held", H(D(1980, 1, 1), std::nullopt, std::nullopt), "card_expires", ""},
      {"not a birthday, no stay", H(D(1980, 1, 22), D(2032, 3, 1), std::nullopt), "card_expires",
       "R-VAL-4"},
      {"certificate after the card", H(D(1980, 1, 22), D(2032, 1, 22), D(2033, 1, 22)),
       "cert_expires", "R-VAL-5"},
      {"expiry before birth", H(D(1980, 1, 22), D(1979, 1, 22), std::nullopt), "card_expires", ""},
      {"letter's date not a birthday", H(D(1980, 1, 22), std::nullopt, D(2027, 1, 23)),
       "cert_expires", "R-VAL-1"},
      // 19 at issue in 2022 (R-VAL-3): applied before 2022-04-01, a card of 5 birthdays
      // (2027-02-15); after, of 10 (2032-02-15). The letter alone cannot tell: ask the card.
      {"R-VAL-3 ambiguity", H(D(2003, 2, 15), std::nullopt, D(2027, 2, 15)), "card_expires",
       "R-VAL-3"},
      {"stay and abroad", Abroad(Stay(H(D(1990, 1, 1), D(2027, 1, 1), std::nullopt), D(2027, 1, 1))),
       "abroad", "R-WIN-3"},
  };
  const profiles::RuleSettings s;
  for (const BadRow& row : rows) {
    SCOPED_TRACE(row.what);
    auto r = ReadHeld(row.held, kToday, s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, row.field) << r.error().ToString();
    EXPECT_EQ(r.error().rule, row.rule) << r.error().ToString();
  }
}

// Whatever the issue dates were, the expiry dates they produce read back to the same answer:
// card and certificate expiry, the window, the status and what a renewal today would give.
TEST(ReadHeld, AnyHistoryReadsBackFromItsExpiryDates) {
  std::mt19937 rng(20261203);
  const profiles::RuleSettings s;
  auto day_in = [&](Date lo, Date hi) {
    return lo.AddDays(std::uniform_int_distribution<int>(0, hi - lo)(rng));
  };
  int checked = 0;
  for (int i = 0; i < 3000; ++i) {
    Facts f;
    f.birth = day_in(D(1940, 1, 1), D(2016, 12, 31));
    f.card_issued = day_in(std::max(D(2016, 1, 1), f.birth.AddDays(1)), kToday);
    f.card_applied = f.card_issued;
    const int kind = std::uniform_int_distribution<int>(0, 9)(rng);
    if (kind == 0) f.stay_until = day_in(f.card_issued.AddDays(30), f.card_issued.AddYearsClamped(5));
    if (kind == 1) f.abroad = true;
    const Date today = day_in(f.card_issued, D(2036, 12, 31));
    if (kind >= 6) {
      f.cert_renewal = true;
      f.cert_issued = day_in(f.card_issued.AddDays(1), today);
    }
    auto truth = Assess(f, today, s);
    if (!truth.ok() || truth->card.expires < f.cert_issued.value_or(f.card_issued)) continue;
    HeldFacts h;
    h.birth = f.birth;
    h.card_expires = truth->card.expires;
    h.cert_expires = truth->auth.validity.expires;
    h.renewed = f.cert_renewal;
    h.stay_until = f.stay_until;
    h.abroad = f.abroad;
    auto read = ReadHeld(h, today, s);
    ASSERT_TRUE(read.ok()) << "birth " << f.birth << " card " << f.card_issued << " cert "
                           << f.cert_issued.value_or(f.card_issued) << " today " << today << ": "
                           << read.error().ToString();
    auto back = Assess(read->facts, today, s);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->card.expires, truth->card.expires);
    EXPECT_EQ(back->auth.validity.expires, truth->auth.validity.expires);
    EXPECT_EQ(back->auth.renewal_from, truth->auth.renewal_from);
    EXPECT_EQ(back->auth.status, truth->auth.status);
    EXPECT_EQ(back->auth.if_issued_today, truth->auth.if_issued_today) << "birth " << f.birth;
    EXPECT_EQ(MakeVerdict(*back, s).ja, MakeVerdict(*truth, s).ja);
    ++checked;
  }
  EXPECT_GT(checked, 2000);
}

}  // namespace
}  // namespace mynacert::rules
