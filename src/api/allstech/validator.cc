#include "api/allstech/validator.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

namespace rivulet::api::allstech {
namespace json = boost::json;

std::string Validator::Attribute(std::string_view field) {
  // Laravel: snake case, then underscores as spaces ("strIds" → "str ids").
  std::string out;
  for (char ch : field) {
    if (std::isupper(static_cast<unsigned char>(ch))) {
      if (!out.empty()) out += ' ';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else {
      out += ch == '_' ? ' ' : ch;
    }
  }
  return out;
}

const json::value* Validator::Given(const char* field) const {
  const json::value* v = input_.if_contains(field);
  if (!v || v->is_null()) return nullptr;
  if (v->is_string() && v->as_string().empty()) return nullptr;
  return v;
}

void Validator::Fail(const std::string& field, const std::string& message) {
  if (failed(field)) return;
  failed_.push_back(field);
  if (status_.ok()) status_ = core::InvalidArgument("The given data was invalid.");
  status_.WithField(field, message);
}

bool Validator::failed(const std::string& field) const {
  return std::find(failed_.begin(), failed_.end(), field) != failed_.end();
}

core::Status Validator::status() const { return status_; }

std::optional<std::string> Validator::String(const char* field, bool required, size_t max_chars) {
  const json::value* v = Given(field);
  if (!v) {
    if (required) Fail(field, "The " + Attribute(field) + " field is required.");
    return std::nullopt;
  }
  if (!v->is_string()) {
    Fail(field, "The " + Attribute(field) + " must be a string.");
    return std::nullopt;
  }
  if (v->as_string().size() > max_chars) {
    Fail(field, "The " + Attribute(field) + " must not be greater than " +
                    std::to_string(max_chars) + " characters.");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

namespace {
std::optional<int64_t> AsInteger(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= INT64_MAX) return static_cast<int64_t>(v.as_uint64());
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.as_string();
  int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return out;
}
}  // namespace

std::optional<int64_t> Validator::Integer(const char* field, bool required, int64_t min,
                                          int64_t max) {
  const json::value* v = Given(field);
  if (!v) {
    if (required) Fail(field, "The " + Attribute(field) + " field is required.");
    return std::nullopt;
  }
  auto n = AsInteger(*v);
  if (!n) {
    Fail(field, "The " + Attribute(field) + " must be an integer.");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    Fail(field, "The " + Attribute(field) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max) + ".");
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> Validator::In(const char* field, bool required,
                                         std::initializer_list<std::string_view> allowed) {
  auto s = String(field, required, 64);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    Fail(field, "The selected " + Attribute(field) + " is invalid.");
    return std::nullopt;
  }
  return s;
}

std::optional<std::vector<int64_t>> Validator::IntegerArray(const char* field, bool required,
                                                            size_t max_items) {
  const json::value* v = Given(field);
  if (!v) {
    if (required) Fail(field, "The " + Attribute(field) + " field is required.");
    return std::nullopt;
  }
  // Forms give strIds[0]=8&strIds[1]=44 as an array (or an object when indexes have gaps).
  std::vector<const json::value*> items;
  if (v->is_array()) {
    for (const auto& x : v->as_array()) items.push_back(&x);
  } else if (v->is_object()) {
    for (const auto& kv : v->as_object()) items.push_back(&kv.value());
  } else {
    Fail(field, "The " + Attribute(field) + " must be an array.");
    return std::nullopt;
  }
  if (items.empty()) {
    if (required) Fail(field, "The " + Attribute(field) + " field is required.");
    return std::nullopt;
  }
  if (items.size() > max_items) {
    Fail(field, "The " + Attribute(field) + " must not have more than " +
                    std::to_string(max_items) + " items.");
    return std::nullopt;
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < items.size(); ++i) {
    auto n = AsInteger(*items[i]);
    if (!n) {
      Fail(std::string(field) + "." + std::to_string(i),
           "The " + Attribute(field) + "." + std::to_string(i) + " must be an integer.");
      return std::nullopt;
    }
    out.push_back(*n);
  }
  return out;
}

}  // namespace rivulet::api::allstech
