// The virtual card in-process: APDU round trips per second (issue 4). Through pcscd + vpcd the
// same APDUs also cross two sockets; tests/card_opensc.sh exercises that path.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "card/card.h"
#include "pki/der.h"

using namespace mynacert;

namespace {

std::string H(std::string_view hex) {
  std::string out;
  pki::der::Unhex(hex, &out);
  return out;
}

card::Card& TheCard() {
  static card::Card* c = [] {
    const std::string path =
        (std::filesystem::temp_directory_path() / "mynacert-card-bench.json").string();
    std::filesystem::remove(path);
    auto made = card::Card::Create(path, "card bench secret",
                                   {"1234", "ABC123", "5678", "2468", "123456789012",
                                    "85070731205599", "card bench issuer key"});
    auto card = std::move(made).value();
    (void)card->GenerateKeyPair(card::KeySlot::kAuth);
    return card.release();
  }();
  return *c;
}

// OpenSC's PIN status query: SELECT EF 0018 + empty VERIFY.
void BM_CardPinStatus(benchmark::State& state) {
  card::Card& c = TheCard();
  c.Transmit(H("00A4040C0AD392F000260100000001"));
  const std::string select = H("00A4020C020018"), status = H("00200080");
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.Transmit(select));
    benchmark::DoNotOptimize(c.Transmit(status));
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_CardPinStatus);

// READ BINARY of the 32-byte token EF (0006), as myna reads it.
void BM_CardReadBinary(benchmark::State& state) {
  card::Card& c = TheCard();
  c.Transmit(H("00A4040C0AD392F000260100000001"));
  c.Transmit(H("00A4020C020006"));
  const std::string read = H("00B0000020");
  for (auto _ : state) benchmark::DoNotOptimize(c.Transmit(read));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CardReadBinary);

// VERIFY with the right PIN (a PBKDF2 compare) + COMPUTE DIGITAL SIGNATURE (RSA-2048).
void BM_CardVerifyAndSign(benchmark::State& state) {
  card::Card& c = TheCard();
  c.Transmit(H("00A4040C0AD392F000260100000001"));
  const std::string sel_pin = H("00A4020C020018"), verify = H("002000800431323334"),
                    sel_key = H("00A4020C020017");
  const std::string sign = H("802A008033") + H("3031300D060960864801650304020105000420") +
                           std::string(32, 'x') + H("00");
  for (auto _ : state) {
    c.Transmit(sel_pin);
    c.Transmit(verify);
    c.Transmit(sel_key);
    benchmark::DoNotOptimize(c.Transmit(sign));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CardVerifyAndSign)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
