// libFuzzer target: arbitrary bytes as one APDU and as a sequence of APDUs into a card.
// The parser must never read out of bounds; the card must answer every input with at least
// a status word and never crash (built and run for a bounded time by scripts/fuzz.sh).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "card/apdu.h"
#include "card/card.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto parsed = mynacert::card::ParseCommand(bytes);
  if (parsed && parsed->data.size() > size) std::abort();
  // The input as APDUs separated by a length byte, into one card (state carries over).
  mynacert::card::Card* card = TheCard();
  card->Reset();
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
