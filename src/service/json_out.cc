#include "service/json_out.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "server/http.h"

namespace mynacert::service {
namespace {

// Whether any of the eight bytes of `w` is below 0x20, '"' or '\\' (the "has a byte less than
// n" and "has a zero byte" word tricks: exact as a yes/no answer).
bool NeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  const uint64_t q = w ^ (kOnes * '"');
  const uint64_t b = w ^ (kOnes * '\\');
  return (below_space | ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs)) != 0;
}

}  // namespace

JsonOut& JsonOut::Str(std::string_view s) {
  Comma();
  if (!server::ValidUtf8(s)) {  // (ValidUtf8 refuses NUL too, which nlohmann escapes alike)
    out_ += nlohmann::json(std::string(s))
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return *this;
  }
  out_ += '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    // Eight bytes at a time while none needs escaping (most of a Japanese sentence).
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (NeedsEscape(w)) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      default:
        out_ += "\\u00";
        out_ += HexLower(std::string_view(s.data() + i, 1));
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
  return *this;
}

}  // namespace mynacert::service
