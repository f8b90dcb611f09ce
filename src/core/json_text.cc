#include "core/json_text.h"

#include <array>
#include <boost/json/parse.hpp>

namespace rivulet::core {

boost::json::value ParseJsonOr(std::string_view text, boost::json::value fallback) {
  if (text.empty()) return fallback;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? fallback : v;
}

boost::json::object ParseJsonObject(std::string_view text) {
  boost::json::value v = ParseJsonOr(text, boost::json::object());
  return v.is_object() ? std::move(v.as_object()) : boost::json::object();
}

namespace {
// The bytes a JSON string must escape: control characters, '"' and '\\'.
constexpr std::array<bool, 256> kMustEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();
}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  size_t plain = 0;  // start of the run of characters copied as they are
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!kMustEscape[c]) continue;
    out.append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(text.substr(plain));
  out.push_back('"');
}

}  // namespace rivulet::core
