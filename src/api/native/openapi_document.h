#ifndef RIVULET_API_NATIVE_OPENAPI_DOCUMENT_H_
#define RIVULET_API_NATIVE_OPENAPI_DOCUMENT_H_
#include <string_view>
namespace rivulet::api::native {
inline constexpr std::string_view kOpenApiDocument = R"json({"openapi":"3.0.3","info":{"title":"Rivulet native API","version":"0.1.0"},"paths":{}})json";
}
#endif
