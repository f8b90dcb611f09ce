// /api/senders, /api/templates, /api/contact-types, /api/segments, /api/unsubscribe-groups:
// the workspace resources automations reference, in this face's style, over the same rows
// the native API uses (senders, templates) or the audience tables.
#include <boost/json.hpp>
#include <cctype>

#include "api/allstech/allstech_api.h"
#include "api/allstech/automation_model.h"
#include "api/allstech/lookup.h"
#include "api/allstech/respond.h"
#include "api/allstech/validator.h"
#include "core/condition.h"
#include "core/contact_rules.h"
#include "core/json_text.h"
#include "core/uuid.h"
#include "engine/resources.h"

namespace rivulet::api::allstech {
namespace json = boost::json;
using http::Call;
using http::Response;

namespace {

json::object SenderJson(const core::Sender& s) {
  return json::object{{"id", s.id},
                      {"user_id", s.workspace_id},
                      {"uuid", s.uuid},
                      {"name", s.name},
                      {"from_name", s.from_name},
                      {"from_email", s.from_address},
                      {"reply_to", s.reply_to},
                      {"created_at", LaravelTimestamp(s.created_at)},
                      {"updated_at", LaravelTimestamp(s.created_at)}};
}

json::object TemplateJson(const core::MessageTemplate& t) {
  return json::object{{"id", t.id},
                      {"user_id", t.workspace_id},
                      {"uuid", t.uuid},
                      {"name", t.name},
                      {"subject", t.subject},
                      {"template_html", t.html},
                      {"template_text", t.text},
                      {"created_at", LaravelTimestamp(t.created_at)},
                      {"updated_at", LaravelTimestamp(t.updated_at)}};
}

// A contact type's tag, read back from its generated condition.
std::string TagOf(const core::Audience& a) {
  json::object c = core::ParseJsonObject(a.condition_json);
  const json::value* v = c.if_contains("value");
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object AudienceJson(const core::Audience& a) {
  json::object o{{"id", a.id}, {"user_id", a.workspace_id}, {"name", a.name}};
  if (a.kind == core::Audience::Kind::kContactType) {
    o["tag"] = TagOf(a);
  } else {
    o["conditions"] = core::ParseJsonOr(a.condition_json, json::object());
  }
  o["created_at"] = LaravelTimestamp(a.created_at);
  o["updated_at"] = LaravelTimestamp(a.updated_at);
  return o;
}

json::object GroupJson(const core::UnsubscribeGroup& g) {
  return json::object{{"id", g.id},
                      {"user_id", g.workspace_id},
                      {"name", g.name},
                      {"description", g.description},
                      {"created_at", LaravelTimestamp(g.created_at)},
                      {"updated_at", LaravelTimestamp(g.created_at)}};
}

// The default tag of a contact type named name: lowercase, other characters as '_'.
std::string TagFromName(std::string_view name) {
  std::string tag;
  for (char ch : name) {
    unsigned char c = static_cast<unsigned char>(ch);
    tag += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    if (tag.size() == 64) break;
  }
  return tag;
}

// Lists through fn(txn) → vector, rendered by render, under key.
template <typename T, typename ListFn, typename RenderFn>
Response List(Services& s, const Call& call, const char* key, ListFn list, RenderFn render) {
  std::vector<T> all;
  core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(all, list(txn));
    return core::Status::Ok();
  });
  if (!st.ok()) return Failed(st, call.request);
  json::array out;
  for (const auto& x : all) out.push_back(render(x));
  return Success(json::object{{key, std::move(out)}});
}

Response CreateSender(Services& s, const Call& call) {
  auto body = BodyOf(call, s.limits);
  if (!body.ok()) return Failed(body.status(), call.request);
  Validator v(*body);
  auto name = v.String("name", true, 200);
  auto from_name = v.String("from_name", false, 200);
  auto from_email = v.String("from_email", true, 254);
  auto reply_to = v.String("reply_to", false, 254);
  if (from_email && !core::NormalizeEmail(*from_email).ok()) {
    v.Fail("from_email", "The from email must be a valid email address.");
  }
  if (reply_to && !core::NormalizeEmail(*reply_to).ok()) {
    v.Fail("reply_to", "The reply to must be a valid email address.");
  }
  core::Sender sender;
  if (v.status().ok()) {
    sender.name = *name;
    sender.from_name = from_name.value_or("");
    sender.from_address = *from_email;
    sender.reply_to = reply_to.value_or("");
    if (!engine::ValidateSender(sender).ok()) {
      v.Fail("from_name", "The from name must be at most 200 characters on one line.");
    }
  }
  if (!v.status().ok()) return Failed(v.status(), call.request);
  sender.workspace_id = call.workspace_id();
  sender.created_at = s.clock.Now();
  sender.uuid = core::NewUuidV7(sender.created_at);
  core::Status st =
      s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertSender(sender); });
  if (!st.ok()) return Failed(st, call.request);
  return Success(json::object{{"sender", SenderJson(sender)}});
}

