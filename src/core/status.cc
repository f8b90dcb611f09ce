#include "core/status.h"

namespace rivulet::core {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kPayloadTooLarge: return "payload_too_large";
    case Code::kUnsupportedMedia: return "unsupported_media_type";
    case Code::kResourceExhausted: return "resource_exhausted";
    case Code::kUnavailable: return "unavailable";
    case Code::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s = std::string(CodeName(code_)) + ": " + message_;
  for (const auto& [path, msg] : fields_) s += " [" + path + ": " + msg + "]";
  return s;
}

}  // namespace rivulet::core
