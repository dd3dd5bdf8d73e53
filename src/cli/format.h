// Small output helpers shared by the sub-commands: JSON and human text use the same words.
#ifndef MYNACERT_CLI_FORMAT_H_
#define MYNACERT_CLI_FORMAT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "rules/reasons.h"

namespace mynacert::cli {

// A date flag: empty -> nullopt; otherwise strictly YYYY-MM-DD, the error naming `flag`.
Result<std::optional<Date>> ParseDateFlag(const std::string& value, const char* flag);

nlohmann::json DateOrNull(const std::optional<Date>& d);
// [{"rule","text","text_en","source"}] — `text` is Japanese, the user-facing default.
nlohmann::json ReasonsJson(const std::vector<rules::Reason>& reasons);
// "  [R-WIN-1] 日本語\n           English\n" lines.
std::string ReasonsText(const std::vector<rules::Reason>& reasons);

}  // namespace mynacert::cli

#endif  // MYNACERT_CLI_FORMAT_H_
