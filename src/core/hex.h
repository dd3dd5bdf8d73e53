// Hex text of bytes and back: the one place for it. Which case a caller writes is part of its
// stored data (staff session digests, cancel-token hashes and the audit chain are lower case;
// DER serials, card files and ATRs upper case), so each caller names its case.
#ifndef MYNACERT_CORE_HEX_H_
#define MYNACERT_CORE_HEX_H_

#include <string>
#include <string_view>

namespace mynacert {

// Hex of bytes, lower case, no separators ("0a1b").
std::string HexLower(std::string_view bytes);
// Hex of bytes, upper case, no separators ("0A1B").
std::string HexUpper(std::string_view bytes);
// Bytes of hex text (either case); false when not even-length hex (`bytes` is then unspecified).
bool Unhex(std::string_view hex, std::string* bytes);

}  // namespace mynacert

#endif  // MYNACERT_CORE_HEX_H_
