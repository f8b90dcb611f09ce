#ifndef RIVULET_HTTP_DISPATCHER_H_
#define RIVULET_HTTP_DISPATCHER_H_

#include <functional>
#include <string>

#include "engine/accounts.h"
#include "http/auth_limiter.h"
#include "http/limits.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"

namespace rivulet::http {

// Turns a complete request into a response: routes it, authenticates it, resolves its
// workspace, runs the handler, renders errors in the owning face's envelope and records
// metrics. Thread-safe.
class Dispatcher {
 public:
  // auth_limiter (optional, outlives the dispatcher) refuses authentication attempts with a
  // 429 once a client id or remote address used up its failures.
  Dispatcher(const Router& router, engine::Accounts& accounts, Metrics& metrics, Limits limits,
             AuthLimiter* auth_limiter = nullptr)
      : router_(router),
        accounts_(accounts),
        metrics_(metrics),
        limits_(limits),
        auth_limiter_(auth_limiter) {}

  // The body limit for a request line, known once headers are read.
  size_t BodyLimitFor(std::string_view method, std::string_view target) const;

  // Calls respond exactly once, possibly on another thread.
  void Dispatch(Request request, Respond respond);

  // An error produced outside any handler (bad framing, oversized body), in the envelope
  // of the face that owns the path.
  Response ErrorFor(std::string_view target, const core::Status& status) const;

  const Limits& limits() const { return limits_; }
  Metrics& metrics() { return metrics_; }

 private:
  core::Status Authenticate(const Route& route, const Request& req, Call& call,
                            engine::Identity& identity);

  const Router& router_;
  engine::Accounts& accounts_;
  Metrics& metrics_;
  const Limits limits_;
  AuthLimiter* auth_limiter_;
};

// The default error rendering (the native envelope):
// {"error":{"code":"…","message":"…","fields":{…}}} with a matching HTTP status.
Response NativeError(const core::Status& status, const Request& request);
int HttpStatusFor(core::Code code);

// The error for an attempt refused by an AuthLimiter (kResourceExhausted, HTTP 429); the
// caller adds "Retry-After: <retry_after_seconds>".
core::Status TooManyAuthFailures(int retry_after_seconds);

// Splits "path?query". The path stays encoded (the router decodes it segment by segment);
// fails on bad escapes or encoded NUL bytes.
core::Status SplitTarget(std::string_view target, std::string* path, std::string* query);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_DISPATCHER_H_
