#include "api/contactflow/customer_json.h"

#include "api/json_input.h"
#include "core/automation.h"
#include "core/contact_rules.h"
#include "core/json_text.h"
#include "core/uuid.h"

namespace rivulet::api::contactflow {
namespace json = boost::json;

namespace {
constexpr size_t kMaxAttributesBytes = 32 * 1024;
}  // namespace

core::Result<CustomerInput> CustomerFromJson(const json::object& obj, const std::string& path,
                                             const std::string& automation_uuid) {
  FieldReader r(obj, path);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown(
      {"uuid", "userPk", "clabUuid", "attributes", "automationUuid", "automationName"}));
  CustomerInput out;
  RIVULET_ASSIGN_OR_RETURN(auto uuid, r.String("uuid", 64));
  if (uuid && !core::IsUuid(*uuid)) return FieldError(r.Path("uuid"), "must be a uuid");
  RIVULET_ASSIGN_OR_RETURN(auto automation, r.String("automationUuid", 64));
  if (automation && core::NormalizeUuid(*automation) != automation_uuid) {
    return FieldError(r.Path("automationUuid"), "does not match the path");
  }
  RIVULET_ASSIGN_OR_RETURN(auto name, r.String("automationName", 200));
  RIVULET_ASSIGN_OR_RETURN(auto pk, r.String("userPk", 255));
  if (pk) {
    auto n = core::NormalizeExternalId(*pk);
    if (!n.ok()) return FieldError(r.Path("userPk"), "must be 1 to 255 printable characters");
    out.contact.external_id = *n;
  }
  RIVULET_ASSIGN_OR_RETURN(auto clab, r.String("clabUuid", 64));
  if (clab) {
    if (!core::IsUuid(*clab)) return FieldError(r.Path("clabUuid"), "must be a uuid");
    out.contact.uuid = core::NormalizeUuid(*clab);
  }
  const json::value* attrs = r.Raw("attributes");
  if (attrs && !attrs->is_null()) {
    if (!attrs->is_object()) return FieldError(r.Path("attributes"), "must be an object");
    RIVULET_ASSIGN_OR_RETURN(auto text, r.ObjectJson("attributes", kMaxAttributesBytes));
    out.run_data_json = *text;
    out.contact.attributes_json = *text;
    const json::object& a = attrs->as_object();
    if (auto* e = a.if_contains("email"); e && e->is_string() && !e->as_string().empty()) {
      auto n = core::NormalizeEmail(e->as_string());
      if (!n.ok()) return FieldError(r.Path("attributes.email"), "is not an e-mail address");
      out.contact.email = *n;
    }
    for (const char* key : {"phone", "mobilePhone"}) {
      auto* p = a.if_contains(key);
      if (!p || !p->is_string() || p->as_string().empty() || out.contact.phone) continue;
      auto n = core::NormalizePhone(p->as_string());
      if (!n.ok())
        return FieldError(r.Path(std::string("attributes.") + key), "is not a phone number");
      out.contact.phone = *n;
    }
  }
  if (!out.contact.HasIdentifier()) {
    return FieldError(path.empty() ? "userPk" : path,
                      "needs userPk, clabUuid or an e-mail / phone attribute");
  }
  return out;
}

json::object CustomerToJson(const core::Token& t, const core::Contact& c,
                            const core::Automation& a) {
  json::object out{{"uuid", t.uuid}};
  if (c.external_id) out["userPk"] = *c.external_id;
  out["clabUuid"] = c.uuid;
  json::object attrs = core::ParseJsonObject(t.run_data_json);
  if (attrs.empty()) attrs = core::ParseJsonObject(c.attributes_json);
  out["attributes"] = std::move(attrs);
  out["automationUuid"] = a.uuid;
  out["automationName"] = a.name;
  return out;
}

}  // namespace rivulet::api::contactflow
