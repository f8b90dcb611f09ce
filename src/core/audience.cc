#include "core/audience.h"

#include <boost/json.hpp>

namespace rivulet::core {

const char* AudienceKindName(Audience::Kind kind) {
  return kind == Audience::Kind::kContactType ? "contact_type" : "segment";
}

std::string ContactTypeCondition(std::string_view tag) {
  return boost::json::serialize(
      boost::json::object{{"field", "contact.tags"}, {"op", "contains"}, {"value", tag}});
}

}  // namespace rivulet::core
