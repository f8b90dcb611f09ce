// Senders, templates and channel settings of a workspace.
#include <boost/json.hpp>

#include "api/json_input.h"
#include "api/native/native_api.h"
#include "api/native/respond.h"
#include "core/time_format.h"
#include "core/uuid.h"
#include "engine/resources.h"
#include "http/body.h"
#include "core/json_text.h"

namespace rivulet::api::native {
namespace json = boost::json;
using http::Call;
using http::Response;

namespace {

json::object SenderJson(const core::Sender& s) {
  return json::object{{"uuid", s.uuid},           {"name", s.name},
                      {"from_name", s.from_name}, {"from_address", s.from_address},
                      {"reply_to", s.reply_to},   {"created_at", core::FormatIsoUtc(s.created_at, true)}};
}

json::object TemplateJson(const core::MessageTemplate& t) {
  return json::object{{"uuid", t.uuid},       {"name", t.name},
                      {"kind", t.kind},       {"subject", t.subject},
                      {"html", t.html},       {"text", t.text},
                      {"created_at", core::FormatIsoUtc(t.created_at, true)},
                      {"updated_at", core::FormatIsoUtc(t.updated_at, true)}};
}

json::object SettingJson(const core::WorkspaceSetting& s) {
  return json::object{{"uuid", s.uuid},
                      {"label", s.label},
                      {"category", s.category},
                      {"type", s.type},
                      {"value", core::ParseJsonObject(engine::MaskedSettingValue(s))}};
}

core::Result<json::object> Body(const Call& call, const http::Limits& limits) {
  RIVULET_ASSIGN_OR_RETURN(json::value v, http::ParseBody(call.request, limits));
  RIVULET_ASSIGN_OR_RETURN(const json::object* o, AsObject(v, "request body"));
  return *o;
}

core::Status ReadTemplate(const json::object& o, core::MessageTemplate& t) {
  FieldReader r(o);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"name", "kind", "subject", "html", "text"}));
  RIVULET_ASSIGN_OR_RETURN(auto name, r.String("name", 200, true));
  RIVULET_ASSIGN_OR_RETURN(auto kind, r.String("kind", 16));
  RIVULET_ASSIGN_OR_RETURN(auto subject, r.String("subject", 2000));
  RIVULET_ASSIGN_OR_RETURN(auto html, r.String("html", 256 * 1024));
  RIVULET_ASSIGN_OR_RETURN(auto text, r.String("text", 256 * 1024));
  t.name = *name;
  t.kind = kind.value_or("email");
  t.subject = subject.value_or("");
  t.html = html.value_or("");
  t.text = text.value_or("");
  return engine::ValidateTemplate(t);
}

// Reads a setting; validation is the caller's (after masked secrets are restored).
core::Status ReadSetting(const json::object& o, core::WorkspaceSetting& s) {
  FieldReader r(o);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"uuid", "label", "category", "type", "value"}));
  RIVULET_ASSIGN_OR_RETURN(auto label, r.String("label", 200));
  RIVULET_ASSIGN_OR_RETURN(auto category, r.String("category", 32));
  RIVULET_ASSIGN_OR_RETURN(auto type, r.String("type", 32, true));
  RIVULET_ASSIGN_OR_RETURN(auto value, r.ObjectJson("value", 64 * 1024));
  s.label = label.value_or("");
  s.category = category.value_or("INTEGRATION");
  s.type = *type;
  s.value_json = value.value_or("{}");
  return core::Status::Ok();
}

}  // namespace

