#include "server/rate_limit.h"

#include <gtest/gtest.h>

namespace mynacert::server {
namespace {

using std::chrono::seconds;

TEST(RateLimiter, ABurstThenOneTokenPerInterval) {
  RateLimiter limiter;
  const RateLimit limit{3, 6};  // 3 at once, then one every 10 s
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("booking", "192.0.2.1", limit, t0), 0);
  EXPECT_EQ(limiter.Take("booking", "192.0.2.1", limit, t0), 10);
  EXPECT_EQ(limiter.Take("booking", "192.0.2.2", limit, t0), 0);  // another address
  EXPECT_EQ(limiter.Take("lookup", "192.0.2.1", limit, t0), 0);   // another class
  EXPECT_EQ(limiter.Take("booking", "192.0.2.1", limit, t0 + seconds(4)), 6);
  EXPECT_EQ(limiter.Take("booking", "192.0.2.1", limit, t0 + seconds(10)), 0);
  EXPECT_GT(limiter.Take("booking", "192.0.2.1", limit, t0 + seconds(10)), 0);
  // Never more than the burst, however long the caller was quiet.
  const auto later = t0 + std::chrono::hours(5);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("booking", "192.0.2.1", limit, later), 0);
  EXPECT_GT(limiter.Take("booking", "192.0.2.1", limit, later), 0);
  EXPECT_EQ(limiter.Take("booking", "x", RateLimit{}, t0), 0);  // unlimited
}

TEST(RateLimiter, MadeUpKeysCannotGrowItWithoutBound) {
  RateLimiter limiter(1000);
  const RateLimit limit{2, 1};
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  for (int i = 0; i < 100000; ++i) (void)limiter.Take("login", "10.0." + std::to_string(i), limit, t0);
  EXPECT_LE(limiter.size(), 1000u);
}

TEST(RateLimit, ParsesBurstPerMinute) {
  auto r = ParseRateLimit("5/10", "limit_booking");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->burst, 5);
  EXPECT_EQ(r->per_minute, 10);
  EXPECT_EQ(ParseRateLimit("off", "x")->burst, 0);
  for (const char* bad : {"", "5", "5/", "/5", "-1/5", "5/0", "a/b", "5/10x"}) {
    auto e = ParseRateLimit(bad, "limit_booking");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().field, "limit_booking");
  }
}

}  // namespace
}  // namespace mynacert::server
