#include "api/native/contact_json.h"

#include <boost/json.hpp>

#include "api/json_input.h"
#include "core/contact_rules.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "engine/timezones.h"
#include "core/json_text.h"

namespace rivulet::api::native {
namespace json = boost::json;

namespace {

constexpr size_t kMaxAttributesBytes = 64 * 1024;

core::Status CheckTags(const std::vector<std::string>& tags, const std::string& path) {
  for (const auto& t : tags) {
    if (!core::IsValidTag(t)) return FieldError(path, "tags are 1 to 64 of [A-Za-z0-9_.:-]");
  }
  return core::Status::Ok();
}

core::Result<std::string> NormalizeUuidField(std::string_view value) {
  if (!core::IsUuid(value)) return core::InvalidArgument("not a uuid");
  return core::NormalizeUuid(value);
}

}  // namespace

const std::array<ContactIdentifierField, 4>& ContactIdentifierFields() {
  static const std::array<ContactIdentifierField, 4> kFields{{
      {"uuid", kMaxUuidBytes, &NormalizeUuidField, &engine::ContactInput::uuid, "must be a uuid"},
      {"email", kMaxEmailBytes, &core::NormalizeEmail, &engine::ContactInput::email,
       "is not an e-mail address"},
      {"phone", kMaxPhoneBytes, &core::NormalizePhone, &engine::ContactInput::phone,
       "is not a phone number"},
      {"external_id", kMaxExternalIdBytes, &core::NormalizeExternalId,
       &engine::ContactInput::external_id, "must be 1 to 255 printable characters"},
  }};
  return kFields;
}

core::Result<engine::ContactInput> ParseContactInput(const json::object& obj,
                                                     const std::string& path) {
  FieldReader r(obj, path);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"uuid", "email", "phone", "external_id", "attributes",
                                       "tags", "add_tags", "remove_tags", "timezone"}));
  engine::ContactInput in;
  for (const ContactIdentifierField& f : ContactIdentifierFields()) {
    RIVULET_ASSIGN_OR_RETURN(auto value, r.String(f.key, f.max_bytes));
    if (!value) continue;
    auto normal = f.normalize(*value);
    if (!normal.ok()) return FieldError(r.Path(f.key), std::string(f.problem));
    in.*f.target = std::move(normal).value();
  }
  RIVULET_ASSIGN_OR_RETURN(in.attributes_json, r.ObjectJson("attributes", kMaxAttributesBytes));
  RIVULET_ASSIGN_OR_RETURN(in.tags, r.StringList("tags", 100, 64));
  if (in.tags) RIVULET_RETURN_IF_ERROR(CheckTags(*in.tags, r.Path("tags")));
  RIVULET_ASSIGN_OR_RETURN(auto add, r.StringList("add_tags", 100, 64));
  if (add) {
    RIVULET_RETURN_IF_ERROR(CheckTags(*add, r.Path("add_tags")));
    in.add_tags = std::move(*add);
  }
  RIVULET_ASSIGN_OR_RETURN(auto remove, r.StringList("remove_tags", 100, 64));
  if (remove) in.remove_tags = std::move(*remove);
  RIVULET_ASSIGN_OR_RETURN(auto tz, r.String("timezone", 64));
  if (tz) {
    if (!tz->empty() && !engine::IsKnownTimezone(*tz)) {
      return FieldError(r.Path("timezone"), "is not a known IANA time zone");
    }
    in.timezone = *tz;
  }
  return in;
}

