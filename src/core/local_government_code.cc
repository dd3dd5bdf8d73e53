#include "core/local_government_code.h"

namespace mynacert {

bool ValidLocalGovernmentCode(std::string_view code) {
  if (code.size() != 6) return false;
  int sum = 0;
  for (size_t i = 0; i < 6; ++i) {
    if (code[i] < '0' || code[i] > '9') return false;
    if (i < 5) sum += (code[i] - '0') * static_cast<int>(6 - i);
  }
  return code[5] - '0' == (11 - sum % 11) % 10;
}

}  // namespace mynacert