Response CreateTemplate(Services& s, const Call& call) {
  http::Limits limits = s.limits;
  limits.max_body_bytes = 4 << 20;
  auto body = BodyOf(call, limits);
  if (!body.ok()) return Failed(body.status(), call.request);
  Validator v(*body);
  auto name = v.String("name", true, 200);
  auto subject = v.String("subject", true, 998);
  auto html = v.String("template_html", true, 1 << 20);
  auto text = v.String("template_text", false, 1 << 20);
  core::MessageTemplate t;
  if (v.status().ok()) {
    t.name = *name;
    t.kind = "email";
    t.subject = *subject;
    t.html = *html;
    t.text = text.value_or("");
    core::Status valid = engine::ValidateTemplate(t);
    for (const auto& [field, message] : valid.fields()) {
      std::string face_field = field == "html"   ? "template_html"
                               : field == "text" ? "template_text"
                                                 : field;
      v.Fail(face_field, "The " + Validator::Attribute(face_field) + " is invalid: " + message);
    }
  }
  if (!v.status().ok()) return Failed(v.status(), call.request);
  t.workspace_id = call.workspace_id();
  t.created_at = t.updated_at = s.clock.Now();
  t.uuid = core::NewUuidV7(t.created_at);
  core::Status st =
      s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertTemplate(t); });
  if (!st.ok()) return Failed(st, call.request);
  return Success(json::object{{"template", TemplateJson(t)}});
}

Response CreateAudience(Services& s, const Call& call, core::Audience::Kind kind) {
  auto body = BodyOf(call, s.limits);
  if (!body.ok()) return Failed(body.status(), call.request);
  Validator v(*body);
  auto name = v.String("name", true, 200);
  core::Audience a;
  a.kind = kind;
  if (kind == core::Audience::Kind::kContactType) {
    auto tag = v.String("tag", false, 64);
    std::string chosen = tag ? *tag : name ? TagFromName(*name) : "";
    if (name && !core::IsValidTag(chosen)) v.Fail("tag", "The tag format is invalid.");
    a.condition_json = core::ContactTypeCondition(chosen);
  } else {
    // A JSON object, or its text in a form field.
    const json::value* raw = body->if_contains("conditions");
    json::value cond;
    if (!raw || raw->is_null() || (raw->is_string() && raw->as_string().empty())) {
      v.Fail("conditions", "The conditions field is required.");
    } else if (raw->is_string()) {
      cond = core::ParseJsonOr(raw->as_string(), json::value());
    } else {
      cond = *raw;
    }
    if (!v.failed("conditions")) {
      auto parsed = core::Condition::Parse(cond);
      if (!parsed.ok()) {
        v.Fail("conditions", "The conditions is invalid: " + parsed.status().message());
      } else {
        a.condition_json = json::serialize(parsed->ToJson());
      }
    }
  }
  if (!v.status().ok()) return Failed(v.status(), call.request);
  a.name = *name;
  a.workspace_id = call.workspace_id();
  a.created_at = a.updated_at = s.clock.Now();
  core::Status st =
      s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertAudience(a); });
  if (!st.ok()) return Failed(st, call.request);
  const char* key = kind == core::Audience::Kind::kContactType ? "contact_type" : "segment";
  return Success(json::object{{key, AudienceJson(a)}});
}

