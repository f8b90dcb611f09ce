#include "api/json_input.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/contact_rules.h"

namespace rivulet::api {
namespace json = boost::json;

Status FieldError(std::string path, std::string message) {
  Status st = core::InvalidArgument(path + " " + message);
  st.WithField(std::move(path), std::move(message));
  return st;
}

Result<const json::object*> AsObject(const json::value& v, std::string_view what) {
  if (!v.is_object()) return core::InvalidArgument(std::string(what) + " must be a JSON object");
  return &v.as_object();
}

std::string FieldReader::Path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

Status FieldReader::OnlyKnown(std::initializer_list<std::string_view> allowed) const {
  for (const auto& kv : obj_) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) return FieldError(Path(kv.key()), "is not a known field");
  }
  return Status::Ok();
}

Result<std::optional<std::string>> FieldReader::String(std::string_view key, size_t max_bytes,
                                                       bool required) const {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return FieldError(Path(key), "is required");
    return std::optional<std::string>();
  }
  if (!v->is_string()) return FieldError(Path(key), "must be a string");
  const json::string& s = v->as_string();
  if (s.size() > max_bytes) {
    return FieldError(Path(key), "must be at most " + std::to_string(max_bytes) + " bytes");
  }
  if (!core::IsValidUtf8(s)) return FieldError(Path(key), "must be valid UTF-8");
  if (required && s.empty()) return FieldError(Path(key), "is required");
  return std::optional<std::string>(std::string(s));
}

Result<std::optional<int64_t>> FieldReader::Int(std::string_view key, bool required) const {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return FieldError(Path(key), "is required");
    return std::optional<int64_t>();
  }
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX) {
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  }
  if (v->is_string()) {
    const json::string& s = v->as_string();
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) {
      return std::optional<int64_t>(out);
    }
  }
  return FieldError(Path(key), "must be an integer");
}

Result<std::optional<bool>> FieldReader::Bool(std::string_view key) const {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<bool>();
  if (v->is_bool()) return std::optional<bool>(v->as_bool());
  if (v->is_string()) {
    const json::string& s = v->as_string();
    if (s == "true" || s == "1") return std::optional<bool>(true);
    if (s == "false" || s == "0") return std::optional<bool>(false);
  }
  if (v->is_int64() && (v->as_int64() == 0 || v->as_int64() == 1)) {
    return std::optional<bool>(v->as_int64() == 1);
  }
  return FieldError(Path(key), "must be a boolean");
}

Result<std::optional<std::string>> FieldReader::ObjectJson(std::string_view key,
                                                           size_t max_bytes) const {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_object()) return FieldError(Path(key), "must be an object");
  std::string text = json::serialize(*v);
  if (text.size() > max_bytes) {
    return FieldError(Path(key), "must be at most " + std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<std::vector<std::string>>> FieldReader::StringList(std::string_view key,
                                                                        size_t max_items,
                                                                        size_t max_bytes) const {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return FieldError(Path(key), "must be an array of strings");
  const auto& arr = v->as_array();
  if (arr.size() > max_items) {
    return FieldError(Path(key), "must have at most " + std::to_string(max_items) + " items");
  }
  std::vector<std::string> out;
  for (const auto& item : arr) {
    if (!item.is_string() || item.as_string().size() > max_bytes ||
        !core::IsValidUtf8(item.as_string())) {
      return FieldError(Path(key), "must be an array of strings of at most " +
                                       std::to_string(max_bytes) + " bytes");
    }
    out.emplace_back(item.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace rivulet::api
