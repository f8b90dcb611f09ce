#include "api/native/native_api.h"
#include "http/dispatcher.h"

namespace rivulet::api::native {

const http::Face& NativeFace() {
  static const http::Face face{
      .name = "native",
      .prefix = "/v1",
      .auth = http::AuthScheme::kAny,
      .workspace_header = "X-Rivulet-Workspace",
      .workspace_header_required = false,
      .render_error = http::NativeError,
  };
  return face;
}

}  // namespace rivulet::api::native
