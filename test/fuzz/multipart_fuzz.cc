// Fuzzes the multipart/form-data parser: the first line of the input is the Content-Type
// parameters after "multipart/form-data; " (so the boundary parser is fuzzed too), the rest
// is the body.
#include <boost/json.hpp>

#include "fuzz/fuzz_util.h"
#include "http/form.h"
#include "http/form_json.h"

using namespace rivulet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  size_t nl = text.find('\n');
  std::string_view params = text.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  std::string content_type = "multipart/form-data; " + std::string(params);
  http::FormLimits limits;
  limits.max_parts_bytes = 64 * 1024;
  auto boundary = http::MultipartBoundary(content_type);
  if (boundary.ok()) {
    if (boundary->empty() || boundary->size() > 70)
      fuzz::Fail("boundary out of RFC 2046 range", text);
    auto fields = http::ParseMultipart(body, *boundary, limits);
    if (fields.ok()) {
      size_t total = 0;
      for (const auto& f : *fields) {
        if (!http::IsValidUtf8(f.name)) fuzz::Fail("non-UTF-8 name", text);
        total += f.value.size();
      }
      if (fields->size() > limits.max_fields) fuzz::Fail("more parts than max_fields", text);
      if (total > limits.max_parts_bytes) fuzz::Fail("parts over max_parts_bytes", text);
      // Whatever the parts hold (a part with an empty filename may hold any bytes), the JSON
      // handed to the faces is valid: it serializes and parses back unchanged.
      auto v = http::FieldsToJson(*fields, limits);
      if (v.ok() && boost::json::parse(boost::json::serialize(*v)) != *v) {
        fuzz::Fail("multipart JSON does not round-trip", text);
      }
    }
  }
  http::Request req;
  req.headers.Add("Content-Type", content_type);
  req.body = std::string(body);
  (void)http::ParseBody(req, http::Limits{});
  return 0;
}
