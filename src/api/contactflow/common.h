#ifndef RIVULET_API_CONTACTFLOW_COMMON_H_
#define RIVULET_API_CONTACTFLOW_COMMON_H_

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/json_input.h"
#include "api/services.h"
#include "core/status.h"
#include "http/message.h"
#include "http/router.h"

// Shared by the Contactflow face's route files (include from .cc files only: Boost.JSON).
namespace rivulet::api::contactflow {

namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

// The face's error envelope, with a fresh logref that is also written to the log.
Response ErrorResponse(const core::Status& status, const http::Request& request);

// What an asynchronous handler keeps of its request to render an error later.
http::Request Meta(const http::Request& request);

Response JsonResponse(int status, const json::value& body);

// The request body as a JSON object (application/json; an empty body is an error).
core::Result<json::object> ReadBody(const Call& call, const http::Limits& limits);
// The query string as an object (repeated keys are arrays).
core::Result<json::object> ReadQuery(const Call& call, const http::Limits& limits);

// A path parameter that must be a uuid (lowercased), else InvalidArgument naming it.
core::Result<std::string> UuidParam(const Call& call, const std::string& name);

// page (0-based, default 0) and size (1..1000, default 20).
struct PageRequest {
  int64_t page = 0;
  int64_t size = 20;
};
core::Result<PageRequest> ReadPage(const FieldReader& query);
// {"page":{"size","totalElements","totalPages","number"},"elements":[…]}.
json::object PageJson(json::array elements, int64_t total, const PageRequest& p);

// A query value that may be given repeated or comma-separated: the list of its items.
core::Result<std::vector<std::string>> ListParam(const FieldReader& query, std::string_view key);
// A date-time query parameter.
core::Result<std::optional<core::Millis>> TimeParam(const FieldReader& query, std::string_view key);
// "2019-08-24T14:15:22Z" (UTC, seconds), or null.
json::value Time(std::optional<core::Millis> t);

using SyncHandler = std::function<core::Result<Response>(const Call&)>;
using AsyncHandler = std::function<void(const Call&, Respond)>;

// Route registration for this face: a disabled node (PATCH active=false) is not usable, and
// errors of synchronous handlers are rendered in the face's envelope.
void AddSync(http::Router& router, std::string method, std::string pattern, SyncHandler fn,
             http::RouteOptions options = {});
void AddAsync(http::Router& router, std::string method, std::string pattern, AsyncHandler fn,
              http::RouteOptions options = {});

// Route options for routes that do not take the Node header.
inline http::RouteOptions NoNode() {
  http::RouteOptions o;
  o.needs_workspace = false;
  return o;
}

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_COMMON_H_
