// APDU round trips per second (issue 4): the same APDU sequences against the card in-process
// (LocalTransport) and through pcscd + vpcd (libpcsclite → pcscd → ifd-vpcd → TCP → `mynacert
// card serve`) when MYNACERT_BENCH_READER names the reader — bench/card_bench.sh sets that up.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "card/card.h"
#include "card/card_data.h"
#include "card/card_face.h"
#include "card/host.h"
#include "card/pcsc.h"
#include "core/hex.h"
#include "pki/certificate.h"

using namespace mynacert;

namespace {

std::string H(std::string_view hex) {
  std::string out;
  mynacert::Unhex(hex, &out);
  return out;
}

// The in-process card: the same PINs as bench/card_bench.sh's, an auth key and certificate.
card::Transport* Local() {
  static card::Transport* t = [] {
    const std::string path =
        (std::filesystem::temp_directory_path() / "mynacert-card-bench.json").string();
    std::filesystem::remove(path);
    auto made = card::Card::Create(path, "card bench secret",
                                   {"1234", "ABC123", "5678", "2468", "123456789012",
                                    "85070731205599", "card bench issuer key"});
    card::Card* c = made.value().release();
    auto pub = c->GenerateKeyPair(card::KeySlot::kAuth);
    auto ca = pki::CreateRootCa(pki::CaKind::kAuth, 1,
                                pki::MakeKeySigner(pki::GenerateRsaKey().value(), "bench"),
                                std::chrono::system_clock::now(), 10);
    pki::CertRequest r;
    r.kind = pki::CaKind::kAuth;
    r.public_key = pub->get();
    r.not_before = std::chrono::system_clock::now();
    r.last_valid_day = Date::Ymd(2031, 7, 7);
    r.subject_cn = "bench";
    (void)c->WriteCertificate(card::CertSlot::kAuth, pki::IssueCertificateDer(*ca, r)->der);
    return new card::LocalTransport(*c);
  }();
  return t;
}

// The card in MYNACERT_BENCH_READER, or nullptr.
card::Transport* Pcsc() {
  static card::Transport* t = []() -> card::Transport* {
    const char* reader = std::getenv("MYNACERT_BENCH_READER");
    if (!reader) return nullptr;
    static auto context = card::PcscContext::Establish();
    if (!context.ok()) return nullptr;
    auto connected = (*context)->Connect(reader);
    return connected.ok() ? connected.value().release() : nullptr;
  }();
  return t;
}

card::Transport* Where(benchmark::State& state, bool pcsc) {
  card::Transport* t = pcsc ? Pcsc() : Local();
  if (!t) state.SkipWithError("no reader: set MYNACERT_BENCH_READER (bench/card_bench.sh)");
  return t;
}

// OpenSC's PIN status query: SELECT EF 0018 + empty VERIFY — two round trips.
void BM_PinStatus(benchmark::State& state, bool pcsc) {
  card::Transport* t = Where(state, pcsc);
  if (!t) return;
  (void)t->Transmit(H("00A4040C0AD392F000260100000001"));
  const std::string select = H("00A4020C020018"), status = H("00200080");
  for (auto _ : state) {
    benchmark::DoNotOptimize(t->Transmit(select));
    benchmark::DoNotOptimize(t->Transmit(status));
  }
  state.SetItemsProcessed(state.iterations() * 2);  // items = APDU round trips
}
BENCHMARK_CAPTURE(BM_PinStatus, in_process, false)->UseRealTime();
BENCHMARK_CAPTURE(BM_PinStatus, pcscd_vpcd, true)->Unit(benchmark::kMicrosecond)->UseRealTime();

// READ BINARY of 256 bytes of the auth certificate: one round trip with a full short answer.
void BM_ReadBinary256(benchmark::State& state, bool pcsc) {
  card::Transport* t = Where(state, pcsc);
  if (!t) return;
  (void)t->Transmit(H("00A4040C0AD392F000260100000001"));
  (void)t->Transmit(H("00A4020C02000A"));
  const std::string read = H("00B0000000");
  for (auto _ : state) benchmark::DoNotOptimize(t->Transmit(read));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ReadBinary256, in_process, false)->UseRealTime();
BENCHMARK_CAPTURE(BM_ReadBinary256, pcscd_vpcd, true)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The whole auth certificate as `card show` reads it (SELECT AP, SELECT EF, header, pieces).
void BM_ReadCertificate(benchmark::State& state, bool pcsc) {
  card::Transport* t = Where(state, pcsc);
  if (!t) return;
  for (auto _ : state) {
    card::JpkiClient client(*t);
    auto der = client.ReadCertificate(card::CertSlot::kAuth);
    if (!der.ok()) {
      state.SkipWithError(der.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(der);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ReadCertificate, in_process, false)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ReadCertificate, pcscd_vpcd, true)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// VERIFY with the right PIN (a PBKDF2 compare) + COMPUTE DIGITAL SIGNATURE (RSA-2048).
void BM_VerifyAndSign(benchmark::State& state, bool pcsc) {
  card::Transport* t = Where(state, pcsc);
  if (!t) return;
  (void)t->Transmit(H("00A4040C0AD392F000260100000001"));
  const std::string sel_pin = H("00A4020C020018"), verify = H("002000800431323334"),
                    sel_key = H("00A4020C020017");
  const std::string sign = H("802A008033") + H("3031300D060960864801650304020105000420") +
                           std::string(32, 'x') + H("00");
  for (auto _ : state) {
    (void)t->Transmit(sel_pin);
    (void)t->Transmit(verify);
    (void)t->Transmit(sel_key);
    benchmark::DoNotOptimize(t->Transmit(sign));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_VerifyAndSign, in_process, false)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_VerifyAndSign, pcscd_vpcd, true)->Unit(benchmark::kMicrosecond)->UseRealTime();

// What the counter's write_data builds for one card (issue 19), in-process: the 券面事項入力補助
// AP's five files (two RSA-2048 signatures) — the baseline, what write_data did before the card
// face — against the 券面 AP's images (pango/cairo, OpenJPEG) and its three files (two more
// signatures). No card I/O: the files as bytes.
card::HolderData BenchHolder() {
  card::HolderData h;
  h.my_number = "123456789012";
  h.name = "番号　花子";
  h.address = "東京都千代田区永田町1-10-1";
  h.birth = "19850707";
  h.sex = '2';
  return h;
}
pki::Signer& BenchSigner() {
  static pki::Signer* s = pki::MakeKeySigner(pki::GenerateRsaKey().value(), "bench").release();
  return *s;
}

void BM_TextApFiles(benchmark::State& state) {
  const card::HolderData h = BenchHolder();
  for (auto _ : state) benchmark::DoNotOptimize(card::TextApFiles(h, BenchSigner()));
}
BENCHMARK(BM_TextApFiles)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CardFaceImages(benchmark::State& state) {
  const card::HolderData h = BenchHolder();
  for (auto _ : state) benchmark::DoNotOptimize(card::RenderCardFace(h, "5599"));
}
BENCHMARK(BM_CardFaceImages)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CardFaceFiles(benchmark::State& state) {
  const card::CardFaceImages images = card::RenderCardFace(BenchHolder(), "5599").value();
  static pki::EvpPkeyPtr ap_key = pki::GenerateRsaKey().value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        card::VisualApFiles({"19850707", '2', "20350707"}, images, ap_key.get(), BenchSigner()));
  }
}
BENCHMARK(BM_CardFaceFiles)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
