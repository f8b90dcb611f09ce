#include "api/contactflow/batch_notifier.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "api/json_input.h"
#include "core/contact_rules.h"
#include "core/json_text.h"
#include "delivery/smtp_setting.h"
#include "delivery/webhook_signature.h"

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

namespace {

// Sends the notification; returns "" when delivered, else why not.
std::string Deliver(Services& s, Worker& worker, const std::string& automation_uuid,
                    const core::BatchSource& src) {
  json::object n = core::ParseJsonObject(src.notification_json);
  bool ok = src.status == core::BatchStatus::kEnabledOkNotifying;
  json::object report{{"automationUuid", automation_uuid}, {"sourceUuid", src.uuid},
                      {"sourceLabel", src.label},          {"result", ok ? "OK" : "ERROR"},
                      {"customers", src.accepted},         {"rejected", src.rejected},
                      {"lastError", src.last_error}};
  auto str = [&](const char* k) {
    auto* v = n.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::vector<core::WorkspaceSetting> settings;
  std::vector<core::Sender> senders;
  core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(settings, txn.ListSettings(src.workspace_id));
    RIVULET_ASSIGN_OR_RETURN(senders, txn.ListSenders(src.workspace_id));
    return core::Status::Ok();
  });
  if (!st.ok()) return st.message();
  const core::WorkspaceSetting* smtp = nullptr;
  const core::WorkspaceSetting* signing = nullptr;
  for (const auto& x : settings) {
    if (x.type == "SMTP") smtp = &x;
    if (x.type == "WEBHOOK_SIGNING") signing = &x;
  }
  if (str("type") == "WEBHOOK") {
    delivery::HttpRequest req;
    req.url = str("url");
    req.headers = {{"Content-Type", "application/json"}};
    req.body = json::serialize(report);
    if (signing) {
      json::object v = core::ParseJsonObject(signing->value_json);
      if (auto* secret = v.if_contains("secret"); secret && secret->is_string()) {
        req.headers.emplace_back(
            std::string(delivery::kWebhookSignatureHeader),
            delivery::SignWebhook(secret->as_string(), s.clock.Now(), req.body));
      }
    }
    delivery::Outcome out = worker.http().Send(req);
    return out.delivered()      ? ""
           : out.detail.empty() ? "HTTP " + std::to_string(out.code)
                                : out.detail;
  }
  // EMAIL: the node's SMTP relay, from its first sender.
  if (!smtp) return "the node has no SMTP setting";
  if (senders.empty()) return "the node has no sender";
  auto smtp_settings =
      delivery::SmtpSettingsFromValue(smtp->value_json, senders.front().from_address);
  if (!smtp_settings.ok()) return smtp_settings.status().message();
  delivery::EmailMessage m;
  m.from_name = senders.front().from_name;
  m.from_address = senders.front().from_address;
  m.to_address = str("recipient");
  m.subject = "Contactflow batch " + (src.label.empty() ? src.uuid : src.label) + ": " +
              (ok ? "processed" : "processed with errors");
  m.text = json::serialize(report);
  delivery::Outcome out = worker.email().Send(*smtp_settings, m, s.clock.Now());
  return out.delivered()      ? ""
         : out.detail.empty() ? "SMTP " + std::to_string(out.code)
                              : out.detail;
}

}  // namespace

void Notify(Services& s, Worker& worker, std::shared_ptr<engine::Batches> batches,
            const std::string& automation_uuid, const core::BatchSource& source) {
  worker.Post([&s, &worker, batches, automation_uuid, source] {
    std::string problem = Deliver(s, worker, automation_uuid, source);
    batches->RecordNotification(
        source.workspace_id, source.automation_id, source.uuid, problem.empty(), problem,
        [uuid = source.uuid, problem](core::Result<core::BatchSource> r) {
          if (!r.ok()) {
            spdlog::warn("batch {}: recording its notification failed: {}", uuid,
                         r.status().message());
          } else if (!problem.empty()) {
            spdlog::warn("batch {}: notification not delivered: {}", uuid, problem);
          }
        });
  });
}

}  // namespace rivulet::api::contactflow
