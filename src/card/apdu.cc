#include "card/apdu.h"

namespace mynacert::card {

std::optional<Command> ParseCommand(std::string_view b) {
  if (b.size() < 4) return std::nullopt;
  Command c;
  c.cla = static_cast<uint8_t>(b[0]);
  c.ins = static_cast<uint8_t>(b[1]);
  c.p1 = static_cast<uint8_t>(b[2]);
  c.p2 = static_cast<uint8_t>(b[3]);
  const std::string_view body = b.substr(4);
  auto u8 = [&body](size_t i) { return static_cast<uint8_t>(body[i]); };
  if (body.empty()) return c;  // case 1
  if (body.size() == 1) {      // case 2 short
    c.has_le = true;
    c.ne = u8(0) == 0 ? 256 : u8(0);
    return c;
  }
  if (u8(0) != 0) {  // short case 3 or 4
    const size_t lc = u8(0);
    if (body.size() == 1 + lc) {
      c.data.assign(body.substr(1, lc));
      return c;
    }
    if (body.size() == 2 + lc) {
      c.data.assign(body.substr(1, lc));
      c.has_le = true;
      c.ne = u8(1 + lc) == 0 ? 256 : u8(1 + lc);
      return c;
    }
    return std::nullopt;
  }
  // Extended length: body starts with 00.
  c.extended = true;
  if (body.size() == 3) {  // case 2 extended
    c.has_le = true;
    const uint32_t le = static_cast<uint32_t>(u8(1)) << 8 | u8(2);
    c.ne = le == 0 ? 65536 : le;
    return c;
  }
  if (body.size() < 3) return std::nullopt;
  const size_t lc = static_cast<size_t>(u8(1)) << 8 | u8(2);
  if (lc == 0) return std::nullopt;
  if (body.size() == 3 + lc) {  // case 3 extended
    c.data.assign(body.substr(3, lc));
    return c;
  }
  if (body.size() == 5 + lc) {  // case 4 extended
    c.data.assign(body.substr(3, lc));
    c.has_le = true;
    const uint32_t le = static_cast<uint32_t>(u8(3 + lc)) << 8 | u8(4 + lc);
    c.ne = le == 0 ? 65536 : le;
    return c;
  }
  return std::nullopt;
}

std::string Response(uint16_t sw, std::string_view data) {
  std::string out;
  out.reserve(data.size() + 2);
  out.append(data);
  out.push_back(static_cast<char>(sw >> 8));
  out.push_back(static_cast<char>(sw & 0xff));
  return out;
}

}  // namespace mynacert::card
