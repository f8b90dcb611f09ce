#include "api/contactflow/batch_notifier.h"

#include <boost/json.hpp>

#include "api/json_input.h"
#include "core/contact_rules.h"

namespace rivulet::api::contactflow {
namespace json = boost::json;

core::Result<std::string> ReadNotification(const json::value& v) {
  if (!v.is_object()) return FieldError("notification", "must be an object");
  FieldReader r(v.as_object(), "notification");
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"type", "url", "recipient"}));
  RIVULET_ASSIGN_OR_RETURN(auto type, r.String("type", 16, true));
  if (*type == "WEBHOOK") {
    RIVULET_ASSIGN_OR_RETURN(auto url, r.String("url", 2048, true));
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
      return FieldError("notification.url", "must be an http:// or https:// URL");
    }
    return json::serialize(json::object{{"type", "WEBHOOK"}, {"url", *url}});
  }
  if (*type == "EMAIL") {
    RIVULET_ASSIGN_OR_RETURN(auto to, r.String("recipient", 320, true));
    auto n = core::NormalizeEmail(*to);
    if (!n.ok()) return FieldError("notification.recipient", "is not an e-mail address");
    return json::serialize(json::object{{"type", "EMAIL"}, {"recipient", *n}});
  }
  return FieldError("notification.type", "must be WEBHOOK or EMAIL");
}

}  // namespace rivulet::api::contactflow
