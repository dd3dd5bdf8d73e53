// Staff accounts (issue 14): wrong passwords lock a name for one address only, unknown names are
// indistinguishable from known ones, names are bounded, hashing is bounded.
#include "staff/staff.h"

#include <gtest/gtest.h>

#include "store/testing.h"

#include <atomic>
#include <thread>
#include <vector>

namespace mynacert::staff {
namespace {

// Accounts, sessions and lockouts live in the database: on both engines.
class StaffStoreTest : public store::testing::EngineTest {
 protected:
  std::unique_ptr<StaffStore> Open(int parallel_hashes = 0) {
    auto s = StaffStore::Open(locator(), StaffOptions{parallel_hashes});
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return std::move(s).value();
  }
};

TEST_P(StaffStoreTest, AStrangerCannotLockAClerkOut) {
  auto staff = Open();
  ASSERT_TRUE(staff->AddStaff("supervisor", "supervisor", "a long enough password", 0).ok());
  for (int i = 0; i < kMaxFailedLogins; ++i) {
    auto r = staff->Login("supervisor", "guess", "203.0.113.9", 100);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }
  // The stranger's address is locked out, even with the right password…
  auto locked = staff->Login("supervisor", "a long enough password", "203.0.113.9", 101);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(locked.error().retry_after_seconds, kLockSeconds - 1);
  // …the supervisor at the counter is not.
  auto ok = staff->Login("supervisor", "a long enough password", "192.0.2.10", 101);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->role, "supervisor");
  EXPECT_TRUE(staff->Check(ok->token, 102).ok());
  // The lock ends after 15 minutes.
  EXPECT_TRUE(staff->Login("supervisor", "a long enough password", "203.0.113.9", 100 + kLockSeconds + 1).ok());
}

TEST_P(StaffStoreTest, UnknownNamesAreAnsweredLikeKnownOnes) {
  auto staff = Open();
  ASSERT_TRUE(staff->AddStaff("sato", "clerk", "a long enough password", 0).ok());
  for (int i = 0; i < kMaxFailedLogins; ++i) {
    auto known = staff->Login("sato", "guess", "203.0.113.9", 100);
    auto unknown = staff->Login("satou", "guess", "203.0.113.9", 100);
    ASSERT_FALSE(known.ok());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(known.error().ToString(), unknown.error().ToString());
  }
  auto known = staff->Login("sato", "guess", "203.0.113.9", 100);
  auto unknown = staff->Login("satou", "guess", "203.0.113.9", 100);
  EXPECT_EQ(known.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(known.error().ToString(), unknown.error().ToString());
}

TEST_P(StaffStoreTest, NamesAreBounded) {
  auto staff = Open();
  auto r = staff->Login(std::string(65, 'a'), "x", "192.0.2.1", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "name");
  EXPECT_FALSE(staff->AddStaff(std::string(65, 'a'), "clerk", "a long enough password", 0).ok());
  Status s = staff->AddStaff("x", "clerk", "short", 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "password");
}

TEST_P(StaffStoreTest, ANewPasswordEndsSessionsAndLocks) {
  auto staff = Open();
  ASSERT_TRUE(staff->AddStaff("sato", "clerk", "a long enough password", 0).ok());
  auto session = staff->Login("sato", "a long enough password", "192.0.2.1", 10);
  ASSERT_TRUE(session.ok());
  for (int i = 0; i < kMaxFailedLogins; ++i) (void)staff->Login("sato", "guess", "203.0.113.9", 10);
  ASSERT_TRUE(staff->AddStaff("sato", "clerk", "another long password", 20).ok());
  EXPECT_FALSE(staff->Check(session->token, 21).ok());
  EXPECT_TRUE(staff->Login("sato", "another long password", "203.0.113.9", 21).ok());
}

// At most `parallel_hashes` scrypt hashes at once: the others are told to come back, at once.
TEST_P(StaffStoreTest, HashingIsBounded) {
  auto staff = Open(1);
  ASSERT_TRUE(staff->AddStaff("sato", "clerk", "a long enough password", 0).ok());
  std::atomic<int> busy{0}, answered{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = staff->Login("sato", "guess", "192.0.2." + std::to_string(i), 0);
      ++answered;
      if (!r.ok() && r.error().code == ErrorCode::kResourceExhausted && r.error().field.empty()) {
        EXPECT_EQ(r.error().retry_after_seconds, 1);
        ++busy;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), 8);
  EXPECT_GE(busy.load(), 1);  // 8 at once on one hashing slot: some were turned away
}

TEST(Passwords, ScryptHashesOnly) {
  auto h = HashPassword("correct horse battery");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("scrypt$32768$8$1$", 0), 0u);
  EXPECT_TRUE(CheckPassword("correct horse battery", *h));
  EXPECT_FALSE(CheckPassword("correct horse batterY", *h));
  EXPECT_FALSE(CheckPassword("x", "scrypt$zz$8$1$00$00"));  // a hand-edited hash: no exception
}

INSTANTIATE_TEST_SUITE_P(Engines, StaffStoreTest, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::staff
