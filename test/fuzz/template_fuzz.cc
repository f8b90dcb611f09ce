// Fuzzes the template compiler and renderer (core::Template) and the HTML-to-text converter:
// any source either fails to parse with a Status or renders within its output bound, with
// every escape mode, against a context shaped like the engine's.
#include <boost/json.hpp>

#include "core/template.h"
#include "fuzz/fuzz_util.h"
#include "http/form.h"

using namespace rivulet;

namespace {

const boost::json::object& Context() {
  static const boost::json::object ctx = boost::json::parse(R"({
    "contact": {"first_name": "Zoë & <Co>", "email": "a@example.com", "tags": ["vip", "new"],
                "attributes": {"first_name": "Zoë", "credits": 50, "plan": null}},
    "event": {"type": "order_paid", "data": {"total": 42.5, "items": [{"sku": "a", "qty": 2},
              {"sku": "b", "qty": 1}], "flag": true, "empty": [], "nested": {"a": {"b": [1, [2]]}}}},
    "run": {"data": {"coupon": "X\"1", "list": ["x", "y", "z"]}},
    "token": {"uuid": "0190a6f5-0a11-7c3d-8e2f-000000000001"},
    "messages": {"s1": {"opened": true}}
  })")
                                             .as_object();
  return ctx;
}

// True when text has a tag that renders without escaping ({{{x}}}, {{&x}}) or changes the
// delimiters ({{=…=}}), allowing blanks between "{{" and the sigil as the parser does.
bool HasRawOrDelimiterTag(std::string_view text) {
  for (size_t at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at + 1)) {
    size_t i = at + 2;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && (text[i] == '{' || text[i] == '&' || text[i] == '=')) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  auto t = core::Template::Parse(text);
  if (t.ok()) {
    (void)t->TemplateVariables();
    constexpr size_t kMaxOut = 64 * 1024;
    for (auto escape : {core::Escape::kHtml, core::Escape::kNone, core::Escape::kJson}) {
      auto out = t->Render(Context(), escape, kMaxOut);
      if (out.ok() && out->size() > kMaxOut) fuzz::Fail("render exceeded max_output", text);
      if (escape == core::Escape::kJson && out.ok()) {
        // JSON-escaped output must be safe inside a JSON string literal.
        boost::system::error_code ec;
        (void)boost::json::parse("\"" + *out + "\"", ec);
        if (ec && http::IsValidUtf8(text) && !HasRawOrDelimiterTag(text) &&
            text.find('"') == std::string_view::npos && text.find('\\') == std::string_view::npos) {
          bool has_control = false;
          for (char c : text) has_control = has_control || static_cast<unsigned char>(c) < 0x20;
          if (!has_control) fuzz::Fail("JSON-escaped render is not a JSON string", text);
        }
      }
    }
  }
  (void)core::HtmlToText(text);
  return 0;
}
