#include "delivery/curl_multi_pool.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace rivulet::delivery {

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      std::fprintf(stderr, "rivulet: curl_global_init failed\n");
      std::abort();
    }
  });
}

CurlMultiPool::CurlMultiPool(size_t max_in_flight, size_t per_thread)
    : max_in_flight_(max_in_flight), per_thread_(std::max<size_t>(per_thread, 1)) {
  EnsureCurlGlobalInit();
}

CurlMultiPool::~CurlMultiPool() = default;

CurlMulti& CurlMultiPool::Acquire(const std::string& key) {
  std::unique_ptr<CurlMulti> evicted;
  CurlMulti* multi = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Entry>& entries = by_thread_[std::this_thread::get_id()];
    ++tick_;
    for (Entry& e : entries) {
      if (e.key == key) {
        e.last_used = tick_;
        multi = e.multi.get();
        break;
      }
    }
    if (multi == nullptr) {
      if (entries.size() >= per_thread_) {
        auto oldest = std::min_element(
            entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
        evicted = std::move(oldest->multi);
        entries.erase(oldest);
      }
      entries.push_back(Entry{key, std::make_unique<CurlMulti>(max_in_flight_), tick_});
      multi = entries.back().multi.get();
    }
  }
  // Closing may talk to the peer (SMTP QUIT): never under the lock (evicted dies here).
  evicted.reset();
  return *multi;
}

}  // namespace rivulet::delivery
