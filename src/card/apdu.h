// ISO/IEC 7816-4 command and response APDUs: the card's side of the wire.
//
// A command is parsed into CLA INS P1 P2, the data field and Ne (the expected response length)
// for the four cases, short and extended length:
//   case 1  CLA INS P1 P2
//   case 2  … Le            (short: Le 00 = 256; extended: 00 Le1 Le2, 0000 = 65536)
//   case 3  … Lc data       (short Lc 01..FF; extended 00 Lc1 Lc2)
//   case 4  … Lc data Le    (extended: 00 Lc1 Lc2 data Le1 Le2)
// Anything else (a length that does not add up, Lc = 00 in short form) is a wrong length
// (SW 6700). Parsing never reads past the buffer (fuzzed in apdu_fuzz.cc).
//
// Thread-safety: plain values.
#ifndef MYNACERT_CARD_APDU_H_
#define MYNACERT_CARD_APDU_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mynacert::card {

// Status words used by the card (ISO 7816-4 meanings).
enum StatusWord : uint16_t {
  kSwOk = 0x9000,
  kSwWrongLength = 0x6700,
  kSwSecurityNotSatisfied = 0x6982,
  kSwPinBlocked = 0x6983,        // our issuer channel's face counter; older cards of ours
  kSwRefDataNotUsable = 0x6984,  // a VERIFY of a blocked PIN (as real cards answer), or of a
                                 // face card's unset PIN
  kSwConditionsNotSatisfied = 0x6985,
  kSwCommandNotAllowed = 0x6986,  // no current EF, or not this kind of EF
  kSwWrongData = 0x6A80,
  kSwFileNotFound = 0x6A82,
  kSwReferenceNotFound = 0x6A88,  // a PIN or key named by short EF that this AP does not have
  kSwWrongP1P2 = 0x6A86,
  kSwWrongOffset = 0x6B00,
  kSwInsNotSupported = 0x6D00,
  kSwClaNotSupported = 0x6E00,
};
// 63 Cx: a PIN with x tries left.
constexpr uint16_t TriesLeft(int x) { return static_cast<uint16_t>(0x63C0 | (x & 0x0F)); }

struct Command {
  uint8_t cla = 0, ins = 0, p1 = 0, p2 = 0;
  std::string data;
  uint32_t ne = 0;  // 0: no Le (no response data expected)
  bool has_le = false;
  bool extended = false;
};

// nullopt: the bytes are not a well-formed APDU (the card answers 6700).
std::optional<Command> ParseCommand(std::string_view bytes);

// data || SW1 SW2
std::string Response(uint16_t sw, std::string_view data = {});

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_APDU_H_
