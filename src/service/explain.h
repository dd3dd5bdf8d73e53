// The rules explained for one holder: the facts as text fields (command-line flags or query
// parameters), parsed and checked, assessed by the rules engine, and rendered as the JSON that
// `mynacert explain --json` prints and `GET /api/explain` returns — one code path for both.
#ifndef MYNACERT_SERVICE_EXPLAIN_H_
#define MYNACERT_SERVICE_EXPLAIN_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "profiles/loader.h"
#include "rules/assessment.h"
#include "rules/held.h"
#include "rules/procedures.h"
#include "rules/reasons.h"
#include "rules/verdict.h"

namespace mynacert::service {

// A date field: empty -> nullopt; otherwise strictly YYYY-MM-DD, the error naming `field`.
Result<std::optional<Date>> ParseDateField(const std::string& value, const std::string& field);
nlohmann::json DateOrNull(const std::optional<Date>& d);
// [{"rule","text","text_en","source"}] — `text` is Japanese, the user-facing default.
nlohmann::json ReasonsJson(const std::vector<rules::Reason>& reasons);

// Two ways to give the facts: the issue dates (card_issued, cert_issued, cert_renewal — what a
// counter's registry knows), or what a resident holds (card_expires from the card's face,
// cert_expires from the letter, renewed — rules/held.h). Not both.
struct ExplainQuery {
  std::string birth, card_applied, card_issued, cert_issued, stay_until, sign_revoked_on, today;
  std::string municipality;
  bool cert_renewal = false, abroad = false, adult_ward = false;
  std::string card_expires, cert_expires;
  bool renewed = false;
};

struct Explanation {
  Date today;
  const profiles::Municipality* municipality = nullptr;
  profiles::RuleSettings settings;
  rules::Assessment assessment;
  std::optional<rules::HeldReading> reading;  // set when the facts were read from held dates
  rules::Verdict verdict;
  std::vector<rules::Reason> reasons;
};

// Errors name the API's parameters (card_issued); the CLI shows them as its flags
// (--card-issued) at its own edge.
Result<Explanation> Explain(const ExplainQuery& q, const profiles::Registry& profiles,
                            Date default_today);
// The explanation as JSON text (GET /api/explain), written directly (json_out.h), keys sorted;
// and as a document (`mynacert explain --json` pretty-prints it), parsed from that text.
std::string ExplanationText(const Explanation& e);
nlohmann::json ExplanationJson(const Explanation& e);

// What `mynacert procedure --json` prints and `GET /api/procedure` returns: the visits with
// their documents and staff actions, the counters that take it, refusals and reasons.
nlohmann::json PlanJson(const profiles::Municipality& m, std::string_view procedure,
                        std::string_view applicant, const rules::ProcedurePlan& plan);

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_EXPLAIN_H_
