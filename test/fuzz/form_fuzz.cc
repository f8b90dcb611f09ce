// Fuzzes the urlencoded form and query parsers and the PHP-bracket mapping to JSON
// (http::ParseUrlEncoded, http::FieldsToJson, http::ParseQuery, http::ParseBody).
#include <boost/json.hpp>

#include "fuzz/fuzz_util.h"
#include "http/form.h"
#include "http/form_json.h"

using namespace rivulet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  http::FormLimits limits;
  auto fields = http::ParseUrlEncoded(text, limits);
  if (fields.ok()) {
    if (fields->size() > limits.max_fields) fuzz::Fail("more fields than max_fields", text);
    for (const auto& f : *fields) {
      if (!http::IsValidUtf8(f.name) || !http::IsValidUtf8(f.value)) {
        fuzz::Fail("a parsed field is not UTF-8", text);
      }
    }
    auto v = http::FieldsToJson(*fields, limits);
    if (v.ok()) {
      if (!v->is_object()) fuzz::Fail("form JSON is not an object", text);
      // What the parsers produce must serialize and parse back unchanged.
      std::string s = boost::json::serialize(*v);
      if (boost::json::parse(s) != *v) fuzz::Fail("form JSON does not round-trip", text);
    }
  }
  (void)http::ParseQuery(text, http::Limits{});
  (void)http::PercentDecode(text, true);
  http::Request req;
  req.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  req.body = std::string(text);
  (void)http::ParseBody(req, http::Limits{});
  return 0;
}
