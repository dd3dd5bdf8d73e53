// Group commit of the CA's issuance (pki/issuance_committer.h) on both engines: every caller's
// certificate committed before Record returns, event numbers in commit order, queued callers
// sharing one transaction, and one bad row failing only its own caller.
#include "pki/issuance_committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pki/certificate.h"
#include "pki/signer.h"
#include "store/testing.h"

namespace mynacert::pki {
namespace {

class IssuanceCommitterTest : public store::testing::EngineTest {
 protected:
  void SetUp() override {
    store::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    auto ca_key = GenerateRsaKey();
    auto holder = GenerateRsaKey();
    ASSERT_TRUE(ca_key.ok() && holder.ok());
    holder_ = std::move(holder).value();
    auto ca = CreateRootCa(CaKind::kAuth, 1, MakeKeySigner(std::move(ca_key).value(), "test"),
                           std::chrono::system_clock::now(), 10);
    ASSERT_TRUE(ca.ok());
    ca_ = std::move(ca).value();
  }

  std::unique_ptr<CaStore> OpenStore() {
    auto store = CaStore::Open(locator());
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A freshly signed auth certificate (a random serial each time).
  IssuedCert Sign(const std::string& cn) {
    CertRequest r;
    r.kind = CaKind::kAuth;
    r.public_key = holder_.get();
    r.not_before = std::chrono::system_clock::now();
    r.last_valid_day = Date::Ymd(2031, 7, 7);
    r.subject_cn = cn;
    auto der = IssueCertificateDer(ca_, r);
    EXPECT_TRUE(der.ok());
    return DescribeIssued(std::move(der).value(), CaKind::kAuth, 1, cn, 1'790'000'000, cn);
  }

  // Holds the first leader in its commit until `n` callers are queued (itself included), so
  // that the next group is everything queued behind it — deterministic grouping.
  static IssuanceCommitterOptions HoldFirstGroupUntil(IssuanceCommitter** self, size_t n) {
    IssuanceCommitterOptions o;
    auto first = std::make_shared<std::atomic<bool>>(true);
    o.before_commit = [self, n, first](size_t) {
      if (!first->exchange(false)) return;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while ((*self)->queued() < n && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    };
    return o;
  }

  CaGeneration ca_;
  EvpPkeyPtr holder_;
};

TEST_P(IssuanceCommitterTest, EightIssuersEachReturnOnlyWhenTheirCertificateIsCommitted) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  IssuanceCommitter committer(OpenStore());
  constexpr int kThreads = 8, kEach = 20;
  std::vector<std::vector<std::string>> serials(kThreads);
  std::atomic<int> failures{0}, missing{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto reader = OpenStore();  // each issuer checks on its own connection
      for (int i = 0; i < kEach; ++i) {
        const IssuedCert c = Sign("issuer" + std::to_string(t) + "-" + std::to_string(i));
        if (!committer.Record(c, "issuer-" + std::to_string(t)).ok()) ++failures;
        // Committed, so visible to any other connection at once.
        auto found = reader->Find(CaKind::kAuth, c.serial_hex);
        if (!found.ok() || !*found) ++missing;
        serials[t].push_back(c.serial_hex);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(missing, 0);
  const auto stats = committer.stats();
  EXPECT_EQ(stats.records, kThreads * kEach);
  EXPECT_GE(stats.commits, 1);
  EXPECT_LE(stats.commits, kThreads * kEach);
  // One event per certificate, numbered 1..N without a gap, each naming its own issuer.
  auto events = store->Events(0, 10 * kThreads * kEach);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> seen;
  for (size_t i = 0; i < events->size(); ++i) {
    const CaEvent& e = (*events)[i];
    EXPECT_EQ(e.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(e.action, "issue");
    EXPECT_EQ(e.actor, "issuer-" + e.note.substr(6, e.note.find('-') - 6)) << e.note;
    seen.insert(e.serial_hex);
  }
  for (const auto& per : serials)
    for (const auto& s : per) EXPECT_TRUE(seen.count(s)) << s;
}

TEST_P(IssuanceCommitterTest, CallersQueuedBehindACommitShareTheNextOne) {
  IssuanceCommitter* self = nullptr;
  IssuanceCommitter committer(OpenStore(), HoldFirstGroupUntil(&self, 8));
  self = &committer;
  std::vector<IssuedCert> certs;
  for (int i = 0; i < 8; ++i) certs.push_back(Sign("queued-" + std::to_string(i)));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] { failures += !committer.Record(certs[0], "first").ok(); });
  while (committer.queued() == 0) std::this_thread::yield();
  for (int i = 1; i < 8; ++i) {
    threads.emplace_back([&, i] { failures += !committer.Record(certs[i], "queued").ok(); });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  // The first alone, the seven that queued meanwhile in one transaction.
  EXPECT_EQ(committer.stats().records, 8);
  EXPECT_EQ(committer.stats().commits, 2);
}

// Issuers alternate between signing and waiting: a leader that finds fewer callers queued than
// its predecessor committed waits for them (max_delay), instead of committing alone and leaving
// them a commit of their own.
TEST_P(IssuanceCommitterTest, ALeaderWaitsForAsManyCallersAsTheLastGroupHad) {
  IssuanceCommitter* self = nullptr;
  IssuanceCommitterOptions options = HoldFirstGroupUntil(&self, 5);
  options.max_delay = std::chrono::seconds(20);  // only the callers' arrival ends the wait
  IssuanceCommitter committer(OpenStore(), options);
  self = &committer;
  std::vector<IssuedCert> certs;
  for (int i = 0; i < 9; ++i) certs.push_back(Sign("wave-" + std::to_string(i)));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  auto record = [&](int i) {
    threads.emplace_back([&, i] { failures += !committer.Record(certs[i], "w").ok(); });
  };
  // First wave: one alone (held in its commit), four queued behind it: a group of four.
  record(0);
  while (committer.queued() == 0) std::this_thread::yield();
  for (int i = 1; i < 5; ++i) record(i);
  while (committer.stats().records < 5) std::this_thread::yield();
  // Second wave, one by one: the first to come leads and waits for three more.
  for (int i = 5; i < 9; ++i) {
    record(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(committer.stats().records, 9);
  EXPECT_EQ(committer.stats().commits, 3);  // 1, 4, 4 — without the wait: 1, 4, 1, 1, 1, 1
}

TEST_P(IssuanceCommitterTest, ADuplicateSerialInAGroupFailsOnlyItsOwnCaller) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  const IssuedCert dup = Sign("already");
  ASSERT_TRUE(store->RecordIssued(dup, "earlier").ok());
  IssuanceCommitter* self = nullptr;
  IssuanceCommitter committer(OpenStore(), HoldFirstGroupUntil(&self, 4));
  self = &committer;
  const IssuedCert first = Sign("first"), a = Sign("a"), b = Sign("b");
  Status s_first, s_a, s_b, s_dup;
  std::thread t0([&] { s_first = committer.Record(first, "x"); });
  while (committer.queued() == 0) std::this_thread::yield();
  std::thread t1([&] { s_a = committer.Record(a, "x"); });
  std::thread t2([&] { s_dup = committer.Record(dup, "x"); });
  std::thread t3([&] { s_b = committer.Record(b, "x"); });
  for (std::thread* t : {&t0, &t1, &t2, &t3}) t->join();
  EXPECT_TRUE(s_first.ok());
  EXPECT_TRUE(s_a.ok()) << s_a.error().ToString();
  EXPECT_TRUE(s_b.ok()) << s_b.error().ToString();
  ASSERT_FALSE(s_dup.ok());
  EXPECT_EQ(s_dup.error().code, ErrorCode::kFailedPrecondition) << s_dup.error().ToString();
  EXPECT_EQ(committer.stats().records, 3);
  // The group of three failed as a whole, then its two good rows committed one by one.
  EXPECT_EQ(committer.stats().commits, 3);
  auto events = store->Events(0, 100);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 4u);  // the earlier one, first, a, b: nothing of the duplicate
  auto kept = store->Find(CaKind::kAuth, dup.serial_hex);
  ASSERT_TRUE(kept.ok() && *kept);
  EXPECT_EQ((*kept)->subject_cn, "already");
}

INSTANTIATE_TEST_SUITE_P(Engines, IssuanceCommitterTest,
                         ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::pki
