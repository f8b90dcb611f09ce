#ifndef RIVULET_DELIVERY_HTTP_SENDER_H_
#define RIVULET_DELIVERY_HTTP_SENDER_H_

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "delivery/address_policy.h"
#include "delivery/curl_multi_pool.h"
#include "delivery/outcome.h"

namespace rivulet::delivery {

// One outbound HTTP call (a webhook, an SMS gateway request).
struct HttpRequest {
  std::string method = "POST";  // an upper-case token: GET, HEAD, POST, PUT, PATCH, DELETE...
  std::string url;              // http:// or https:// only
  // Names are RFC 9110 tokens, values hold no CR, LF or NUL. Content-Length and
  // Transfer-Encoding are libcurl's. Without a Content-Type none is sent (libcurl's
  // x-www-form-urlencoded default is removed); "Expect: 100-continue" is never sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent for POST, PUT, PATCH, and for other methods when non-empty
  // When set, an X-Rivulet-Signature header of body under this secret (webhook_signature.h)
  // is added as the transfer starts, so that its t is the moment of sending, however long
  // the request waited for its turn.
  std::string signing_secret;
  int connect_timeout_ms = 5000;
  int timeout_ms = 10000;  // the whole exchange
  size_t max_response_bytes = 64 * 1024;
};

class HttpSender {
 public:
  virtual ~HttpSender();
  // Never throws. Thread-safe in implementations.
  virtual Outcome Send(const HttpRequest& request) = 0;

  // Sends every request, concurrently where the implementation can, and reports outcomes as
  // they come: `done` is called on the calling thread with one or more completions at a time
  // (each request exactly once, in completion order; done may move the outcomes out) and
  // SendMany returns once all were reported. The default sends them one by one with Send
  // and reports each alone. Never throws (unless done does); thread-safe like Send.
  virtual void SendMany(std::span<const HttpRequest> requests,
                        const std::function<void(Completions&)>& done);
};

struct HttpSenderOptions {
  // Asked with each resolved address ("203.0.113.7", "2001:db8::1") before a new connection
  // is opened to it; false refuses it (kPermanent "address not allowed" when no address is
  // left). Called on the sending thread; must not throw (a throw counts as false). Empty:
  // every address is allowed. A reused connection was allowed when it was opened.
  std::function<bool(const std::string& ip)> allow_address;
  // Checked the same way, after allow_address; a refusal names the address and the reason
  // ("address not allowed: 127.0.0.1 is loopback ..."). Unset: no policy.
  std::optional<AddressPolicy> address_policy;
  std::string user_agent = "Rivulet";  // a User-Agent request header overrides it
  // Requests one SendMany call keeps in flight at once (each on its own connection), per
  // calling thread.
  size_t max_in_flight = 64;
};

// HttpSender over libcurl's multi interface: SendMany runs up to max_in_flight requests at
// once on the calling thread (decision 17). Redirects are not followed; proxies from the
// environment are ignored; each thread keeps its connections (up to max_in_flight, to any
// hosts) and reuses them for later requests to the same scheme://host:port (libcurl drops
// connections idle for more than 118 s).
//
// Outcomes, decided by the status whenever a status line arrived:
//   2xx                          kDelivered;
//   408, 425, 429, 5xx           kRetryable;
//   3xx                          kPermanent ("redirect not followed"; code = the status);
//   other 4xx (and 1xx)          kPermanent;
//   no status: refused address, bad URL or method, invalid header, certificate rejected
//   → kPermanent; connection refused, reset, closed without an answer, timeouts → kRetryable.
// The response body is kept up to max_response_bytes; a longer one is cut there, the
// transfer aborted (the connection closed) and response_truncated set.
// When libcurl reuses a connection that the peer closed without answering, it resends the
// request once on a new connection; receivers should de-duplicate by idempotency key anyway.
//
// Destroying the sender closes its connections; no Send may be running then.
class CurlHttpSender final : public HttpSender {
 public:
  explicit CurlHttpSender(HttpSenderOptions options = {});
  Outcome Send(const HttpRequest& request) override;  // SendMany of one
  void SendMany(std::span<const HttpRequest> requests,
                const std::function<void(Completions&)>& done) override;

  // The status mapping above (status != 0).
  static Outcome::Kind KindForStatus(long status);

 private:
  HttpSenderOptions options_;
  CurlMultiPool multis_;
};

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_HTTP_SENDER_H_