Response CreateGroup(Services& s, const Call& call) {
  auto body = BodyOf(call, s.limits);
  if (!body.ok()) return Failed(body.status(), call.request);
  Validator v(*body);
  auto name = v.String("name", true, 200);
  auto description = v.String("description", false, 2000);
  if (!v.status().ok()) return Failed(v.status(), call.request);
  core::UnsubscribeGroup g;
  g.workspace_id = call.workspace_id();
  g.name = *name;
  g.description = description.value_or("");
  g.created_at = s.clock.Now();
  core::Status st =
      s.store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertUnsubscribeGroup(g); });
  if (!st.ok()) return Failed(st, call.request);
  return Success(json::object{{"unsubscribe_group", GroupJson(g)}});
}

}  // namespace

void RegisterResourceRoutes(http::Router& router, Services& s) {
  const http::Face* face = &AllsTechFace();
  using Kind = core::Audience::Kind;

  router.Add(face, "GET", "/api/senders", http::Sync([&s](const Call& call) {
               return List<core::Sender>(
                   s, call, "senders",
                   [&](store::ReadTxn& txn) { return txn.ListSenders(call.workspace_id()); },
                   SenderJson);
             }));
  router.Add(face, "POST", "/api/senders",
             http::Sync([&s](const Call& call) { return CreateSender(s, call); }));

  router.Add(face, "GET", "/api/templates", http::Sync([&s](const Call& call) {
               return List<core::MessageTemplate>(
                   s, call, "templates",
                   [&](store::ReadTxn& txn) -> core::Result<std::vector<core::MessageTemplate>> {
                     RIVULET_ASSIGN_OR_RETURN(auto all, txn.ListTemplates(call.workspace_id()));
                     std::erase_if(
                         all, [](const core::MessageTemplate& t) { return t.kind != "email"; });
                     return all;
                   },
                   TemplateJson);
             }));
  router.Add(face, "POST", "/api/templates",
             http::Sync([&s](const Call& call) { return CreateTemplate(s, call); }),
             http::RouteOptions{.max_body_bytes = 4 << 20});

  router.Add(face, "GET", "/api/contact-types", http::Sync([&s](const Call& call) {
               return List<core::Audience>(
                   s, call, "contact_types",
                   [&](store::ReadTxn& txn) {
                     return txn.ListAudiences(call.workspace_id(), Kind::kContactType);
                   },
                   AudienceJson);
             }));
  router.Add(face, "POST", "/api/contact-types", http::Sync([&s](const Call& call) {
               return CreateAudience(s, call, Kind::kContactType);
             }));

  router.Add(face, "GET", "/api/segments", http::Sync([&s](const Call& call) {
               return List<core::Audience>(
                   s, call, "segments",
                   [&](store::ReadTxn& txn) {
                     return txn.ListAudiences(call.workspace_id(), Kind::kSegment);
                   },
                   AudienceJson);
             }));
  router.Add(face, "POST", "/api/segments", http::Sync([&s](const Call& call) {
               return CreateAudience(s, call, Kind::kSegment);
             }));

  router.Add(
      face, "GET", "/api/unsubscribe-groups", http::Sync([&s](const Call& call) {
        return List<core::UnsubscribeGroup>(
            s, call, "unsubscribe_groups",
            [&](store::ReadTxn& txn) { return txn.ListUnsubscribeGroups(call.workspace_id()); },
            GroupJson);
      }));
  router.Add(face, "POST", "/api/unsubscribe-groups",
             http::Sync([&s](const Call& call) { return CreateGroup(s, call); }));
}

}  // namespace rivulet::api::allstech
