#include "core/json_text.h"

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

}  // namespace rivulet::core
