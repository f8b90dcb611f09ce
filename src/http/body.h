#ifndef RIVULET_HTTP_BODY_H_
#define RIVULET_HTTP_BODY_H_

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/limits.h"
#include "http/message.h"

// Request-body and query decoding shared by every face. Include only from .cc files of
// faces: it brings Boost.JSON.
namespace rivulet::http {

// Decodes the body by its Content-Type into JSON: application/json (depth-limited),
// application/x-www-form-urlencoded and multipart/form-data (PHP bracket semantics, values
// as strings). An empty body is an empty object. Unknown types are kUnsupportedMedia.
core::Result<boost::json::value> ParseBody(const Request& request, const Limits& limits);
// Whether ParseBody reads a body of this Content-Type (possibly empty) as JSON.
bool IsJsonContentType(std::string_view content_type);

// The query string as a JSON object with the same bracket rules as forms; repeated plain
// keys ("status=A&status=B") become arrays.
core::Result<boost::json::object> ParseQuery(std::string_view query, const Limits& limits);

// Serializes v.
std::string ToJson(const boost::json::value& v);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_BODY_H_
