#include "delivery/smtp_setting.h"

#include "core/json_text.h"

namespace rivulet::delivery {
namespace json = boost::json;

namespace {
std::string Str(const json::object& o, const char* k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
}  // namespace

core::Result<SmtpSettings> SmtpSettingsFromValue(std::string_view value_json,
                                                 std::string_view from_address) {
  json::object smtp = core::ParseJsonObject(value_json);
  SmtpSettings settings;
  settings.url = Str(smtp, "url");
  if (settings.url.empty()) return core::FailedPrecondition("the SMTP setting has no url");
  settings.username = Str(smtp, "username");
  settings.password = Str(smtp, "password");
  std::string tls = Str(smtp, "tls");
  settings.tls = tls == "required" ? SmtpSettings::Tls::kStartTlsRequired
                 : tls == "none"   ? SmtpSettings::Tls::kNone
                                   : SmtpSettings::Tls::kStartTlsIfAvailable;
  if (auto* v = smtp.if_contains("verify_peer"); v && v->is_bool()) {
    settings.verify_peer = v->as_bool();
  }
  settings.helo_domain = Str(smtp, "helo_domain");
  if (settings.helo_domain.empty()) {
    auto at = from_address.find('@');
    if (at != std::string_view::npos)
      settings.helo_domain = std::string(from_address.substr(at + 1));
  }
  return settings;
}

}  // namespace rivulet::delivery
