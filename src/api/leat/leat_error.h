#ifndef RIVULET_API_LEAT_LEAT_ERROR_H_
#define RIVULET_API_LEAT_LEAT_ERROR_H_

#include "core/status.h"
#include "http/message.h"

// Leat's error envelope, the one place where a Status becomes a Leat error:
//   {"status_code": <HTTP status>, "code": <Leat code>, "message": "…",
//    "errors": {"<field>": ["…"]}}
// (the Leat PHP client recognises an error only when status_code, code and message are all
// present). Mapping, as a Laravel API would answer:
//   InvalidArgument                     422  1003  "Invalid input."   errors: one per field
//   NotFound with field "contact"       404  55031 "Contact not found."
//   NotFound with field "automation"    404  60013 "Model not found."
//   NotFound otherwise (no endpoint)    404  404   "Not found."
//   Unauthenticated                     401  401   "Unauthenticated."
//   every other code: its HTTP status (405 for a wrong method), that number as "code", and
//   the Status message.
namespace rivulet::api::leat {

inline constexpr int kInvalidInput = 1003;
inline constexpr int kContactNotFound = 55031;
inline constexpr int kModelNotFound = 60013;

// The field details that mark which object a NotFound is about (set by the engine's
// Automations::EnrollExisting and by this face).
inline constexpr const char* kContactField = "contact";
inline constexpr const char* kAutomationField = "automation";

http::Response LeatError(const core::Status& status, const http::Request& request);

}  // namespace rivulet::api::leat

#endif  // RIVULET_API_LEAT_LEAT_ERROR_H_
