#ifndef RIVULET_DELIVERY_CURL_MULTI_POOL_H_
#define RIVULET_DELIVERY_CURL_MULTI_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "delivery/curl_multi.h"

namespace rivulet::delivery {

// Calls curl_global_init once per process; every user of libcurl calls this first.
void EnsureCurlGlobalInit();

// Keeps one CurlMulti per (calling thread, key), so that consecutive batches on one thread to
// the same peer reuse its live connections, and connections made under different keys (e.g.
// different SMTP credentials or TLS settings) are never shared. A CurlMulti is only ever used
// by the thread that acquired it; thread ids are unique among live threads, so a new thread
// that inherits a dead thread's id may safely take over its multis.
//
// Each thread keeps at most `per_thread` multis; the least recently used one is closed beyond
// that. The pool owns them and closes them (and their connections) when destroyed; no
// transfer may run then. Thread-safe otherwise.
class CurlMultiPool {
 public:
  CurlMultiPool(size_t max_in_flight, size_t per_thread = 8);
  ~CurlMultiPool();
  CurlMultiPool(const CurlMultiPool&) = delete;
  CurlMultiPool& operator=(const CurlMultiPool&) = delete;

  // The calling thread's multi for key, created with max_in_flight on first use. Valid until
  // this thread's next Acquire.
  CurlMulti& Acquire(const std::string& key);

 private:
  struct Entry {
    std::string key;
    std::unique_ptr<CurlMulti> multi;
    uint64_t last_used;
  };

  const size_t max_in_flight_;
  const size_t per_thread_;
  std::mutex mu_;
  uint64_t tick_ = 0;
  std::unordered_map<std::thread::id, std::vector<Entry>> by_thread_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_CURL_MULTI_POOL_H_
