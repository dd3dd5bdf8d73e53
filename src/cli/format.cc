#include "cli/format.h"

namespace mynacert::cli {

Result<std::optional<Date>> ParseDateFlag(const std::string& value, const char* flag) {
  if (value.empty()) return std::optional<Date>();
  auto d = Date::Parse(value, flag);
  if (!d.ok()) return d.error();
  return std::optional<Date>(*d);
}

nlohmann::json DateOrNull(const std::optional<Date>& d) {
  return d ? nlohmann::json(d->ToString()) : nlohmann::json(nullptr);
}

nlohmann::json ReasonsJson(const std::vector<rules::Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const rules::Reason& r : reasons) {
    out.push_back({{"rule", r.rule},
                   {"text", r.ja},
                   {"text_en", r.en},
                   {"source", std::string(rules::RuleSource(r.rule))}});
  }
  return out;
}

std::string ReasonsText(const std::vector<rules::Reason>& reasons) {
  std::string out;
  for (const rules::Reason& r : reasons) {
    const std::string tag = "[" + r.rule + "]";
    out += "  " + tag + " " + r.ja + "\n";
    out += "  " + std::string(tag.size(), ' ') + " " + r.en + "\n";
  }
  return out;
}

}  // namespace mynacert::cli
