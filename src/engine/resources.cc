#include "engine/resources.h"

#include <boost/json.hpp>

#include "core/contact_rules.h"
#include "core/template.h"

namespace rivulet::engine {
namespace json = boost::json;

namespace {

constexpr const char* kMask = "********";
constexpr const char* kSecretKeys[] = {"password", "secret", "token", "api_key"};

bool IsSecretKey(std::string_view key) {
  for (const char* k : kSecretKeys) {
    if (key == k) return true;
  }
  return false;
}

core::Status Bad(const std::string& field, const std::string& msg) {
  core::Status st = core::InvalidArgument(field + " " + msg);
  st.WithField(field, msg);
  return st;
}

std::string Str(const json::object& o, const char* k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

core::Status ValidateSetting(const core::WorkspaceSetting& s) {
  if (s.category != "INTEGRATION") return Bad("category", "must be INTEGRATION");
  boost::system::error_code ec;
  json::value v = json::parse(s.value_json, ec);
  if (ec || !v.is_object()) return Bad("value", "must be an object");
  const json::object& o = v.as_object();
  if (s.type == "SMTP") {
    std::string url = Str(o, "url");
    if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0) {
      return Bad("value.url", "must be smtp://host:port or smtps://host:port");
    }
    std::string tls = Str(o, "tls");
    if (!tls.empty() && tls != "none" && tls != "starttls" && tls != "required") {
      return Bad("value.tls", "must be none, starttls or required");
    }
  } else if (s.type == "SMS_GATEWAY") {
    std::string url = Str(o, "url");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      return Bad("value.url", "must be an http:// or https:// URL");
    }
    if (std::string body = Str(o, "body"); !body.empty() && !core::Template::Parse(body).ok()) {
      return Bad("value.body", "is not a valid template");
    }
  } else if (s.type == "WEBHOOK_SIGNING") {
    if (Str(o, "secret").size() < 16) return Bad("value.secret", "must be at least 16 characters");
  } else if (s.type != "CLAB_API_SOAP" && s.type != "HUB") {
    return Bad("type", "must be SMTP, SMS_GATEWAY, WEBHOOK_SIGNING, CLAB_API_SOAP or HUB");
  }
  if (s.value_json.size() > 64 * 1024) return Bad("value", "must be at most 65536 bytes");
  return core::Status::Ok();
}

std::string MaskedSettingValue(const core::WorkspaceSetting& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s.value_json, ec);
  if (ec || !v.is_object()) return "{}";
  for (auto& kv : v.as_object()) {
    if (IsSecretKey(kv.key()) && kv.value().is_string() && !kv.value().as_string().empty()) {
      kv.value() = kMask;
    }
    if (kv.key() == "headers" && kv.value().is_object()) {
      for (auto& h : kv.value().as_object()) h.value() = kMask;
    }
  }
  return json::serialize(v);
}

std::string MergeMaskedSecrets(const std::string& new_value, const std::string& stored_value) {
  boost::system::error_code ec;
  json::value nv = json::parse(new_value, ec);
  if (ec || !nv.is_object()) return new_value;
  json::value old = json::parse(stored_value, ec);
  if (ec || !old.is_object()) return new_value;
  for (auto& kv : nv.as_object()) {
    if (kv.value().is_string() && kv.value().as_string() == kMask) {
      if (const json::value* prev = old.as_object().if_contains(kv.key())) kv.value() = *prev;
    }
    if (kv.key() == "headers" && kv.value().is_object()) {
      const json::value* prev = old.as_object().if_contains("headers");
      for (auto& h : kv.value().as_object()) {
        if (h.value().is_string() && h.value().as_string() == kMask && prev && prev->is_object()) {
          if (const json::value* p = prev->as_object().if_contains(h.key())) h.value() = *p;
        }
      }
    }
  }
  return json::serialize(nv);
}

core::Status ValidateSender(const core::Sender& s) {
  if (s.name.empty() || s.name.size() > 200) return Bad("name", "must be 1 to 200 characters");
  if (!core::NormalizeEmail(s.from_address).ok()) return Bad("from_address", "is not an e-mail address");
  if (!s.reply_to.empty() && !core::NormalizeEmail(s.reply_to).ok()) {
    return Bad("reply_to", "is not an e-mail address");
  }
  if (s.from_name.size() > 200 || s.from_name.find_first_of("\r\n") != std::string::npos) {
    return Bad("from_name", "must be at most 200 characters on one line");
  }
  return core::Status::Ok();
}

core::Status ValidateTemplate(const core::MessageTemplate& t) {
  if (t.name.empty() || t.name.size() > 200) return Bad("name", "must be 1 to 200 characters");
  if (t.kind != "email" && t.kind != "sms") return Bad("kind", "must be email or sms");
  if (t.kind == "email" && (t.subject.empty() || (t.html.empty() && t.text.empty()))) {
    return Bad("subject", "and html or text are required for an e-mail template");
  }
  if (t.kind == "sms" && t.text.empty()) return Bad("text", "is required for an SMS template");
  for (auto [field, text] : {std::pair{"subject", &t.subject}, std::pair{"html", &t.html},
                             std::pair{"text", &t.text}}) {
    if (text->empty()) continue;
    auto parsed = core::Template::Parse(*text);
    if (!parsed.ok()) return Bad(field, parsed.status().message());
  }
  return core::Status::Ok();
}

}  // namespace rivulet::engine
