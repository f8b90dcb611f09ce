// External contents: the node's templates as Contactflow mail models, SMS models and
// PageBuilder templates (one page each: its HTML), and the step-mail test e-mail, sent for
// real through the node's SMTP setting. Rivulet has no Email Designer: it reports disabled.
#include <algorithm>

#include "api/contactflow/common.h"
#include "api/contactflow/routes.h"
#include "core/contact_rules.h"
#include "core/template.h"
#include "core/time_format.h"
#include "delivery/smtp_setting.h"

namespace rivulet::api::contactflow {

namespace {

constexpr size_t kTestEmailBodyBytes = 1 << 20;

core::Result<std::vector<core::MessageTemplate>> Templates(Services& s, int64_t ws,
                                                           const std::string& kind) {
  std::vector<core::MessageTemplate> all, out;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(all, txn.ListTemplates(ws));
    return core::Status::Ok();
  }));
  for (auto& t : all) {
    if (kind.empty() || t.kind == kind) out.push_back(std::move(t));
  }
  return out;
}

json::object ModelJson(const core::MessageTemplate& t) {
  json::object out{{"id", t.id}, {"uuid", t.uuid}, {"name", t.name}};
  if (t.kind == "email") {
    out["subject"] = t.subject;
    out["htmlContent"] = t.html;
  }
  out["textContent"] = t.text;
  out["created"] = core::FormatIsoUtc(t.created_at);
  out["updated"] = core::FormatIsoUtc(t.updated_at);
  return out;
}

// PageBuilder templates are the node's e-mail templates with HTML.
core::Result<core::MessageTemplate> PageTemplate(Services& s, const Call& call) {
  std::string_view id_text = call.Param("templateId");
  int64_t id = 0;
  if (id_text.empty() || id_text.size() > 18) return FieldError("templateId", "must be an integer");
  for (char c : id_text) {
    if (c < '0' || c > '9') return FieldError("templateId", "must be an integer");
    id = id * 10 + (c - '0');
  }
  RIVULET_ASSIGN_OR_RETURN(auto all, Templates(s, call.workspace_id(), "email"));
  for (auto& t : all) {
    if (t.id == id && !t.html.empty()) return t;
  }
  return core::NotFound("PageBuilder template " + std::string(id_text) + " not found");
}

json::object PageJson1(const core::MessageTemplate& t, bool with_html) {
  json::object out{{"id", 1}, {"templateId", t.id}, {"name", t.name}};
  if (with_html) out["html"] = t.html;
  return out;
}

struct TestEmail {
  delivery::EmailMessage message;
  std::string smtp_value_json;
};

