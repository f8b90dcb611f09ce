#include "http/form_json.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rivulet::http {
namespace {

using core::Result;
using core::Status;

// A field name split into its base key and bracket subscripts (nullopt for "[]").
struct ParsedName {
  std::string_view base;
  std::vector<std::optional<std::string_view>> subscripts;
};

// Splits name by PHP's rules (see form_json.h). Returns false when there are more than
// max_depth subscripts; stops scanning as soon as that is certain.
bool SplitName(std::string_view name, int max_depth, ParsedName* out) {
  out->base = name;
  out->subscripts.clear();
  const size_t open = name.find('[');
  if (open == std::string_view::npos) return true;
  if (name.find(']', open + 1) == std::string_view::npos) return true;  // literal key
  out->base = name.substr(0, open);
  size_t i = open;
  while (i < name.size() && name[i] == '[') {
    const size_t close = name.find(']', i + 1);
    if (close == std::string_view::npos) break;  // a later unclosed '[': ignore the rest
    if (out->subscripts.size() >= static_cast<size_t>(std::max(max_depth, 0))) return false;
    const std::string_view index = name.substr(i + 1, close - i - 1);
    out->subscripts.push_back(index.empty() ? std::nullopt : std::optional(index));
    i = close + 1;
  }
  return true;
}

// The value of key if it is a canonical non-negative decimal ("0" or no leading zero) of at
// most 18 digits, which PHP would store as an integer key.
std::optional<uint64_t> IntegerKey(std::string_view key) {
  if (key.empty() || key.size() > 18 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

struct Node {
  std::string key;
  const FormField* leaf = nullptr;  // null for containers
  std::vector<size_t> children;     // insertion order
  std::map<std::string, size_t, std::less<>> by_key;
  uint64_t next_index = 0;  // what "[]" appends with
};

class Builder {
 public:
  explicit Builder(const FormLimits& limits) : limits_(limits) { nodes_.emplace_back(); }

  Status Add(const FormField& field) {
    const std::string& name = field.name;
    if (name.size() > limits_.max_name_bytes) {
      return core::PayloadTooLarge("form field name longer than " +
                                   std::to_string(limits_.max_name_bytes) + " bytes");
    }
    if (!IsValidUtf8(name)) return core::InvalidArgument("form field name is not valid UTF-8");
    if (field.filename.empty()) {
      if (!IsValidUtf8(field.value)) {
        return core::InvalidArgument("form field value is not valid UTF-8")
            .WithField(name, "not valid UTF-8");
      }
    } else {
      if (!IsValidUtf8(field.filename) || !IsValidUtf8(field.content_type)) {
        return core::InvalidArgument("file name or type is not valid UTF-8")
            .WithField(name, "file name or type is not valid UTF-8");
      }
      if (!IsValidUtf8(field.value)) {
        return core::InvalidArgument("binary file uploads are not supported")
            .WithField(name, "binary file uploads are not supported");
      }
    }

    ParsedName parsed;
    if (!SplitName(name, limits_.max_depth, &parsed)) {
      return core::InvalidArgument("form field name nests too deeply")
          .WithField(name, "more than " + std::to_string(limits_.max_depth) + " levels of []");
    }
    if (parsed.base.empty()) return Status::Ok();  // PHP drops these

    size_t cur = 0;
    std::string path(parsed.base);
    const size_t count = parsed.subscripts.size() + 1;
    for (size_t k = 0; k < count; ++k) {
      const bool last = k + 1 == count;
      std::string key;
      if (k == 0) {
        key = std::string(parsed.base);
      } else if (!parsed.subscripts[k - 1]) {
        key = std::to_string(nodes_[cur].next_index++);
      } else {
        key = std::string(*parsed.subscripts[k - 1]);
        const std::optional<uint64_t> n = IntegerKey(key);
        if (n && *n >= nodes_[cur].next_index) nodes_[cur].next_index = *n + 1;
      }
      if (k > 0) path += "[" + key + "]";

      const auto it = nodes_[cur].by_key.find(key);
      if (it != nodes_[cur].by_key.end()) {
        Node& child = nodes_[it->second];
        if (last != (child.leaf != nullptr)) {
          return core::InvalidArgument("form field is both a value and a container")
              .WithField(name, "'" + path + "' is both a value and a container");
        }
        if (last) {
          child.leaf = &field;
        } else {
          cur = it->second;
        }
        continue;
      }
      const size_t idx = nodes_.size();
      nodes_.emplace_back();
      nodes_[idx].key = key;
      nodes_[idx].leaf = last ? &field : nullptr;
      nodes_[cur].children.push_back(idx);
      nodes_[cur].by_key.emplace(std::move(key), idx);
      cur = idx;
    }
    return Status::Ok();
  }

  // May throw (allocation, boost::json size limits); the caller catches.
  boost::json::value ToJson(size_t idx = 0) const {
    const Node& node = nodes_[idx];
    if (node.leaf != nullptr) return LeafJson(*node.leaf);
    bool is_list = idx != 0;
    for (size_t i = 0; is_list && i < node.children.size(); ++i) {
      is_list = nodes_[node.children[i]].key == std::to_string(i);
    }
    if (is_list) {
      boost::json::array arr;
      arr.reserve(node.children.size());
      for (size_t child : node.children) arr.emplace_back(ToJson(child));
      return arr;
    }
    boost::json::object obj;
    obj.reserve(node.children.size());
    for (size_t child : node.children) obj.emplace(nodes_[child].key, ToJson(child));
    return obj;
  }

 private:
  static boost::json::value LeafJson(const FormField& field) {
    if (field.filename.empty()) return boost::json::string(field.value);
    boost::json::object file;
    file.emplace("filename", field.filename);
    file.emplace("content_type", field.content_type);
    file.emplace("content", field.value);
    return file;
  }

  const FormLimits limits_;
  std::vector<Node> nodes_;  // nodes_[0] is the top-level object
};

}  // namespace

core::Result<boost::json::value> FieldsToJson(const std::vector<FormField>& fields,
                                              const FormLimits& limits) {
  if (fields.size() > limits.max_fields) {
    return core::PayloadTooLarge("more than " + std::to_string(limits.max_fields) + " form fields");
  }
  try {
    Builder builder(limits);
    for (const FormField& field : fields) RIVULET_RETURN_IF_ERROR(builder.Add(field));
    return builder.ToJson();
  } catch (const std::length_error&) {
    return core::PayloadTooLarge("form data too large to convert to JSON");
  } catch (const std::exception& e) {
    return core::Internal(std::string("converting form data to JSON: ") + e.what());
  }
}

}  // namespace rivulet::http
