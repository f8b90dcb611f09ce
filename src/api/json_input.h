#ifndef RIVULET_API_JSON_INPUT_H_
#define RIVULET_API_JSON_INPUT_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

// Typed, bounded reads of request fields, each failing with a field-level InvalidArgument.
// Form-encoded values arrive as strings, so numbers and booleans also accept their text.
namespace rivulet::api {

using core::Result;
using core::Status;

class FieldReader {
 public:
  // prefix names the object in error paths, e.g. "contacts[3]".
  explicit FieldReader(const boost::json::object& obj, std::string prefix = "")
      : obj_(obj), prefix_(std::move(prefix)) {}

  // Fails when obj has a key not in allowed.
  Status OnlyKnown(std::initializer_list<std::string_view> allowed) const;

  Result<std::optional<std::string>> String(std::string_view key, size_t max_bytes = 1024,
                                            bool required = false) const;
  Result<std::optional<int64_t>> Int(std::string_view key, bool required = false) const;
  Result<std::optional<bool>> Bool(std::string_view key) const;
  // An object (any content), serialized; max_bytes bounds the serialized size.
  Result<std::optional<std::string>> ObjectJson(std::string_view key, size_t max_bytes) const;
  Result<std::optional<std::vector<std::string>>> StringList(std::string_view key,
                                                             size_t max_items,
                                                             size_t max_bytes) const;
  const boost::json::value* Raw(std::string_view key) const { return obj_.if_contains(key); }
  std::string Path(std::string_view key) const;

 private:
  const boost::json::object& obj_;
  std::string prefix_;
};

Status FieldError(std::string path, std::string message);

// Requires v to be an object.
Result<const boost::json::object*> AsObject(const boost::json::value& v, std::string_view what);

}  // namespace rivulet::api

#endif  // RIVULET_API_JSON_INPUT_H_