core::Result<engine::EventInput> ParseEventInput(const json::object& obj, const std::string& path) {
  FieldReader r(obj, path);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"type", "contact", "contact_uuid", "data", "occurred_at",
                                       "idempotency_key"}));
  engine::EventInput in;
  RIVULET_ASSIGN_OR_RETURN(auto type, r.String("type", kMaxEventTypeBytes, /*required=*/true));
  if (!core::IsValidEventType(*type)) {
    return FieldError(r.Path("type"), "must be 1 to 64 of [A-Za-z0-9_.:-]");
  }
  in.type = *type;
  RIVULET_ASSIGN_OR_RETURN(auto contact_uuid, r.String("contact_uuid", kMaxUuidBytes));
  if (const json::value* c = r.Raw("contact"); c && !c->is_null()) {
    if (!c->is_object()) return FieldError(r.Path("contact"), "must be an object");
    FieldReader cr(c->as_object(), r.Path("contact"));
    RIVULET_RETURN_IF_ERROR(cr.OnlyKnown({"uuid", "email", "phone", "external_id"}));
    RIVULET_ASSIGN_OR_RETURN(in.contact, ParseContactInput(c->as_object(), r.Path("contact")));
  }
  if (contact_uuid) {
    if (!core::IsUuid(*contact_uuid)) return FieldError(r.Path("contact_uuid"), "must be a uuid");
    in.contact.uuid = core::NormalizeUuid(*contact_uuid);
  }
  if (!in.contact.HasIdentifier()) {
    return FieldError(r.Path("contact"), "is required: give contact_uuid or contact identifiers");
  }
  RIVULET_ASSIGN_OR_RETURN(auto data, r.ObjectJson("data", kMaxEventDataBytes));
  in.data_json = data.value_or("{}");
  RIVULET_ASSIGN_OR_RETURN(auto at, r.String("occurred_at", kMaxTimeBytes));
  if (at) {
    auto t = core::ParseIsoTime(*at);
    if (!t.ok()) return FieldError(r.Path("occurred_at"), "must be an ISO-8601 date-time");
    in.occurred_at = *t;
  }
  RIVULET_ASSIGN_OR_RETURN(in.idempotency_key,
                           r.String("idempotency_key", kMaxIdempotencyKeyBytes));
  if (in.idempotency_key && in.idempotency_key->empty()) in.idempotency_key.reset();
  return in;
}

json::object ContactToJson(const core::Contact& c) {
  auto opt = [](const std::optional<std::string>& s) -> json::value {
    return s ? json::value(*s) : json::value(nullptr);
  };
  return json::object{
      {"uuid", c.uuid},
      {"email", opt(c.email)},
      {"phone", opt(c.phone)},
      {"external_id", opt(c.external_id)},
      {"attributes", core::ParseJsonOr(c.attributes_json, json::object())},
      {"tags", core::ParseJsonOr(c.tags_json, json::array())},
      {"timezone", c.timezone.empty() ? json::value(nullptr) : json::value(c.timezone)},
      {"subscriptions", core::ParseJsonOr(c.subscriptions_json, json::object())},
      {"created_at", core::FormatIsoUtc(c.created_at, true)},
      {"updated_at", core::FormatIsoUtc(c.updated_at, true)},
  };
}

json::object EventToJson(const core::Event& e) {
  json::object o{
      {"uuid", e.uuid},
      {"type", e.type},
      {"contact_uuid", e.contact_uuid},
      {"data", core::ParseJsonOr(e.data_json, json::object())},
      {"occurred_at", core::FormatIsoUtc(e.occurred_at, true)},
      {"received_at", core::FormatIsoUtc(e.received_at, true)},
  };
  o["idempotency_key"] = e.idempotency_key ? json::value(*e.idempotency_key) : json::value(nullptr);
  return o;
}

void AppendEventAckJson(std::string& out, const core::Event& e, bool duplicate) {
  out.append("{\"uuid\":");
  core::AppendJsonString(out, e.uuid);
  out.append(",\"type\":");
  core::AppendJsonString(out, e.type);
  out.append(",\"contact_uuid\":");
  core::AppendJsonString(out, e.contact_uuid);
  out.append(",\"occurred_at\":");
  out.push_back('"');  // digits and punctuation: nothing to escape
  core::AppendIsoUtc(out, e.occurred_at, true);
  out.push_back('"');
  out.append(duplicate ? ",\"duplicate\":true" : ",\"duplicate\":false");
  out.append(",\"idempotency_key\":");
  if (e.idempotency_key) {
    core::AppendJsonString(out, *e.idempotency_key);
  } else {
    out.append("null");
  }
  out.push_back('}');
}

}  // namespace rivulet::api::native
