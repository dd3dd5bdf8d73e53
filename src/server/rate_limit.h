// Per-caller rate limits (issue 14): a token bucket per (limit class, key), where the key is the
// caller's address or, for bookings, the booker. A bucket holds up to `burst` tokens and gains
// `per_minute` a minute; a request takes one, or is refused with the seconds until the next.
//
// Memory is bounded: past `max_keys` buckets, the full ones (callers quiet long enough to have
// refilled) are dropped first, then the oldest; a flood of made-up keys can only make the
// limiter forget, never grow without bound.
//
// Thread-safety: Take may be called from any thread.
#ifndef MYNACERT_SERVER_RATE_LIMIT_H_
#define MYNACERT_SERVER_RATE_LIMIT_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

namespace mynacert::server {

struct RateLimit {
  int burst = 0;          // 0: unlimited
  double per_minute = 0;  // tokens regained a minute
};

// "5/10" → burst 5, 10 a minute; "0" or "off" → unlimited. Errors name `field`.
Result<RateLimit> ParseRateLimit(std::string_view text, std::string_view field);

class RateLimiter {
 public:
  explicit RateLimiter(size_t max_keys = 100000) : max_keys_(max_keys) {}
  // 0 when allowed (a token taken), else the whole seconds (≥ 1) until one is available.
  int64_t Take(std::string_view limit_class, std::string_view key, const RateLimit& limit,
               std::chrono::system_clock::time_point now);
  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::system_clock::time_point at;
    double per_second = 0;
    int burst = 0;
  };
  void Prune(std::chrono::system_clock::time_point now);

  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace mynacert::server

#endif  // MYNACERT_SERVER_RATE_LIMIT_H_
