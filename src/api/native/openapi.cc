#include "api/native/native_api.h"
#include "api/native/openapi_document.h"

namespace rivulet::api::native {

void RegisterOpenApiRoute(http::Router& router) {
  router.Add(&NativeFace(), "GET", "/v1/openapi.json", http::Sync([](const http::Call&) {
    return http::Response::Json(200, std::string(kOpenApiDocument));
  }), http::RouteOptions{.public_route = true, .needs_workspace = false});
}

}  // namespace rivulet::api::native
