#ifndef RIVULET_DELIVERY_CURL_HANDLE_POOL_H_
#define RIVULET_DELIVERY_CURL_HANDLE_POOL_H_

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace rivulet::delivery {

// Calls curl_global_init once per process; every user of libcurl calls this first.
void EnsureCurlGlobalInit();

// Keeps libcurl easy handles per (calling thread, key) so that consecutive transfers on one
// thread to the same peer reuse the handle and with it the live connection (libcurl keeps a
// connection cache per easy handle). A handle is only ever used by the thread that acquired
// it, so no two transfers share one; thread ids are unique among live threads, so a new
// thread that inherits a dead thread's id may safely take over its handles.
//
// Each thread keeps at most `per_thread` handles; the least recently used one is closed
// beyond that. The pool owns the handles and closes them (and their connections, which for
// SMTP sends QUIT) when destroyed; no transfer may run on it then. Thread-safe otherwise.
class CurlHandlePool {
 public:
  explicit CurlHandlePool(size_t per_thread = 8);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  // The calling thread's handle for key, with every option back at its default
  // (curl_easy_reset keeps live connections, the DNS and TLS session caches). Never null
  // (aborts if libcurl cannot allocate). Valid until this thread's next Acquire.
  CURL* Acquire(const std::string& key);

 private:
  struct Entry {
    std::string key;
    CURL* handle;
    uint64_t last_used;
  };

  const size_t per_thread_;
  std::mutex mu_;
  uint64_t tick_ = 0;
  std::unordered_map<std::thread::id, std::vector<Entry>> by_thread_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_CURL_HANDLE_POOL_H_
