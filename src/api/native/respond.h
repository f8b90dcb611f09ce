#ifndef RIVULET_API_NATIVE_RESPOND_H_
#define RIVULET_API_NATIVE_RESPOND_H_

#include <boost/json/value.hpp>

#include "core/status.h"
#include "http/dispatcher.h"
#include "http/message.h"

namespace rivulet::api::native {

// Native JSON bodies end with a newline, so that curl output in a terminal stays readable.
inline http::Response JsonResponse(int status, const boost::json::value& v) {
  return http::Response::Json(status, boost::json::serialize(v) + "\n");
}

inline http::Response ErrorResponse(const core::Status& st, const http::Request& req) {
  return http::NativeError(st, req);
}

}  // namespace rivulet::api::native

#endif  // RIVULET_API_NATIVE_RESPOND_H_
