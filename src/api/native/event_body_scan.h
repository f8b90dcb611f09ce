#ifndef RIVULET_API_NATIVE_EVENT_BODY_SCAN_H_
#define RIVULET_API_NATIVE_EVENT_BODY_SCAN_H_

#include <optional>
#include <string_view>

#include "engine/events.h"

// The fast path of POST /v1/events: one event in JSON, in the shape clients send, read in a
// single pass over the body without building a JSON tree and serializing its data again.
namespace rivulet::api::native {

// Gives exactly the EventInput that http::ParseBody followed by ParseEventInput would give
// for a JSON body, or nullopt when body is anything else. It declines everything those two
// would reject, so every error still comes from them. It also declines some bodies they
// would accept: a batch, null values, escaped strings, duplicate keys and deep nesting.
// max_depth is the body's JSON nesting limit (http::Limits::max_json_depth).
std::optional<engine::EventInput> ScanCommonEvent(std::string_view body, int max_depth);

}  // namespace rivulet::api::native

#endif  // RIVULET_API_NATIVE_EVENT_BODY_SCAN_H_
