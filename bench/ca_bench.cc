// Certificates issued per second from an existing public key (issue 3), next to the raw
// RSA-2048 signature rate measured in the same process — the limit issuance can approach.
// bench/ca_bench.sh also runs `openssl speed rsa2048` side by side.
#include <benchmark/benchmark.h>

#include <chrono>
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "pki/ca_store.h"
#include "pki/certificate.h"
#include "pki/issuance_committer.h"
#include "pki/signer.h"

using namespace mynacert;
using namespace mynacert::pki;

namespace {

struct Fixture {
  Fixture() {
    auto key = GenerateRsaKey();
    auto ca_key = GenerateRsaKey();
    holder = std::move(key).value();
    ca = std::move(CreateRootCa(CaKind::kSign, 1, MakeKeySigner(std::move(ca_key).value(), "bench"),
                                std::chrono::system_clock::now(), 10))
             .value();
  }
  CertRequest Request() {
    CertRequest r;
    r.kind = CaKind::kSign;
    r.public_key = holder.get();
    r.not_before = std::chrono::system_clock::now();
    r.last_valid_day = Date::Ymd(2031, 7, 7);
    r.subject_cn = "20261123090000000011410000000";
    r.holder = SignHolder{"横浜　花子",
                          "",
                          2,
                          Date::Ymd(1985, 7, 7),
                          "神奈川県横浜市中区港町１－１",
                          "",
                          "Kanagawa-ken",
                          "Yokohama-shi"};
    return r;
  }
  EvpPkeyPtr holder;
  CaGeneration ca;
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_RsaSign2048(benchmark::State& state) {
  const std::string tbs(1000, 'x');  // about a TBSCertificate
  for (auto _ : state) {
    auto sig = F().ca.signer->Sign(tbs);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RsaSign2048)->Unit(benchmark::kMicrosecond);
// The limit of 8 concurrent issuers: 8 threads signing (on as many cores as the machine has).
BENCHMARK(BM_RsaSign2048)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_IssueCertificate(benchmark::State& state) {
  const CertRequest r = F().Request();
  for (auto _ : state) {
    auto cert = IssueCertificateDer(F().ca, r);
    if (!cert.ok()) state.SkipWithError(cert.error().ToString().c_str());
    benchmark::DoNotOptimize(cert);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueCertificate)->Unit(benchmark::kMicrosecond);

// Issue + record in the SQLite store (one transaction per certificate, WAL, synchronous=FULL:
// every issuance durable before it is handed out).
void BM_IssueAndRecord(benchmark::State& state) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "mynacert-bench-ca.db").string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  auto store = CaStore::Open(path);
  if (!store.ok()) {
    state.SkipWithError(store.error().ToString().c_str());
    return;
  }
  const CertRequest r = F().Request();
  for (auto _ : state) {
    auto cert = IssueCertificateDer(F().ca, r);
    const IssuedCert row =
        DescribeIssued(std::move(cert).value(), CaKind::kSign, 1, r.subject_cn, 0, "");
    if (!(*store)->RecordIssued(row, "bench").ok()) state.SkipWithError("record");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueAndRecord)->Unit(benchmark::kMicrosecond);

// 8 concurrent issuers recording durably through one IssuanceCommitter (group commit: one
// transaction and one fsync per group of whatever queued meanwhile) into SQLite — or into the
// PostgreSQL database named by $MYNACERT_BENCH_POSTGRES (bench/ca_bench.sh starts one).
std::unique_ptr<IssuanceCommitter> committer;
void BM_IssueAndRecordGrouped(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::string locator;
    if (const char* pg = std::getenv("MYNACERT_BENCH_POSTGRES"); pg && *pg) {
      locator = pg;
    } else {
      locator = (std::filesystem::temp_directory_path() / "mynacert-bench-ca-group.db").string();
      std::filesystem::remove(locator);
      std::filesystem::remove(locator + "-wal");
    }
    auto store = CaStore::Open(locator);
    if (!store.ok()) {
      state.SkipWithError(store.error().ToString().c_str());
    } else {
      committer = std::make_unique<IssuanceCommitter>(std::move(store).value());
    }
  }
  const CertRequest r = F().Request();
  for (auto _ : state) {
    auto cert = IssueCertificateDer(F().ca, r);
    const IssuedCert row =
        DescribeIssued(std::move(cert).value(), CaKind::kSign, 1, r.subject_cn, 0, "");
    if (!committer->Record(row, "bench").ok()) state.SkipWithError("record");
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const auto stats = committer->stats();
    state.counters["per_commit"] =
        static_cast<double>(stats.records) / static_cast<double>(std::max<int64_t>(stats.commits, 1));
  }
}
BENCHMARK(BM_IssueAndRecordGrouped)->ThreadRange(2, 32)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
