#include "http/message.h"

#include <strings.h>

namespace rivulet::http {

void Headers::Add(std::string_view name, std::string_view value) {
  if (fields_.empty()) {  // room for a usual request's headers at once
    text_.reserve(256);
    fields_.reserve(8);
  }
  fields_.push_back(Span{text_.size(), name.size(), value.size()});
  text_.append(name).append(value);
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const Span& f : fields_) {
    const char* at = text_.data() + f.name_at;
    if (f.name_size == name.size() && strncasecmp(at, name.data(), name.size()) == 0) {
      return std::string_view(at + f.name_size, f.value_size);
    }
  }
  return std::nullopt;
}

}  // namespace rivulet::http
