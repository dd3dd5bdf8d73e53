#include "core/hex.h"

#include <array>
#include <cstdint>

namespace mynacert {
namespace {

std::string HexWith(std::string_view bytes, const char* digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

}  // namespace

std::string HexLower(std::string_view bytes) { return HexWith(bytes, "0123456789abcdef"); }

std::string HexUpper(std::string_view bytes) { return HexWith(bytes, "0123456789ABCDEF"); }

bool Unhex(std::string_view hex, std::string* bytes) {
  // -1 for a character that is not a hex digit. A CRL unhexes every serial: no branches per
  // digit beyond the table.
  static constexpr auto kTable = [] {
    std::array<int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<int8_t>(c - 'A' + 10);
    return t;
  }();
  if (hex.size() % 2 != 0) return false;
  bytes->resize(hex.size() / 2);
  char* out = bytes->data();
  int bad = 0;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = kTable[static_cast<unsigned char>(hex[i])];
    const int lo = kTable[static_cast<unsigned char>(hex[i + 1])];
    bad |= hi | lo;
    *out++ = static_cast<char>(hi << 4 | lo);
  }
  return bad >= 0;
}

}  // namespace mynacert
