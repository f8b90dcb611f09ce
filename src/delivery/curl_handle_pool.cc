#include "delivery/curl_handle_pool.h"

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

CurlHandlePool::CurlHandlePool(size_t per_thread) : per_thread_(std::max<size_t>(per_thread, 1)) {
  EnsureCurlGlobalInit();
}

CurlHandlePool::~CurlHandlePool() {
  for (auto& [thread, entries] : by_thread_) {
    for (Entry& e : entries) curl_easy_cleanup(e.handle);
  }
}

CURL* CurlHandlePool::Acquire(const std::string& key) {
  CURL* handle = nullptr;
  CURL* evicted = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Entry>& entries = by_thread_[std::this_thread::get_id()];
    ++tick_;
    for (Entry& e : entries) {
      if (e.key == key) {
        e.last_used = tick_;
        handle = e.handle;
        break;
      }
    }
    if (handle == nullptr) {
      if (entries.size() >= per_thread_) {
        auto oldest = std::min_element(
            entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
        evicted = oldest->handle;
        entries.erase(oldest);
      }
      handle = curl_easy_init();
      if (handle == nullptr) {
        std::fprintf(stderr, "rivulet: curl_easy_init failed\n");
        std::abort();
      }
      entries.push_back(Entry{key, handle, tick_});
    }
  }
  // Closing may talk to the peer (SMTP QUIT): never under the lock.
  if (evicted != nullptr) curl_easy_cleanup(evicted);
  curl_easy_reset(handle);
  return handle;
}

}  // namespace rivulet::delivery
