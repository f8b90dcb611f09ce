#ifndef RIVULET_DELIVERY_CURL_MULTI_H_
#define RIVULET_DELIVERY_CURL_MULTI_H_

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <vector>

namespace rivulet::delivery {

// Runs many libcurl transfers at once on the calling thread over one multi handle
// (curl_multi_*), so one thread keeps many requests in flight instead of blocking on each.
// The connections its transfers open stay in the multi handle's connection cache and later
// transfers to the same peer reuse them (libcurl closes connections idle for more than
// 118 s); a transfer never shares a connection with another one still in flight (HTTP/1.1 and
// SMTP carry one exchange at a time), so the number of connections to a peer is at most
// max_in_flight.
//
// Not thread-safe: one thread at a time, which is how CurlMultiPool hands them out.
// Destroying it closes its connections (SMTP connections say QUIT); no Run may be active then.
class CurlMulti {
 public:
  explicit CurlMulti(size_t max_in_flight);
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Configures transfer i on `easy` (a handle with every option at its default).
  using Setup = std::function<void(size_t i, CURL* easy)>;
  // Transfer i ended with rc; `easy` still answers curl_easy_getinfo. The handle is reused
  // afterwards: the callee must not keep it, nor leave it pointers it will free.
  using Finished = std::function<void(size_t i, CURL* easy, CURLcode rc)>;
  // Called after each round of the loop in which at least one transfer finished, once the
  // round's Finished calls were made (lets the caller act on completions in groups).
  using RoundEnd = std::function<void()>;

  // Runs transfers 0..n-1, at most max_in_flight at once, in index order of starting;
  // returns when every one has finished. Each transfer's own timeouts (CURLOPT_TIMEOUT_MS,
  // CURLOPT_CONNECTTIMEOUT_MS) bound it from the moment it starts.
  void Run(size_t n, const Setup& setup, const Finished& finished, const RoundEnd& round_end);

  size_t max_in_flight() const { return max_in_flight_; }

 private:
  CURL* TakeHandle();

  const size_t max_in_flight_;
  CURLM* multi_;
  std::vector<CURL*> spare_;  // easy handles not in a transfer, reset before reuse
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_CURL_MULTI_H_
