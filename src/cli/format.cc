#include "cli/format.h"

namespace mynacert::cli {

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
