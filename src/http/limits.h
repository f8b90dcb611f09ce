#ifndef RIVULET_HTTP_LIMITS_H_
#define RIVULET_HTTP_LIMITS_H_

#include <cstddef>

namespace rivulet::http {

// Bounds on everything a client sends. All configurable (see `rivulet serve --help`).
struct Limits {
  size_t max_body_bytes = 1 << 20;  // per request; routes may raise it (batch imports)
  size_t max_header_bytes = 16 * 1024;
  int max_json_depth = 32;
  size_t max_form_fields = 1000;
  int read_timeout_seconds = 30;  // to receive a whole request once it has started
  int idle_timeout_seconds = 60;  // keep-alive connection with no request
  int handler_timeout_seconds = 60;
};

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_LIMITS_H_
