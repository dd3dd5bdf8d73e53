// 全国地方公共団体コード (JIS X 0402): the 6-digit code of a prefecture or municipality, five
// digits and a check digit. The profiles carry it; the certificates' subject CN names it.
#ifndef MYNACERT_CORE_LOCAL_GOVERNMENT_CODE_H_
#define MYNACERT_CORE_LOCAL_GOVERNMENT_CODE_H_

#include <string_view>

namespace mynacert {

// Whether `code` is six digits whose last is the JIS X 0402 check digit of the first five
// (weights 6 to 2; 11 minus the sum mod 11, its last digit kept): "141003" Yokohama-shi.
bool ValidLocalGovernmentCode(std::string_view code);

}  // namespace mynacert

#endif  // MYNACERT_CORE_LOCAL_GOVERNMENT_CODE_H_
