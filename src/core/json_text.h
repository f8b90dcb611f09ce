#ifndef RIVULET_CORE_JSON_TEXT_H_
#define RIVULET_CORE_JSON_TEXT_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

// Reading back JSON text that Rivulet stored itself (attributes, settings, payloads). Never
// throws; include from .cc files only (it brings Boost.JSON).
namespace rivulet::core {

// The parsed value, or fallback when text is empty or malformed.
boost::json::value ParseJsonOr(std::string_view text, boost::json::value fallback);
// The parsed object, or an empty one when text is not a JSON object.
boost::json::object ParseJsonObject(std::string_view text);

// Appends `text` to `out` as a JSON string literal: quoted, with '"', '\\' and control
// characters escaped as Boost.JSON's serializer escapes them. `text` must be valid UTF-8.
// For hot responses written without building a boost::json::value first.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_JSON_TEXT_H_
