#ifndef RIVULET_HTTP_AUTH_LIMITER_H_
#define RIVULET_HTTP_AUTH_LIMITER_H_

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace rivulet::http {

// Slows down credential guessing: counts failed authentications per client id (an OAuth
// client_id, a PublicKey) and per remote address in fixed windows, and refuses further
// attempts of a key that reached its limit until its window ends. Only failures count, so
// a busy legitimate client is never limited. Memory is bounded: at most max_keys keys are
// tracked (expired ones are dropped first, then arbitrary ones). Thread-safe.
class AuthLimiter {
 public:
  struct Options {
    int per_client = 20;    // failures per window per client id; 0: unlimited
    int per_address = 100;  // failures per window per remote address; 0: unlimited
    core::Millis window = 60'000;
    size_t max_keys = 100'000;
  };

  AuthLimiter(const core::Clock& clock, Options options);

  // Seconds until an attempt by this client from this address may be tried, when either has
  // used up its failures; nullopt when it may be tried now. Empty client or address: not
  // checked.
  std::optional<int> RetryAfter(std::string_view client, std::string_view address);

  // Counts one failed attempt against both keys.
  void RecordFailure(std::string_view client, std::string_view address);

  size_t tracked_keys();

 private:
  struct Window {
    core::Millis start = 0;
    int failures = 0;
  };

  std::optional<int> Blocked(const std::string& key, int limit, core::Millis now);
  void Count(std::string key, core::Millis now);

  const core::Clock& clock_;
  const Options options_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_AUTH_LIMITER_H_