// Reads the test campaign, fills it from the model, renders it against the given attributes
// ({{run.data.<key>}} and {{contact.email}}) and finds the node's SMTP setting.
core::Result<TestEmail> ReadTestEmail(Services& s, const Call& call, const json::object& body) {
  FieldReader r(body);
  RIVULET_RETURN_IF_ERROR(
      r.OnlyKnown({"modelIdentifier", "senderName", "senderEmail", "senderReplyTo", "subject",
                   "htmlContent", "textContent", "customRef", "email", "attributes"}));
  RIVULET_ASSIGN_OR_RETURN(auto model, r.Int("modelIdentifier"));
  RIVULET_ASSIGN_OR_RETURN(auto sender_name, r.String("senderName", 200));
  RIVULET_ASSIGN_OR_RETURN(auto sender_email, r.String("senderEmail", 320, true));
  RIVULET_ASSIGN_OR_RETURN(auto reply_to, r.String("senderReplyTo", 320));
  RIVULET_ASSIGN_OR_RETURN(auto subject, r.String("subject", 2000));
  RIVULET_ASSIGN_OR_RETURN(auto html, r.String("htmlContent", 256 * 1024));
  RIVULET_ASSIGN_OR_RETURN(auto text, r.String("textContent", 256 * 1024));
  RIVULET_ASSIGN_OR_RETURN(auto custom_ref, r.String("customRef", 200));
  RIVULET_ASSIGN_OR_RETURN(auto to, r.String("email", 320, true));
  auto from = core::NormalizeEmail(*sender_email);
  if (!from.ok()) return FieldError("senderEmail", "is not an e-mail address");
  auto rcpt = core::NormalizeEmail(*to);
  if (!rcpt.ok()) return FieldError("email", "is not an e-mail address");
  if (reply_to && !reply_to->empty() && !core::NormalizeEmail(*reply_to).ok()) {
    return FieldError("senderReplyTo", "is not an e-mail address");
  }
  json::object data;
  if (const json::value* attrs = r.Raw("attributes"); attrs && !attrs->is_null()) {
    if (!attrs->is_array() || attrs->as_array().size() > 200) {
      return FieldError("attributes", "must be an array of at most 200 {key, value}");
    }
    for (size_t i = 0; i < attrs->as_array().size(); ++i) {
      const json::value& a = attrs->as_array()[i];
      std::string path = "attributes[" + std::to_string(i) + "]";
      if (!a.is_object()) return FieldError(path, "must be an object");
      FieldReader ar(a.as_object(), path);
      RIVULET_RETURN_IF_ERROR(ar.OnlyKnown({"key", "value"}));
      RIVULET_ASSIGN_OR_RETURN(auto key, ar.String("key", 100, true));
      const json::value* v = ar.Raw("value");
      data[*key] = v ? *v : json::value(nullptr);
    }
  }
  std::string subj = subject.value_or(""), h = html.value_or(""), t = text.value_or("");
  if (model) {
    RIVULET_ASSIGN_OR_RETURN(auto all, Templates(s, call.workspace_id(), "email"));
    const core::MessageTemplate* found = nullptr;
    for (const auto& m : all) {
      if (m.id == *model) found = &m;
    }
    if (!found) return core::NotFound("mail model " + std::to_string(*model) + " not found");
    if (subj.empty()) subj = found->subject;
    if (h.empty()) h = found->html;
    if (t.empty()) t = found->text;
  }
  if (subj.empty()) return FieldError("subject", "is required (or a model with one)");
  if (h.empty() && t.empty()) return FieldError("htmlContent", "or textContent is required");
  json::object ctx{{"contact", json::object{{"email", *rcpt}}},
                   {"run", json::object{{"data", std::move(data)}}}};
  auto render = [&](const std::string& src, core::Escape esc,
                    const char* field) -> core::Result<std::string> {
    auto tpl = core::Template::Parse(src);
    if (!tpl.ok()) return FieldError(field, "is not a valid template: " + tpl.status().message());
    return tpl->Render(ctx, esc);
  };
  TestEmail out;
  delivery::EmailMessage& m = out.message;
  RIVULET_ASSIGN_OR_RETURN(m.subject, render(subj, core::Escape::kNone, "subject"));
  std::replace_if(
      m.subject.begin(), m.subject.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  RIVULET_ASSIGN_OR_RETURN(m.html, render(h, core::Escape::kHtml, "htmlContent"));
  RIVULET_ASSIGN_OR_RETURN(m.text, render(t, core::Escape::kNone, "textContent"));
  m.from_name = sender_name.value_or("");
  m.from_address = *from;
  m.reply_to = reply_to.value_or("");
  m.to_address = *rcpt;
  if (custom_ref && !custom_ref->empty()) m.extra_headers.push_back({"X-Custom-Ref", *custom_ref});
  m.extra_headers.push_back({"X-Rivulet-Test", "true"});
  std::vector<core::WorkspaceSetting> settings;
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(settings, txn.ListSettings(call.workspace_id()));
    return core::Status::Ok();
  }));
  for (const auto& x : settings) {
    if (x.type == "SMTP") out.smtp_value_json = x.value_json;
  }
  if (out.smtp_value_json.empty()) {
    return core::FailedPrecondition("the node has no SMTP setting to send through");
  }
  return out;
}

}  // namespace