void RegisterResourceRoutes(http::Router& router, Services& s) {
  const http::Face* face = &NativeFace();

  router.Add(face, "POST", "/v1/senders", http::Sync([&s](const Call& call) -> Response {
    auto body = Body(call, s.limits);
    if (!body.ok()) return ErrorResponse(body.status(), call.request);
    FieldReader r(*body);
    core::Sender sender;
    auto read = [&]() -> core::Status {
      RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"name", "from_name", "from_address", "reply_to"}));
      RIVULET_ASSIGN_OR_RETURN(auto name, r.String("name", 200, true));
      RIVULET_ASSIGN_OR_RETURN(auto from_name, r.String("from_name", 200));
      RIVULET_ASSIGN_OR_RETURN(auto from_address, r.String("from_address", 254, true));
      RIVULET_ASSIGN_OR_RETURN(auto reply_to, r.String("reply_to", 254));
      sender.name = *name;
      sender.from_name = from_name.value_or("");
      sender.from_address = *from_address;
      sender.reply_to = reply_to.value_or("");
      return engine::ValidateSender(sender);
    };
    if (auto st = read(); !st.ok()) return ErrorResponse(st, call.request);
    sender.workspace_id = call.workspace_id();
    sender.created_at = s.clock.Now();
    sender.uuid = core::NewUuidV7(sender.created_at);
    core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertSender(sender); });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(201, json::object{{"sender", SenderJson(sender)}});
  }));

  router.Add(face, "GET", "/v1/senders", http::Sync([&s](const Call& call) -> Response {
    std::vector<core::Sender> all;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(all, txn.ListSenders(call.workspace_id()));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    json::array data;
    for (const auto& x : all) data.push_back(SenderJson(x));
    return JsonResponse(200, json::object{{"data", std::move(data)}});
  }));

  router.Add(face, "POST", "/v1/templates", http::Sync([&s](const Call& call) -> Response {
    auto body = Body(call, s.limits);
    if (!body.ok()) return ErrorResponse(body.status(), call.request);
    core::MessageTemplate t;
    if (auto st = ReadTemplate(*body, t); !st.ok()) return ErrorResponse(st, call.request);
    t.workspace_id = call.workspace_id();
    t.created_at = t.updated_at = s.clock.Now();
    t.uuid = core::NewUuidV7(t.created_at);
    core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertTemplate(t); });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(201, json::object{{"template", TemplateJson(t)}});
  }));

  router.Add(face, "GET", "/v1/templates", http::Sync([&s](const Call& call) -> Response {
    std::vector<core::MessageTemplate> all;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(all, txn.ListTemplates(call.workspace_id()));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    json::array data;
    for (const auto& x : all) data.push_back(TemplateJson(x));
    return JsonResponse(200, json::object{{"data", std::move(data)}});
  }));

  router.Add(face, "GET", "/v1/templates/{uuid}", http::Sync([&s](const Call& call) -> Response {
    if (!core::IsUuid(call.Param("uuid"))) return ErrorResponse(FieldError("uuid", "must be a uuid"), call.request);
    core::MessageTemplate t;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(t, txn.FindTemplate(call.workspace_id(), core::NormalizeUuid(call.Param("uuid"))));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(200, json::object{{"template", TemplateJson(t)}});
  }));

  router.Add(face, "PUT", "/v1/templates/{uuid}", http::Sync([&s](const Call& call) -> Response {
    if (!core::IsUuid(call.Param("uuid"))) return ErrorResponse(FieldError("uuid", "must be a uuid"), call.request);
    auto body = Body(call, s.limits);
    if (!body.ok()) return ErrorResponse(body.status(), call.request);
    core::MessageTemplate t;
    if (auto st = ReadTemplate(*body, t); !st.ok()) return ErrorResponse(st, call.request);
    core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(core::MessageTemplate cur,
                               txn.FindTemplate(call.workspace_id(), core::NormalizeUuid(call.Param("uuid"))));
      t.id = cur.id;
      t.uuid = cur.uuid;
      t.workspace_id = cur.workspace_id;
      t.created_at = cur.created_at;
      t.updated_at = s.clock.Now();
      return txn.UpdateTemplate(t);
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(200, json::object{{"template", TemplateJson(t)}});
  }));

  router.Add(face, "POST", "/v1/settings", http::Sync([&s](const Call& call) -> Response {
    auto body = Body(call, s.limits);
    if (!body.ok()) return ErrorResponse(body.status(), call.request);
    core::WorkspaceSetting setting;
    if (auto st = ReadSetting(*body, setting); !st.ok()) return ErrorResponse(st, call.request);
    if (auto st = engine::ValidateSetting(setting); !st.ok()) return ErrorResponse(st, call.request);
    setting.workspace_id = call.workspace_id();
    setting.uuid = core::NewUuidV7(s.clock.Now());
    core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertSetting(setting); });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(201, json::object{{"setting", SettingJson(setting)}});
  }));

  router.Add(face, "GET", "/v1/settings", http::Sync([&s](const Call& call) -> Response {
    std::vector<core::WorkspaceSetting> all;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(all, txn.ListSettings(call.workspace_id()));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    json::array data;
    for (const auto& x : all) data.push_back(SettingJson(x));
    return JsonResponse(200, json::object{{"data", std::move(data)}});
  }));

  router.Add(face, "PUT", "/v1/settings/{uuid}", http::Sync([&s](const Call& call) -> Response {
    if (!core::IsUuid(call.Param("uuid"))) return ErrorResponse(FieldError("uuid", "must be a uuid"), call.request);
    auto body = Body(call, s.limits);
    if (!body.ok()) return ErrorResponse(body.status(), call.request);
    core::WorkspaceSetting setting;
    core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(core::WorkspaceSetting cur,
                               txn.FindSetting(call.workspace_id(), core::NormalizeUuid(call.Param("uuid"))));
      RIVULET_RETURN_IF_ERROR(ReadSetting(*body, setting));
      setting.value_json = engine::MergeMaskedSecrets(setting.value_json, cur.value_json);
      RIVULET_RETURN_IF_ERROR(engine::ValidateSetting(setting));
      setting.id = cur.id;
      setting.uuid = cur.uuid;
      setting.workspace_id = cur.workspace_id;
      return txn.UpdateSetting(setting);
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(200, json::object{{"setting", SettingJson(setting)}});
  }));

  router.Add(face, "DELETE", "/v1/settings/{uuid}", http::Sync([&s](const Call& call) -> Response {
    if (!core::IsUuid(call.Param("uuid"))) return ErrorResponse(FieldError("uuid", "must be a uuid"), call.request);
    core::Status st = s.store.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(core::WorkspaceSetting cur,
                               txn.FindSetting(call.workspace_id(), core::NormalizeUuid(call.Param("uuid"))));
      return txn.DeleteSetting(cur.workspace_id, cur.id);
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return Response::NoContent();
  }));
}

}  // namespace rivulet::api::native
