// libFuzzer target: arbitrary bytes as one APDU and as a sequence of APDUs into a card.
// The parser must never read out of bounds; the card must answer every input with at least
// a status word and never crash (built and run for a bounded time by scripts/fuzz.sh).
// Inputs starting with 0xFF go through an open issuer session instead (secure_channel.h): the
// fuzzer's bytes become the plaintext of correctly sealed issuer commands, so the issuer
// command decoding is fuzzed too, not only the seal check in front of it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "card/apdu.h"
#include "card/card.h"
#include "card/secure_channel.h"

namespace {

std::string CardPath() {
  return (std::filesystem::temp_directory_path() /
          ("mynacert-fuzz-card-" + std::to_string(getpid()) + ".json"))
      .string();
}

mynacert::card::Card* TheCard() {
  static mynacert::card::Card* card = [] {
    const std::string path = CardPath();
    std::filesystem::remove(path);
    std::atexit([] { std::filesystem::remove(CardPath()); });
    auto made = mynacert::card::Card::Create(path, "fuzzing card secret",
                                             {"1234", "ABC123", "5678", "2468", "123456789012",
                                              "85070731205599", "fuzzing issuer master key"});
    if (!made.ok()) std::abort();
    auto card = std::move(made).value();
    if (!card->GenerateKeyPair(mynacert::card::KeySlot::kAuth).ok()) std::abort();
    return card.release();
  }();
  return card;
}

namespace sc = mynacert::card::sc;
constexpr char kMaster[] = "fuzzing issuer master key";

// Opens a session on the card; the session key, or nullopt.
std::optional<sc::Key> OpenSession(mynacert::card::Card* card) {
  const std::string host(16, '\x42');
  const std::string init = card->Transmit(std::string("\x80\x50\x00\x00\x10", 5) + host + '\0');
  if (init.size() != 50) std::abort();
  const sc::Key key =
      sc::SessionKey(sc::CardKey(kMaster, init.substr(0, 16)), host, init.substr(16, 16));
  const std::string auth = card->Transmit(std::string("\x84\x82\x00\x00\x10", 5) +
                                          sc::HostCryptogram(key, host, init.substr(16, 16)));
  if (auth != std::string("\x90\x00", 2)) std::abort();
  return key;
}

// Chunks of [length, INS, P1, P2, payload…] sealed as issuer commands numbered 1, 2, …
void FuzzIssuerSession(mynacert::card::Card* card, std::string_view bytes) {
  const std::optional<sc::Key> key = OpenSession(card);
  uint32_t n = 0;
  size_t at = 0;
  while (at < bytes.size()) {
    const size_t len = static_cast<uint8_t>(bytes[at]);
    const std::string_view chunk = bytes.substr(at + 1, len);
    at += 1 + len;
    if (chunk.size() < 3) continue;
    uint8_t ins = static_cast<uint8_t>(chunk[0]);
    if (ins == 0x47) ins = 0x46;  // key generation (RSA-2048) would only slow the fuzzer down
    if (ins == 0x82) ins = 0x83;  // 84 82 is EXTERNAL AUTHENTICATE, never a sealed command
    const std::string header{'\x84', static_cast<char>(ins), chunk[1], chunk[2]};
    const std::string sealed =
        sc::GcmSeal(*key, sc::Nonce(sc::Direction::kCommand, ++n), header, chunk.substr(3));
    std::string apdu = header + '\0';
    apdu += static_cast<char>(sealed.size() >> 8);
    apdu += static_cast<char>(sealed.size() & 0xff);
    apdu += sealed;
    const std::string response = card->Transmit(apdu);
    if (response.size() < 2) std::abort();
    const uint16_t sw =
        static_cast<uint16_t>(static_cast<uint8_t>(response[response.size() - 2]) << 8 |
                              static_cast<uint8_t>(response.back()));
    // Every answer to a well-sealed command is itself sealed (at least a tag) and opens.
    if (sw == 0x6988 || sw == 0x6982) std::abort();
    if (!sc::GcmOpen(*key, sc::Nonce(sc::Direction::kResponse, n),
                     std::string_view(response).substr(response.size() - 2),
                     std::string_view(response).substr(0, response.size() - 2))) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto parsed = mynacert::card::ParseCommand(bytes);
  if (parsed && parsed->data.size() > size) std::abort();
  // The input as APDUs separated by a length byte, into one card (state carries over).
  mynacert::card::Card* card = TheCard();
  card->Reset();
  if (size > 0 && data[0] == 0xFF) {
    FuzzIssuerSession(card, bytes.substr(1));
    return 0;
  }
  size_t at = 0;
  while (at < size) {
    const size_t n = static_cast<uint8_t>(bytes[at]);
    const std::string_view apdu = bytes.substr(at + 1, n);
    const std::string response = card->Transmit(apdu);
    if (response.size() < 2) std::abort();
    at += 1 + n;
  }
  return 0;
}
