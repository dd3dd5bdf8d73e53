// Why an answer is what it is: every answer of the rules engine carries the rule IDs of
// ../shared/spec/rules.md that produced it, with a sentence in Japanese and in English.
//
// `Reason` is the general, allocating form used by procedures and the CLI. The date
// assessment (rules/assessment.h) keeps compact codes on its hot path and renders them into
// `Reason`s only when asked.
//
// Thread-safety: plain values and immutable tables.
#ifndef MYNACERT_RULES_REASONS_H_
#define MYNACERT_RULES_REASONS_H_

#include <string>
#include <string_view>
#include <vector>

namespace mynacert::rules {

struct Reason {
  std::string rule;  // "R-WIN-1"
  std::string ja;  // "有効期限 2026-07-07 の3か月前の翌日 2026-04-08 から更新できます。"
  std::string en;  // "Renewal opens on 2026-04-08, the day after three months before expiry."
  friend bool operator==(const Reason&, const Reason&) = default;
};

// The seed files and municipalities a rule comes from, as rules.md lists them:
// RuleSource("R-WIN-1") -> "001 金沢市, 002 世田谷区, 003 横浜市". Empty for an unknown ID.
std::string_view RuleSource(std::string_view rule_id);
// True when `rule_id` is an ID of rules.md (R-CERT-1 … R-OFF-7, R-ID-A/B/X, R-PIN-1/2).
bool IsKnownRule(std::string_view rule_id);

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_REASONS_H_
