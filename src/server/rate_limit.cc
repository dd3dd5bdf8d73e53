#include "server/rate_limit.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace mynacert::server {

Result<RateLimit> ParseRateLimit(std::string_view text, std::string_view field) {
  if (text == "0" || text == "off") return RateLimit{};
  const auto bad = [&] {
    return InvalidArgument(std::string(field),
                           "BURST/PER_MINUTE の形で指定してください (e.g. 5/10: 5 at once, 10 a minute; 0 = off)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  RateLimit r;
  const std::string_view b = text.substr(0, slash), m = text.substr(slash + 1);
  if (std::from_chars(b.data(), b.data() + b.size(), r.burst).ptr != b.data() + b.size() || r.burst < 1 ||
      r.burst > 1000000) {
    return bad();
  }
  int per_minute = 0;
  if (std::from_chars(m.data(), m.data() + m.size(), per_minute).ptr != m.data() + m.size() || per_minute < 1 ||
      per_minute > 6000000) {
    return bad();
  }
  r.per_minute = per_minute;
  return r;
}

int64_t RateLimiter::Take(std::string_view limit_class, std::string_view key, const RateLimit& limit,
                          std::chrono::system_clock::time_point now) {
  if (limit.burst <= 0) return 0;
  std::string id;
  id.reserve(limit_class.size() + 1 + key.size());
  id.append(limit_class).append(1, '|').append(key);
  std::lock_guard lock(mu_);
  auto it = buckets_.find(id);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Prune(now);
    it = buckets_.emplace(std::move(id), Bucket{static_cast<double>(limit.burst), now, limit.per_minute / 60.0,
                                                limit.burst})
             .first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  if (elapsed > 0) {
    b.tokens = std::min<double>(limit.burst, b.tokens + elapsed * b.per_second);
    b.at = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  if (b.per_second <= 0) return 3600;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / b.per_second)));
}

void RateLimiter::Prune(std::chrono::system_clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.at).count();
    const bool full = it->second.tokens + elapsed * it->second.per_second >= it->second.burst;
    it = full ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < max_keys_) return;
  // Still full of active callers: forget the older half (they start again with a full bucket).
  std::vector<std::chrono::system_clock::time_point> times;
  times.reserve(buckets_.size());
  for (const auto& [k, b] : buckets_) times.push_back(b.at);
  auto mid = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), mid, times.end());
  const auto cut = *mid;
  for (auto it = buckets_.begin(); it != buckets_.end();) it = it->second.at <= cut ? buckets_.erase(it) : std::next(it);
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace mynacert::server
