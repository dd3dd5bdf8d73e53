// The check from what a resident actually holds (issue 16): the card, whose face prints the
// card's expiry (「2032年 1月22日まで有効」), and the notice letter (有効期限通知書) or the
// card face's box with the certificates' expiry — never the issue dates, which are printed
// nowhere. Plus answers a resident can give: renewed before, a period of stay, living abroad,
// an adult ward.
//
// ReadHeld() finds issue dates that produce exactly the held expiry dates under the rules
// (R-VAL-1/1a/2/3/4/5/7), by trying the few readings the rules allow and keeping those that the
// assessment reproduces. Every answer of the engine (window, status, the expiry a renewal
// today would get) depends only on the expiry dates, the birth date and today, so any reading
// that reproduces the held dates gives the same answer; when two readings disagree on a date
// the resident did not give (the card's expiry, from the letter alone, around the R-VAL-3
// change), the error asks for that date instead of guessing.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RULES_HELD_H_
#define MYNACERT_RULES_HELD_H_

#include <optional>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "profiles/model.h"
#include "rules/assessment.h"
#include "rules/reasons.h"

namespace mynacert::rules {

struct HeldFacts {
  Date birth;
  std::optional<Date> card_expires;  // the card's face: 「…まで有効」
  std::optional<Date> cert_expires;  // the letter (有効期限通知書) or the card face's box
  bool renewed = false;              // the certificates were renewed since the card was issued
  std::optional<Date> stay_until;    // a foreign resident's period of stay (R-VAL-4)
  bool abroad = false;               // R-WIN-3
  bool adult_ward = false;           // R-CERT-4
  std::optional<Date> sign_revoked_on;  // R-CERT-5
};

// How the card's expiry was read (R-VAL-2/3/4).
enum class CardReading : uint8_t {
  kTenBirthdays,   // 18 (20, R-VAL-3) or older at issue: the 10th birthday
  kFiveBirthdays,  // younger: the 5th birthday
  kStay,           // the end of the period of stay (R-VAL-4)
};
// How the certificates' expiry was read.
enum class CertReading : uint8_t {
  kWithCard,               // issued with the card: the 5th birthday (R-VAL-1), capped (R-VAL-5)
  kRenewedInWindow,        // renewed inside the window: old expiry + 5 years (R-VAL-1a)
  kRenewedOutsideWindow,   // renewed before the window or issued after expiry (R-VAL-7, R-WIN-5)
};

struct HeldReading {
  Facts facts;  // issue dates that reproduce the held expiry dates (one of possibly many)
  CardReading card = CardReading::kTenBirthdays;
  CertReading cert = CertReading::kWithCard;
  Date card_expires;  // as held, or read from the certificates' expiry
  Date cert_expires;  // as held, or read from the card's expiry
  bool card_expiry_given = false;
  bool cert_expiry_given = false;
};

// Errors name the API's fields (card_expires, cert_expires, renewed, stay_until) and the rule.
Result<HeldReading> ReadHeld(const HeldFacts& held, Date today, const profiles::RuleSettings& s);

// What was read and why, as reasons that go before the assessment's own.
std::vector<Reason> ExplainReading(const HeldReading& r);

std::string_view CardReadingName(CardReading r);  // "ten_birthdays", "five_birthdays", "stay"
std::string_view CertReadingName(CertReading r);  // "with_card", "renewed_in_window", …

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_HELD_H_
