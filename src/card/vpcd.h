// The card's side of vsmartcard's virtual reader (jpki-card.md §3): vpcd, inside pcscd,
// listens on 127.0.0.1:35963 (slot 0); the card connects and answers frames
//   [2-byte big-endian length][payload]
// where a 1-byte payload is a control byte (00 power off, 01 power on, 02 reset: no reply;
// 04 get ATR: reply with the ATR) and anything longer is a command APDU (reply: the response
// APDU). The ATR is JPKI's, 3B E0 00 FF 81 31 FE 45 14 (T=1), which OpenSC's jpki driver
// matches.
//
// Latency: Debian's vpcd sends the length and the payload in two writes; with delayed ACK on
// our side every APDU would wait ~40 ms. TCP_QUICKACK is set after every recv (it is not
// sticky on Linux), TCP_NODELAY once.
//
// Thread-safety: one ServeVpcd per Card.
#ifndef MYNACERT_CARD_VPCD_H_
#define MYNACERT_CARD_VPCD_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "card/card.h"
#include "core/result.h"

namespace mynacert::card {

inline constexpr std::string_view kJpkiAtr("\x3B\xE0\x00\xFF\x81\x31\xFE\x45\x14", 9);

struct VpcdOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 35963;  // vpcd slot 0 ("Virtual PCD 00 00")
  std::chrono::milliseconds retry{200};
  // After each answer, poll for the next command this long before sleeping in recv(): on a VM
  // a sleeping process (and its idle vCPU) takes tens of µs to wake, and OpenSC sends APDUs in
  // bursts. 0 = never spin. bench/README.md has the figures (about 2× the APDU rate).
  std::chrono::microseconds spin{200};
};

struct VpcdStats {
  uint64_t apdus = 0, connections = 0;
};

// Connects to vpcd (retrying until it listens), serves frames, reconnects when pcscd goes
// away, returns when `stop` becomes true (checked at least every 100 ms).
Status ServeVpcd(Card& card, const VpcdOptions& options, const std::atomic<bool>& stop,
                 VpcdStats* stats = nullptr);

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_VPCD_H_
