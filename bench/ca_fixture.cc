// Builds the same revocation data twice, for side-by-side CRL and OCSP benchmarks
// (bench/ca_bench.sh): N revoked certificates in our CA store (<dir>/ca.db), and the same N in
// an OpenSSL `ca` index (<dir>/index.txt) that `openssl ca -gencrl` and `openssl ocsp -index`
// read. Rows carry one shared certificate DER: CRLs and OCSP never read it, and a million real
// certificates would only measure the disk.
//
//   ca_fixture <ca dir> <count> [good-serial-hex ...]
//   ca_fixture <ca dir> <count> --sign-partitions <P>
//
// The second form makes sign-CA rows spread evenly over P municipality partitions
// ("Pref-<k>/Muni-<i>", 47 prefectures) for the partition CRL benchmark
// (bench/crl_partitions_bench.sh, issue 18).
//
// The good serials must already be issued (`mynacert ca issue`): they are only added to the
// OpenSSL index, as valid ("V") lines.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "pki/ca_store.h"
#include "core/hex.h"
#include "pki/der.h"

using namespace mynacert;

namespace {

std::string IndexTime(int64_t unix_seconds) {
  std::string der;
  pki::der::AppendTime(der, unix_seconds);  // UTCTime: YYMMDDHHMMSSZ
  return der.substr(2);
}

std::string_view OpensslReason(pki::RevocationReason r) {
  switch (r) {
    case pki::RevocationReason::kKeyCompromise:
      return "keyCompromise";
    case pki::RevocationReason::kAffiliationChanged:
      return "affiliationChanged";
    case pki::RevocationReason::kSuperseded:
      return "superseded";
    default:
      return "cessationOfOperation";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: ca_fixture <ca dir> <count> [good-serial-hex ...]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const long count = std::stol(argv[2]);
  long partitions = 0;  // --sign-partitions P: sign rows over P partitions
  if (argc == 5 && std::string(argv[3]) == "--sign-partitions") {
    partitions = std::stol(argv[4]);
    if (partitions < 1) {
      std::cerr << "--sign-partitions: at least 1\n";
      return 2;
    }
    argc = 3;
  }
  auto db = store::OpenSqlite(dir + "/ca.db", store::SqliteOptions{5000, true, false});
  if (!db.ok()) {
    std::cerr << db.error().ToString() << "\n";
    return 1;
  }
  auto ca_store = pki::CaStore::Open(std::move(db).value());
  if (!ca_store.ok()) {
    std::cerr << ca_store.error().ToString() << "\n";
    return 1;
  }
  store::Database& d = (*ca_store)->database();
  std::ofstream index(dir + "/index.txt");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t expiry = now + 5LL * 365 * 86400;
  const pki::RevocationReason reasons[] = {
      pki::RevocationReason::kSuperseded, pki::RevocationReason::kAffiliationChanged,
      pki::RevocationReason::kKeyCompromise, pki::RevocationReason::kCessationOfOperation};
  std::mt19937_64 rng(20261123);
  if (!d.Begin().ok()) return 1;
  auto insert = d.Prepare(
      "INSERT INTO ca_certificates (ca_kind, ca_generation, serial, subject_cn, not_before, "
      "not_after, issued_at, der, holder_ref, state, revoked_at, reason, changed_seq, crl_scope) "
      "VALUES ($9, 1, $1, $2, $3, $4, $3, $5, '', $6, $7, $8, 1, $10)");
  if (!insert.ok()) {
    std::cerr << insert.error().ToString() << "\n";
    return 1;
  }
  std::string scope;  // the row's partition (sign rows only)
  auto add = [&](const std::string& serial, bool revoked, pki::RevocationReason reason,
                 int64_t at) {
    auto& s = **insert;
    if (!revoked) {
      index << "V\t" << IndexTime(expiry) << "\t\t" << serial << "\tunknown\t/C=JP/CN=issued\n";
      return;
    }
    (void)s.BindText(1, serial);
    (void)s.BindText(2, "bench-" + serial.substr(0, 8));
    (void)s.BindInt(3, now - 86400);
    (void)s.BindInt(4, expiry);
    (void)s.BindBlob(5, "\x30\x00");
    (void)s.BindText(6, revoked ? "revoked" : "good");
    if (revoked) {
      (void)s.BindInt(7, at);
      (void)s.BindInt(8, static_cast<int>(reason));
    } else {
      (void)s.BindNull(7);
      (void)s.BindNull(8);
    }
    (void)s.BindText(9, partitions ? "sign" : "auth");
    (void)s.BindText(10, partitions ? scope : std::string());
    if (!s.Step().ok()) std::exit(1);
    (void)s.Reset();
    index << (revoked ? "R\t" : "V\t") << IndexTime(expiry) << "\t";
    if (revoked) index << IndexTime(at) << "," << OpensslReason(reason);
    index << "\t" << serial << "\tunknown\t/C=JP/CN=bench-" << serial.substr(0, 8) << "\n";
  };
  for (long i = 0; i < count; ++i) {
    std::string raw(16, '\0');
    for (auto& c : raw) c = static_cast<char>(rng());
    raw[0] = static_cast<char>((raw[0] & 0x7f) | 0x40);
    if (partitions) {
      const long m = i % partitions;
      scope = "Pref-" + std::to_string(m % 47) + "/Muni-" + std::to_string(m);
    }
    add(HexUpper(raw), true, reasons[i % 4], now - static_cast<int64_t>(rng() % 86400000));
  }
  for (int i = 3; i < argc; ++i) add(argv[i], false, pki::RevocationReason::kUnspecified, 0);
  if (!d.Commit().ok()) return 1;
  std::ofstream(dir + "/index.txt.attr") << "unique_subject = no\n";
  std::ofstream(dir + "/crlnumber") << "01\n";
  std::cout << count << " revoked entries in " << dir << "/ca.db and " << dir << "/index.txt\n";
  return 0;
}
