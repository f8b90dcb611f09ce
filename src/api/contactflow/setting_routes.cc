// Node settings: the workspace's settings (engine/resources.h). INTEGRATION category;
// types CLAB_API_SOAP and HUB (kept as given) and Rivulet's SMTP, SMS_GATEWAY and
// WEBHOOK_SIGNING, which the delivery layer reads. Secrets are masked on the way out.
#include "api/contactflow/common.h"
#include "api/contactflow/routes.h"
#include "core/json_text.h"
#include "core/uuid.h"
#include "engine/resources.h"

namespace rivulet::api::contactflow {

namespace {

json::object SettingJson(const core::WorkspaceSetting& s) {
  return json::object{{"uuid", s.uuid},
                      {"label", s.label},
                      {"category", s.category},
                      {"type", s.type},
                      {"value", core::ParseJsonObject(engine::MaskedSettingValue(s))}};
}

core::Status ReadSetting(const json::object& o, core::WorkspaceSetting& s) {
  FieldReader r(o);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"uuid", "label", "category", "type", "value"}));
  RIVULET_ASSIGN_OR_RETURN(auto uuid, r.String("uuid", 64));
  if (uuid && !core::IsUuid(*uuid)) return FieldError("uuid", "must be a uuid");
  RIVULET_ASSIGN_OR_RETURN(auto label, r.String("label", 200));
  RIVULET_ASSIGN_OR_RETURN(auto category, r.String("category", 32));
  RIVULET_ASSIGN_OR_RETURN(auto type, r.String("type", 32, true));
  static const char* kTypes[] = {"CLAB_API_SOAP", "HUB", "SMTP", "SMS_GATEWAY", "WEBHOOK_SIGNING"};
  bool known = false;
  for (const char* t : kTypes) known = known || *type == t;
  if (!known) {
    return FieldError("type", "must be CLAB_API_SOAP, HUB, SMTP, SMS_GATEWAY or WEBHOOK_SIGNING");
  }
  const json::value* value = r.Raw("value");
  if (value && !value->is_null() && !value->is_object())
    return FieldError("value", "must be an object");
  RIVULET_ASSIGN_OR_RETURN(auto value_text, r.ObjectJson("value", 64 * 1024));
  if (uuid) s.uuid = core::NormalizeUuid(*uuid);
  s.label = label.value_or("");
  s.category = category.value_or("INTEGRATION");
  s.type = *type;
  s.value_json = value_text.value_or("{}");
  return core::Status::Ok();
}

}  // namespace

void RegisterSettingRoutes(http::Router& router, Services& s) {
  AddSync(router, "GET", "/contactflow/settings", [&s](const Call& call) -> core::Result<Response> {
    RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
    FieldReader r(q);
    RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"Category", "Type", "category", "type"}));
    RIVULET_ASSIGN_OR_RETURN(auto category, r.String("Category", 32));
    RIVULET_ASSIGN_OR_RETURN(auto type, r.String("Type", 32));
    if (!category) {
      RIVULET_ASSIGN_OR_RETURN(category, r.String("category", 32));
    }
    if (!type) {
      RIVULET_ASSIGN_OR_RETURN(type, r.String("type", 32));
    }
    std::vector<core::WorkspaceSetting> all;
    RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(all, txn.ListSettings(call.workspace_id()));
      return core::Status::Ok();
    }));
    json::array out;
    for (const auto& x : all) {
      if (category && x.category != *category) continue;
      if (type && x.type != *type) continue;
      out.push_back(SettingJson(x));
    }
    return JsonResponse(200, json::object{{"integrations", std::move(out)}});
  });

  AddSync(
      router, "POST", "/contactflow/settings", [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(json::object body, ReadBody(call, s.limits));
        core::WorkspaceSetting setting;
        RIVULET_RETURN_IF_ERROR(ReadSetting(body, setting));
        RIVULET_RETURN_IF_ERROR(engine::ValidateSetting(setting));
        setting.workspace_id = call.workspace_id();
        if (setting.uuid.empty()) setting.uuid = core::NewUuidV7(s.clock.Now());
        core::Status st =
            s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertSetting(setting); });
        if (st.code() == core::Code::kAlreadyExists) {
          return core::AlreadyExists("a setting with uuid " + setting.uuid + " exists")
              .WithField("uuid", "is taken");
        }
        RIVULET_RETURN_IF_ERROR(st);
        return JsonResponse(201, SettingJson(setting));
      });

  AddSync(router, "GET", "/contactflow/settings/{settingUuid}",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "settingUuid"));
            core::WorkspaceSetting setting;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(setting, txn.FindSetting(call.workspace_id(), uuid));
              return core::Status::Ok();
            }));
            return JsonResponse(200, SettingJson(setting));
          });

  AddSync(router, "PUT", "/contactflow/settings/{settingUuid}",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "settingUuid"));
            RIVULET_ASSIGN_OR_RETURN(json::object body, ReadBody(call, s.limits));
            core::WorkspaceSetting setting;
            RIVULET_RETURN_IF_ERROR(ReadSetting(body, setting));
            if (!setting.uuid.empty() && setting.uuid != uuid) {
              return FieldError("uuid", "does not match the path");
            }
            RIVULET_RETURN_IF_ERROR(s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::WorkspaceSetting cur,
                                       txn.FindSetting(call.workspace_id(), uuid));
              setting.value_json = engine::MergeMaskedSecrets(setting.value_json, cur.value_json);
              RIVULET_RETURN_IF_ERROR(engine::ValidateSetting(setting));
              setting.id = cur.id;
              setting.uuid = cur.uuid;
              setting.workspace_id = cur.workspace_id;
              return txn.UpdateSetting(setting);
            }));
            return JsonResponse(200, SettingJson(setting));
          });

  AddSync(router, "DELETE", "/contactflow/settings/{settingUuid}",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "settingUuid"));
            RIVULET_RETURN_IF_ERROR(s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::WorkspaceSetting cur,
                                       txn.FindSetting(call.workspace_id(), uuid));
              return txn.DeleteSetting(cur.workspace_id, cur.id);
            }));
            return Response::NoContent();
          });
}

}  // namespace rivulet::api::contactflow
