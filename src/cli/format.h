// Small output helpers shared by the sub-commands: JSON and human text use the same words.
#ifndef MYNACERT_CLI_FORMAT_H_
#define MYNACERT_CLI_FORMAT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "rules/reasons.h"
#include "service/explain.h"

namespace mynacert::cli {

// A date flag: empty -> nullopt; otherwise strictly YYYY-MM-DD, the error naming `flag`.
inline Result<std::optional<Date>> ParseDateFlag(const std::string& value, const char* flag) {
  return service::ParseDateField(value, flag);
}
using service::DateOrNull;
using service::ReasonsJson;
// "  [R-WIN-1] 日本語\n           English\n" lines.
std::string ReasonsText(const std::vector<rules::Reason>& reasons);

// A rendered document to `out`: "-" is standard output, else a file written atomically, 0600
// (a letter names a resident); errors name --out.
Status WriteDocumentOut(const std::string& out, const std::string& bytes, std::ostream& stdout_stream);

}  // namespace mynacert::cli

#endif  // MYNACERT_CLI_FORMAT_H_