void RegisterContentRoutes(http::Router& router, Services& s, Worker& worker) {
  const std::string base = "/contactflow/external-contents";
  AddSync(router, "GET", base + "/email-designer", [](const Call&) -> core::Result<Response> {
    return JsonResponse(200, json::object{{"enabled", false}});
  });

  for (const auto& [path, kind] :
       {std::pair{"/mail-models", "email"}, std::pair{"/sms-models", "sms"}}) {
    std::string k = kind;
    AddSync(router, "GET", base + path, [&s, k](const Call& call) -> core::Result<Response> {
      RIVULET_ASSIGN_OR_RETURN(auto all, Templates(s, call.workspace_id(), k));
      json::array out;
      for (const auto& t : all) out.push_back(ModelJson(t));
      return JsonResponse(200, out);
    });
  }

  AddSync(
      router, "GET", base + "/pagebuilder/templates",
      [&s](const Call& call) -> core::Result<Response> {
        RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
        FieldReader r(q);
        RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"page", "size"}));
        RIVULET_ASSIGN_OR_RETURN(PageRequest page, ReadPage(r));
        RIVULET_ASSIGN_OR_RETURN(auto all, Templates(s, call.workspace_id(), "email"));
        std::vector<core::MessageTemplate> pages;
        for (auto& t : all) {
          if (!t.html.empty()) pages.push_back(std::move(t));
        }
        int64_t total = static_cast<int64_t>(pages.size());
        json::array elements;
        for (int64_t i = page.page * page.size; i < total && i < (page.page + 1) * page.size; ++i) {
          elements.push_back(json::object{{"id", pages[i].id},
                                          {"name", pages[i].name},
                                          {"created", core::FormatIsoUtc(pages[i].created_at)},
                                          {"updated", core::FormatIsoUtc(pages[i].updated_at)}});
        }
        return JsonResponse(200, PageJson(std::move(elements), total, page));
      });

  AddSync(router, "GET", base + "/pagebuilder/templates/{templateId}/pages",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
            FieldReader r(q);
            RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"page", "size"}));
            RIVULET_ASSIGN_OR_RETURN(PageRequest page, ReadPage(r));
            RIVULET_ASSIGN_OR_RETURN(core::MessageTemplate t, PageTemplate(s, call));
            json::array elements;
            if (page.page == 0) elements.push_back(PageJson1(t, false));
            return JsonResponse(200, PageJson(std::move(elements), 1, page));
          });

  AddSync(router, "GET", base + "/pagebuilder/templates/{templateId}/pages/{pageId}",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(core::MessageTemplate t, PageTemplate(s, call));
            if (call.Param("pageId") != "1") {
              std::string_view id = call.Param("pageId");
              bool digits = !id.empty() && id.size() < 19 &&
                            id.find_first_not_of("0123456789") == std::string_view::npos;
              if (!digits) return FieldError("pageId", "must be an integer");
              return core::NotFound("page " + std::string(id) + " not found");
            }
            return JsonResponse(200, PageJson1(t, true));
          });

  http::RouteOptions big;
  big.max_body_bytes = kTestEmailBodyBytes;
  AddAsync(
      router, "POST", base + "/test-email",
      [&s, &worker](const Call& call, Respond respond) {
        http::Limits limits = s.limits;
        limits.max_body_bytes = kTestEmailBodyBytes;
        auto body = ReadBody(call, limits);
        if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
        auto mail = ReadTestEmail(s, call, *body);
        if (!mail.ok()) return respond(ErrorResponse(mail.status(), call.request));
        worker.Post([&s, &worker, mail = std::move(mail).value(), meta = Meta(call.request),
                     respond = std::move(respond)] {
          auto settings =
              delivery::SmtpSettingsFromValue(mail.smtp_value_json, mail.message.from_address);
          if (!settings.ok()) return respond(ErrorResponse(settings.status(), meta));
          delivery::Outcome out = worker.email().Send(*settings, mail.message, s.clock.Now());
          if (out.delivered()) return respond(Response::NoContent());
          std::string why = "the test e-mail was not accepted: " + out.detail;
          respond(ErrorResponse(
              out.retryable() ? core::Unavailable(why) : core::FailedPrecondition(why), meta));
        });
      },
      big);
}

}  // namespace rivulet::api::contactflow
