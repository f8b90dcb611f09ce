#include "api/contactflow/node_json.h"

#include "api/json_input.h"
#include "core/json_text.h"
#include "core/time_format.h"
#include "core/uuid.h"

namespace rivulet::api::contactflow {
namespace json = boost::json;

namespace {
constexpr const char* kUuidFields[] = {"workspaceUuid", "portfolioUuid"};
constexpr const char* kStringFields[] = {"workspaceName", "portfolioName", "groupName",
                                         "hubPhoneField"};
constexpr const char* kIntFields[] = {"groupPk", "userdbId"};
}  // namespace

json::object NodeToJson(const core::Workspace& ws) {
  json::object extra = core::ParseJsonObject(ws.settings_json);
  json::object out{{"uuid", ws.uuid}, {"name", ws.name}};
  for (const char* k : kUuidFields) {
    if (auto* v = extra.if_contains(k); v && v->is_string()) out[k] = *v;
  }
  for (const char* k : kStringFields) {
    if (auto* v = extra.if_contains(k); v && v->is_string()) out[k] = *v;
  }
  for (const char* k : kIntFields) {
    if (auto* v = extra.if_contains(k); v && v->is_int64()) out[k] = *v;
  }
  out["active"] = ws.active;
  auto flag = [&](const char* k) {
    auto* v = extra.if_contains(k);
    return v && v->is_bool() ? v->as_bool() : true;
  };
  out["emailActive"] = flag("emailActive");
  out["smsActive"] = flag("smsActive");
  out["created"] = core::FormatIsoUtc(ws.created_at);
  return out;
}

core::Status NodeFromJson(const json::object& body, core::Workspace& ws) {
  FieldReader r(body);
  RIVULET_RETURN_IF_ERROR(
      r.OnlyKnown({"uuid", "name", "workspaceUuid", "workspaceName", "portfolioUuid",
                   "portfolioName", "groupPk", "userdbId", "groupName", "active", "emailActive",
                   "smsActive", "created", "hubPhoneField"}));
  RIVULET_ASSIGN_OR_RETURN(auto uuid, r.String("uuid", 64));
  if (uuid) {
    if (!core::IsUuid(*uuid)) return FieldError("uuid", "must be a uuid");
    ws.uuid = core::NormalizeUuid(*uuid);
  }
  RIVULET_ASSIGN_OR_RETURN(auto name, r.String("name", 200, true));
  ws.name = *name;
  json::object extra;
  for (const char* k : kUuidFields) {
    RIVULET_ASSIGN_OR_RETURN(auto v, r.String(k, 64));
    if (!v) continue;
    if (!core::IsUuid(*v)) return FieldError(k, "must be a uuid");
    extra[k] = core::NormalizeUuid(*v);
  }
  for (const char* k : kStringFields) {
    RIVULET_ASSIGN_OR_RETURN(auto v, r.String(k, 200));
    if (v) extra[k] = *v;
  }
  for (const char* k : kIntFields) {
    RIVULET_ASSIGN_OR_RETURN(auto v, r.Int(k));
    if (v) extra[k] = *v;
  }
  RIVULET_ASSIGN_OR_RETURN(auto created, r.String("created", 64));
  if (created && !core::ParseIsoTime(*created).ok()) {
    return FieldError("created", "must be an ISO-8601 date-time");
  }
  RIVULET_ASSIGN_OR_RETURN(auto active, r.Bool("active"));
  RIVULET_ASSIGN_OR_RETURN(auto email, r.Bool("emailActive"));
  RIVULET_ASSIGN_OR_RETURN(auto sms, r.Bool("smsActive"));
  ws.active = active.value_or(true);
  extra["emailActive"] = email.value_or(true);
  extra["smsActive"] = sms.value_or(true);
  ws.settings_json = json::serialize(extra);
  return core::Status::Ok();
}

core::Status ApplyNodeUpdate(const json::object& body, core::Workspace& ws) {
  FieldReader r(body);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"active", "smsActive", "emailActive", "hubPhoneField"}));
  RIVULET_ASSIGN_OR_RETURN(auto active, r.Bool("active"));
  if (!active) return FieldError("active", "is required");
  RIVULET_ASSIGN_OR_RETURN(auto email, r.Bool("emailActive"));
  RIVULET_ASSIGN_OR_RETURN(auto sms, r.Bool("smsActive"));
  RIVULET_ASSIGN_OR_RETURN(auto hub, r.String("hubPhoneField", 200));
  json::object extra = core::ParseJsonObject(ws.settings_json);
  ws.active = *active;
  if (email) extra["emailActive"] = *email;
  if (sms) extra["smsActive"] = *sms;
  if (hub) extra["hubPhoneField"] = *hub;
  ws.settings_json = json::serialize(extra);
  return core::Status::Ok();
}

}  // namespace rivulet::api::contactflow
