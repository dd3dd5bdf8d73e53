// The answer a resident reads first (issue 16): one or two plain sentences — come now (until
// when, free), not yet (from when), expired (a new one, free, while the card is valid), or the
// card itself must be renewed (R-WIN-6, R-CARD-4), never a certificate checklist then — with
// dates as residents read them (core/date_text.h). The rule IDs go with it for the details.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RULES_VERDICT_H_
#define MYNACERT_RULES_VERDICT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "profiles/model.h"
#include "rules/assessment.h"

namespace mynacert::rules {

enum class VerdictCode : uint8_t {
  kComeNow,      // inside the window: renew at a counter now, free, until `until`
  kNotYet,       // before the window: free from `from` (a paid re-issue before it, R-WIN-4)
  kExpired,      // the certificates expired, the card is valid: a new one, free, until `until`
  kRenewCard,    // the certificates end with the card: renew the card (from `from`, by `until`)
  kCardExpired,  // the card expired on `until`: apply for a new card
};
std::string_view VerdictCodeName(VerdictCode c);  // "come_now", "not_yet", …

struct Verdict {
  VerdictCode code = VerdictCode::kNotYet;
  std::optional<Date> from;
  std::optional<Date> until;
  std::string ja;
  std::string en;
  std::vector<std::string> rules;  // the rule IDs behind the sentences
  bool counter_visit = false;      // true when the next step is a certificate visit to a counter
};

// From the auth certificate (both certificates are renewed together; the sign certificate adds
// a sentence when it was revoked by a change of name or address, R-CERT-5).
Verdict MakeVerdict(const Assessment& a, const profiles::RuleSettings& s);

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_VERDICT_H_
