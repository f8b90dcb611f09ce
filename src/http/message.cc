#include "http/message.h"

#include <strings.h>

namespace rivulet::http {

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return std::nullopt;
}

}  // namespace rivulet::http
