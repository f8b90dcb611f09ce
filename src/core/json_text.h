#ifndef RIVULET_CORE_JSON_TEXT_H_
#define RIVULET_CORE_JSON_TEXT_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

// Reading back JSON text that Rivulet stored itself (attributes, settings, payloads). Never
// throws; include from .cc files only (it brings Boost.JSON).
namespace rivulet::core {

// The parsed value, or fallback when text is empty or malformed.
boost::json::value ParseJsonOr(std::string_view text, boost::json::value fallback);
// The parsed object, or an empty one when text is not a JSON object.
boost::json::object ParseJsonObject(std::string_view text);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_JSON_TEXT_H_
