// The verdict a resident reads first (rules/verdict.h): one row per outcome, the sentence's
// dates as residents read them.
#include "rules/verdict.h"

#include <gtest/gtest.h>

namespace mynacert::rules {
namespace {

constexpr auto D = Date::Ymd;

Facts Adult(Date card_issued) {
  Facts f;
  f.birth = D(1980, 1, 22);
  f.card_issued = card_issued;
  f.card_applied = card_issued;
  return f;
}

struct Row {
  const char* what;
  Facts facts;
  Date today;
  VerdictCode code;
  const char* ja;  // a part of the Japanese sentence
  const char* en;  // a part of the English one
  bool counter_visit;
};

TEST(Verdict, OneSentenceForEachOutcome) {
  Facts renewed = Adult(D(2022, 3, 1));
  renewed.cert_renewal = true;
  renewed.cert_issued = D(2026, 12, 3);
  Facts moved = Adult(D(2022, 3, 1));
  moved.sign_revoked_on = D(2025, 4, 1);
  const Row rows[] = {
      {"inside the window (R-WIN-1)", Adult(D(2022, 3, 1)), D(2026, 12, 3), VerdictCode::kComeNow,
       "今から2027年(令和9年)1月22日(金)まで、窓口で電子証明書を無料で更新できます。",
       "now, free of charge, until Fri 22 January 2027", true},
      {"before the window", Adult(D(2022, 3, 1)), D(2026, 6, 1), VerdictCode::kNotYet,
       "無料の更新は2026年(令和8年)10月23日(金)からできます。", "opens on Fri 23 October 2026",
       false},
      {"expired, card valid (R-WIN-5)", Adult(D(2022, 3, 1)), D(2027, 3, 1), VerdictCode::kExpired,
       "カードの有効期限(2032年(令和14年)1月22日(木))までは、窓口で無料で新しく発行できます。",
       "Until the card expires (Thu 22 January 2032)", true},
      {"renewed: ends with the card (R-CARD-4)", renewed, D(2026, 12, 3), VerdictCode::kRenewCard,
       "2031年(令和13年)10月23日(木)ごろから、J-LISから届く交付申請書で申請できます(無料)。",
       "Renew the card, not only the certificates", false},
      {"card expired (R-WIN-6)", Adult(D(2022, 3, 1)), D(2032, 2, 1), VerdictCode::kCardExpired,
       "マイナンバーカードの有効期限(2032年(令和14年)1月22日(木))が過ぎています。",
       "apply for a new card", false},
      {"sign cert revoked by a move (R-CERT-5)", moved, D(2026, 6, 1), VerdictCode::kNotYet,
       "署名用電子証明書は氏名・住所などの変更で失効しています。", "was revoked", true},
  };
  const profiles::RuleSettings s;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto a = Assess(row.facts, row.today, s);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    const Verdict v = MakeVerdict(*a, s);
    EXPECT_EQ(v.code, row.code) << VerdictCodeName(v.code);
    EXPECT_NE(v.ja.find(row.ja), std::string::npos) << v.ja;
    EXPECT_NE(v.en.find(row.en), std::string::npos) << v.en;
    EXPECT_EQ(v.counter_visit, row.counter_visit);
    EXPECT_FALSE(v.rules.empty());
    for (const std::string& id : v.rules) EXPECT_TRUE(IsKnownRule(id)) << id;
    // Rule IDs belong in the details, not in the verdict.
    EXPECT_EQ(v.ja.find("R-"), std::string::npos);
    EXPECT_EQ(v.en.find("R-"), std::string::npos);
  }
}

// R-CARD-3 is a setting (medium confidence): the application opens earlier with 6 months.
TEST(Verdict, TheCardApplicationMonthsAreASetting) {
  Facts f = Adult(D(2022, 3, 1));
  f.cert_renewal = true;
  f.cert_issued = D(2026, 12, 3);
  profiles::RuleSettings s;
  s.card_application_months = 6;
  auto a = Assess(f, D(2031, 9, 1), s);
  ASSERT_TRUE(a.ok());
  const Verdict v = MakeVerdict(*a, s);
  EXPECT_EQ(v.code, VerdictCode::kRenewCard);
  EXPECT_EQ(v.from, D(2031, 7, 23));
  EXPECT_NE(v.ja.find("今から申請できます"), std::string::npos) << v.ja;
}

}  // namespace
}  // namespace mynacert::rules
