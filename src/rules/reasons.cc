#include "rules/reasons.h"

#include <array>
#include <utility>

namespace mynacert::rules {

namespace {
// rules.md, column "seeds". 000 山形市, 001 金沢市, 002 世田谷区, 003 横浜市, 004 鈴鹿市.
constexpr std::array<std::pair<std::string_view, std::string_view>, 59> kSources = {{
    {"R-CERT-1", "002 世田谷区, 003 横浜市, 004 鈴鹿市"},
    {"R-CERT-2", "000 山形市, 002 世田谷区, 003 横浜市, 004 鈴鹿市; jpki-facts B5"},
    {"R-CERT-3", "003 横浜市"},
    {"R-CERT-4", "004 鈴鹿市 (※1)"},
    {"R-CERT-5", "000 山形市, 001 金沢市, 004 鈴鹿市 (※6)"},
    {"R-CERT-6", "004 鈴鹿市; jpki-facts B5"},
    {"R-CERT-7", "002 世田谷区"},
    {"R-VAL-1", "000 山形市, 001 金沢市, 002 世田谷区, 004 鈴鹿市"},
    {"R-VAL-1a", "001 金沢市 (J-LIS; jpki-facts B0/B1)"},
    {"R-VAL-2", "000 山形市, 002 世田谷区, 004 鈴鹿市"},
    {"R-VAL-3", "000 山形市, 004 鈴鹿市"},
    {"R-VAL-4", "001 金沢市, 002 世田谷区"},
    {"R-VAL-5", "004 鈴鹿市 (※5), 001 金沢市; jpki-facts B0"},
    {"R-VAL-6", "001 金沢市"},
    {"R-VAL-7", "003 横浜市"},
    {"R-VAL-8", "003 横浜市"},
    {"R-WIN-1", "001 金沢市, 002 世田谷区, 003 横浜市; jpki-facts B2"},
    {"R-WIN-2", "000 山形市, 002 世田谷区, 004 鈴鹿市"},
    {"R-WIN-3", "002 世田谷区"},
    {"R-WIN-4", "001 金沢市, 002 世田谷区, 003 横浜市"},
    {"R-WIN-5", "000 山形市, 001 金沢市, 002 世田谷区, 003 横浜市, 004 鈴鹿市"},
    {"R-WIN-6", "001 金沢市, 004 鈴鹿市"},
    {"R-WIN-7", "001 金沢市; jpki-facts B4"},
    {"R-NOT-1", "000 山形市, 001 金沢市, 004 鈴鹿市"},
    {"R-NOT-2", "001 金沢市"},
    {"R-NOT-3", "003 横浜市"},
    {"R-NOT-4", "003 横浜市"},
    {"R-PROC-1", "000 山形市, 001 金沢市, 002 世田谷区, 003 横浜市, 004 鈴鹿市"},
    {"R-PROC-2", "000 山形市, 001 金沢市, 003 横浜市, 004 鈴鹿市"},
    {"R-PROC-3", "003 横浜市"},
    {"R-PROC-4", "000 山形市, 001 金沢市, 002 世田谷区, 003 横浜市"},
    {"R-PROC-5", "001 金沢市, 003 横浜市"},
    {"R-PROC-6", "000 山形市, 001 金沢市, 002 世田谷区, 003 横浜市, 004 鈴鹿市"},
    {"R-PROC-7", "002 世田谷区"},
    {"R-PROC-8", "002 世田谷区"},
    {"R-PROC-9", "000 山形市, 001 金沢市, 003 横浜市"},
    {"R-PROC-10", "001 金沢市, 004 鈴鹿市"},
    {"R-PROC-11", "002 世田谷区"},
    {"R-ID-A", "000 山形市, 004 鈴鹿市"},
    {"R-ID-B", "000 山形市, 004 鈴鹿市"},
    {"R-ID-X", "000 山形市, 003 横浜市"},
    {"R-PIN-1", "000 山形市, 002 世田谷区, 004 鈴鹿市"},
    {"R-PIN-2", "004 鈴鹿市"},
    {"R-OFF-1", "000 山形市, 001 金沢市, 003 横浜市"},
    {"R-OFF-2", "000 山形市"},
    {"R-OFF-3", "001 金沢市"},
    {"R-OFF-4", "002 世田谷区"},
    {"R-OFF-5", "003 横浜市"},
    {"R-OFF-6", "003 横浜市"},
    {"R-OFF-7", "004 鈴鹿市"},
    // rules-lifecycle.md: the card's own renewal.
    {"R-CARD-1", "004 鈴鹿市 (rules-lifecycle)"},
    {"R-CARD-2", "004 鈴鹿市 ※2 (rules-lifecycle)"},
    {"R-CARD-3", "004 鈴鹿市 (rules-lifecycle; medium confidence: card_application_months)"},
    {"R-CARD-4", "001 金沢市, 004 鈴鹿市 (rules-lifecycle)"},
    // Conventions of jpki-facts.md that the rules rely on.
    {"B1-LEAPDAY", "jpki-facts B1 (道路交通法92条の2 precedent)"},
    {"B2-WINDOW", "jpki-facts B2"},
    {"B0-SIGN-CAP", "jpki-facts B0"},
    {"B6-FORM", "jpki-facts B6"},
    {"CAL-HOLIDAY", "holidays.md (祝日法)"},
}};
}  // namespace

std::string_view RuleSource(std::string_view rule_id) {
  for (const auto& [id, src] : kSources)
    if (id == rule_id) return src;
  return {};
}

bool IsKnownRule(std::string_view rule_id) { return !RuleSource(rule_id).empty(); }

}  // namespace mynacert::rules
