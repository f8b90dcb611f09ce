#include "delivery/curl_multi.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "delivery/curl_multi_pool.h"

namespace rivulet::delivery {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "rivulet: %s failed\n", what);
  std::abort();
}

}  // namespace

CurlMulti::CurlMulti(size_t max_in_flight) : max_in_flight_(std::max<size_t>(max_in_flight, 1)) {
  EnsureCurlGlobalInit();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) Die("curl_multi_init");
  // Keep as many idle connections as transfers can run at once, so none is closed between
  // rounds (libcurl's default cache is 4 × the handles added).
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(max_in_flight_));
}

CurlMulti::~CurlMulti() {
  curl_multi_cleanup(multi_);  // closes the cached connections
  for (CURL* h : spare_) curl_easy_cleanup(h);
}

CURL* CurlMulti::TakeHandle() {
  if (spare_.empty()) {
    CURL* h = curl_easy_init();
    if (h == nullptr) Die("curl_easy_init");
    return h;
  }
  CURL* h = spare_.back();
  spare_.pop_back();
  curl_easy_reset(h);
  return h;
}

void CurlMulti::Run(size_t n, const Setup& setup, const Finished& finished,
                    const RoundEnd& round_end) {
  size_t next = 0;
  size_t in_flight = 0;
  while (next < n || in_flight > 0) {
    while (next < n && in_flight < max_in_flight_) {
      CURL* h = TakeHandle();
      setup(next, h);
      curl_easy_setopt(h, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<uintptr_t>(next)));
      if (curl_multi_add_handle(multi_, h) != CURLM_OK) Die("curl_multi_add_handle");
      ++next;
      ++in_flight;
    }
    int running = 0;
    curl_multi_perform(multi_, &running);
    size_t done = 0;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* h = msg->easy_handle;
      CURLcode rc = msg->data.result;
      void* priv = nullptr;
      curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
      finished(static_cast<size_t>(reinterpret_cast<uintptr_t>(priv)), h, rc);
      curl_multi_remove_handle(multi_, h);
      spare_.push_back(h);
      --in_flight;
      ++done;
    }
    if (done > 0) {
      if (round_end) round_end();
      continue;  // start more transfers before waiting
    }
    if (in_flight > 0) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
  }
}

}  // namespace rivulet::delivery
