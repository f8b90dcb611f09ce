#ifndef RIVULET_TEST_FUZZ_FUZZ_UTIL_H_
#define RIVULET_TEST_FUZZ_FUZZ_UTIL_H_

// Helpers shared by the libFuzzer targets in this folder.

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "http/body.h"
#include "http/limits.h"
#include "http/message.h"

namespace rivulet::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Decodes text as a JSON request body the way every face does (http::ParseBody with the
// default limits), or nullopt when the server would reject it.
inline std::optional<boost::json::value> JsonBody(std::string_view text) {
  http::Request req;
  req.method = "POST";
  req.headers.Add("Content-Type", "application/json");
  req.body = std::string(text);
  auto v = http::ParseBody(req, http::Limits{});
  if (!v.ok()) return std::nullopt;
  return std::move(v).value();
}

// A broken invariant: print what and abort, so that libFuzzer keeps the input.
[[noreturn]] inline void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace rivulet::fuzz

#endif  // RIVULET_TEST_FUZZ_FUZZ_UTIL_H_
