#include "http/auth_limiter.h"

#include <algorithm>

namespace rivulet::http {

AuthLimiter::AuthLimiter(const core::Clock& clock, Options options)
    : clock_(clock), options_(options) {}

std::optional<int> AuthLimiter::Blocked(const std::string& key, int limit, core::Millis now) {
  if (limit <= 0) return std::nullopt;
  auto it = windows_.find(key);
  if (it == windows_.end()) return std::nullopt;
  const Window& w = it->second;
  if (now - w.start >= options_.window || w.failures < limit) return std::nullopt;
  core::Millis left = w.start + options_.window - now;
  return static_cast<int>(std::max<core::Millis>(1, (left + 999) / 1000));
}

std::optional<int> AuthLimiter::RetryAfter(std::string_view client, std::string_view address) {
  core::Millis now = clock_.Now();
  std::lock_guard lock(mu_);
  std::optional<int> wait;
  if (!client.empty()) wait = Blocked("c:" + std::string(client), options_.per_client, now);
  if (!address.empty()) {
    auto a = Blocked("a:" + std::string(address), options_.per_address, now);
    if (a && (!wait || *a > *wait)) wait = a;
  }
  return wait;
}

void AuthLimiter::Count(std::string key, core::Millis now) {
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.max_keys) {
      std::erase_if(windows_,
                    [&](const auto& kv) { return now - kv.second.start >= options_.window; });
      if (windows_.size() >= options_.max_keys) windows_.erase(windows_.begin());
    }
    it = windows_.emplace(std::move(key), Window{now, 0}).first;
  }
  Window& w = it->second;
  if (now - w.start >= options_.window) w = Window{now, 0};
  ++w.failures;
}

void AuthLimiter::RecordFailure(std::string_view client, std::string_view address) {
  core::Millis now = clock_.Now();
  std::lock_guard lock(mu_);
  if (!client.empty() && options_.per_client > 0) Count("c:" + std::string(client), now);
  if (!address.empty() && options_.per_address > 0) Count("a:" + std::string(address), now);
}

size_t AuthLimiter::tracked_keys() {
  std::lock_guard lock(mu_);
  return windows_.size();
}

}  // namespace rivulet::http
