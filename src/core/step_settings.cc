#include "core/step_settings.h"

#include <boost/json.hpp>

#include "core/contact_rules.h"

namespace rivulet::core {
namespace json = boost::json;

namespace {

Status Bad(const std::string& field, const std::string& message) {
  Status st = InvalidArgument(field + " " + message);
  st.WithField(field, message);
  return st;
}

// Small typed readers over the settings object; absent keys keep defaults.
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}

  Status Known(std::initializer_list<std::string_view> keys) const {
    for (const auto& kv : o_) {
      if (std::find(keys.begin(), keys.end(), kv.key()) == keys.end()) {
        return Bad(std::string(kv.key()), "is not a setting of this step type");
      }
    }
    return Status::Ok();
  }
  Status Str(std::string_view key, std::string& out, bool required, size_t max = 256 * 1024) const {
    const json::value* v = o_.if_contains(key);
    if (!v || v->is_null()) return required ? Bad(std::string(key), "is required") : Status::Ok();
    if (!v->is_string() || v->as_string().size() > max || !IsValidUtf8(v->as_string())) {
      return Bad(std::string(key), "must be a string of at most " + std::to_string(max) + " bytes");
    }
    out = std::string(v->as_string());
    if (required && out.empty()) return Bad(std::string(key), "is required");
    return Status::Ok();
  }
  Status Int(std::string_view key, int64_t& out, bool required, int64_t min, int64_t max) const {
    const json::value* v = o_.if_contains(key);
    if (!v || v->is_null()) return required ? Bad(std::string(key), "is required") : Status::Ok();
    if (!v->is_int64() && !(v->is_uint64() && v->as_uint64() <= INT64_MAX)) {
      return Bad(std::string(key), "must be an integer");
    }
    int64_t n = v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64());
    if (n < min || n > max) {
      return Bad(std::string(key), "must be from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = n;
    return Status::Ok();
  }
  Status Obj(std::string_view key, std::string& out) const {
    const json::value* v = o_.if_contains(key);
    if (!v || v->is_null()) return Status::Ok();
    if (!v->is_object()) return Bad(std::string(key), "must be an object");
    out = json::serialize(*v);
    return Status::Ok();
  }
  Status Tags(std::string_view key, std::vector<std::string>& out) const {
    const json::value* v = o_.if_contains(key);
    if (!v || v->is_null()) return Status::Ok();
    if (!v->is_array() || v->as_array().size() > 100) {
      return Bad(std::string(key), "must be an array of at most 100 tags");
    }
    for (const auto& t : v->as_array()) {
      if (!t.is_string() || !IsValidTag(t.as_string())) {
        return Bad(std::string(key), "tags are 1 to 64 of [A-Za-z0-9_.:-]");
      }
      out.emplace_back(t.as_string());
    }
    return Status::Ok();
  }
  const json::value* Raw(std::string_view key) const { return o_.if_contains(key); }

 private:
  const json::object& o_;
};

constexpr int64_t kMaxDelaySeconds = 10LL * 365 * 86400;

Status ParseWait(const Reader& r, WaitSettings& w) {
  RIVULET_RETURN_IF_ERROR(r.Int("delay_seconds", w.delay_seconds, false, 0, kMaxDelaySeconds));
  std::string at;
  RIVULET_RETURN_IF_ERROR(r.Str("at", at, false, 5));
  if (!at.empty()) {
    if (at.size() != 5 || at[2] != ':' || !std::isdigit(static_cast<unsigned char>(at[0])) ||
        !std::isdigit(static_cast<unsigned char>(at[1])) ||
        !std::isdigit(static_cast<unsigned char>(at[3])) ||
        !std::isdigit(static_cast<unsigned char>(at[4]))) {
      return Bad("at", "must be a time of day HH:MM");
    }
    int h = (at[0] - '0') * 10 + (at[1] - '0');
    int m = (at[3] - '0') * 10 + (at[4] - '0');
    if (h > 23 || m > 59) return Bad("at", "must be a time of day HH:MM");
    w.at_minute_of_day = h * 60 + m;
  }
  if (const json::value* days = r.Raw("weekdays"); days && !days->is_null()) {
    if (!days->is_array()) return Bad("weekdays", "must be an array of 1 (Monday) to 7");
    for (const auto& d : days->as_array()) {
      if (!d.is_int64() || d.as_int64() < 1 || d.as_int64() > 7) {
        return Bad("weekdays", "must be an array of 1 (Monday) to 7");
      }
      w.weekdays.push_back(static_cast<int>(d.as_int64()));
    }
    if (!w.at_minute_of_day) return Bad("weekdays", "needs \"at\"");
  }
  RIVULET_RETURN_IF_ERROR(r.Str("timezone", w.timezone, false, 64));
  if (w.timezone.empty()) w.timezone = "contact";
  return Status::Ok();
}

}  // namespace

Result<StepSettings> ParseStepSettings(StepType type, std::string_view config_json) {
  boost::system::error_code ec;
  json::value v = json::parse(config_json.empty() ? std::string_view("{}") : config_json, ec);
  if (ec || !v.is_object()) return InvalidArgument("step settings must be a JSON object");
  Reader r(v.as_object());
  switch (type) {
    case StepType::kNoAction: {
      RIVULET_RETURN_IF_ERROR(r.Known({}));
      return StepSettings(NoSettings{});
    }
    case StepType::kWait:
    case StepType::kFromLastStep: {
      RIVULET_RETURN_IF_ERROR(r.Known({"delay_seconds", "at", "weekdays", "timezone"}));
      WaitSettings w;
      RIVULET_RETURN_IF_ERROR(ParseWait(r, w));
      return StepSettings(w);
    }
    case StepType::kWaitAndCheck: {
      RIVULET_RETURN_IF_ERROR(r.Known({"delay_seconds", "at", "weekdays", "timezone", "condition"}));
      CheckSettings c;
      RIVULET_RETURN_IF_ERROR(ParseWait(r, c.wait));
      RIVULET_RETURN_IF_ERROR(r.Obj("condition", c.condition_json));
      if (c.condition_json.empty()) return Bad("condition", "is required");
      return StepSettings(c);
    }
    case StepType::kWaitForTrigger: {
      RIVULET_RETURN_IF_ERROR(r.Known({"event_type", "condition", "timeout_seconds"}));
      WaitForTriggerSettings t;
      RIVULET_RETURN_IF_ERROR(r.Str("event_type", t.event_type, true, 64));
      if (!IsValidEventType(t.event_type)) return Bad("event_type", "is not a valid event type");
      RIVULET_RETURN_IF_ERROR(r.Obj("condition", t.condition_json));
      RIVULET_RETURN_IF_ERROR(r.Int("timeout_seconds", t.timeout_seconds, true, 1, kMaxDelaySeconds));
      return StepSettings(t);
    }
    case StepType::kEmail: {
      RIVULET_RETURN_IF_ERROR(r.Known({"sender_uuid", "from_name", "from_address", "reply_to",
                                       "template_uuid", "subject", "html", "text"}));
      EmailSettings e;
      RIVULET_RETURN_IF_ERROR(r.Str("sender_uuid", e.sender_uuid, false, 64));
      RIVULET_RETURN_IF_ERROR(r.Str("from_name", e.from_name, false, 200));
      RIVULET_RETURN_IF_ERROR(r.Str("from_address", e.from_address, false, 254));
      RIVULET_RETURN_IF_ERROR(r.Str("reply_to", e.reply_to, false, 254));
      RIVULET_RETURN_IF_ERROR(r.Str("template_uuid", e.template_uuid, false, 64));
      RIVULET_RETURN_IF_ERROR(r.Str("subject", e.subject, false, 2000));
      RIVULET_RETURN_IF_ERROR(r.Str("html", e.html, false));
      RIVULET_RETURN_IF_ERROR(r.Str("text", e.text, false));
      if (e.sender_uuid.empty() && e.from_address.empty()) {
        return Bad("sender_uuid", "or from_address is required");
      }
      if (!e.from_address.empty() && !NormalizeEmail(e.from_address).ok()) {
        return Bad("from_address", "is not an e-mail address");
      }
      if (e.template_uuid.empty() && (e.subject.empty() || (e.html.empty() && e.text.empty()))) {
        return Bad("template_uuid", "or a subject with html or text is required");
      }
      return StepSettings(e);
    }
    case StepType::kSms: {
      RIVULET_RETURN_IF_ERROR(r.Known({"text"}));
      SmsSettings s;
      RIVULET_RETURN_IF_ERROR(r.Str("text", s.text, true, 2000));
      return StepSettings(s);
    }
    case StepType::kWebhook: {
      RIVULET_RETURN_IF_ERROR(r.Known({"url", "headers", "body"}));
      WebhookSettings w;
      RIVULET_RETURN_IF_ERROR(r.Str("url", w.url, true, 2048));
      if (w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0) {
        return Bad("url", "must be an http:// or https:// URL");
      }
      if (const json::value* h = r.Raw("headers"); h && !h->is_null()) {
        if (!h->is_object() || h->as_object().size() > 50) {
          return Bad("headers", "must be an object of at most 50 string values");
        }
        for (const auto& kv : h->as_object()) {
          bool name_ok = !kv.key().empty() && kv.key().size() <= 100 &&
                         std::all_of(kv.key().begin(), kv.key().end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                         });
          if (!name_ok || !kv.value().is_string() ||
              kv.value().as_string().find_first_of("\r\n") != json::string::npos) {
            return Bad("headers", "names are [A-Za-z0-9-], values strings without line breaks");
          }
          w.headers.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
        }
      }
      RIVULET_RETURN_IF_ERROR(r.Str("body", w.body, false, 64 * 1024));
      return StepSettings(w);
    }
    case StepType::kTag: {
      RIVULET_RETURN_IF_ERROR(r.Known({"add", "remove", "set_attributes"}));
      TagSettings t;
      RIVULET_RETURN_IF_ERROR(r.Tags("add", t.add));
      RIVULET_RETURN_IF_ERROR(r.Tags("remove", t.remove));
      RIVULET_RETURN_IF_ERROR(r.Obj("set_attributes", t.set_attributes_json));
      return StepSettings(t);
    }
    case StepType::kAbTest: {
      RIVULET_RETURN_IF_ERROR(r.Known({"variants"}));
      AbTestSettings ab;
      const json::value* vs = r.Raw("variants");
      if (!vs || !vs->is_array() || vs->as_array().size() < 2 || vs->as_array().size() > 10) {
        return Bad("variants", "must be an array of 2 to 10 {name, weight}");
      }
      for (const auto& item : vs->as_array()) {
        if (!item.is_object()) return Bad("variants", "must be an array of {name, weight}");
        Reader vr(item.as_object());
        AbVariant var;
        int64_t weight = 0;
        RIVULET_RETURN_IF_ERROR(vr.Str("name", var.name, true, 32));
        RIVULET_RETURN_IF_ERROR(vr.Int("weight", weight, true, 0, 100));
        if (!IsValidTag(var.name)) return Bad("variants", "names are 1 to 32 of [A-Za-z0-9_.:-]");
        var.weight = static_cast<int>(weight);
        for (const auto& other : ab.variants) {
          if (other.name == var.name) return Bad("variants", "names must be unique");
        }
        ab.variants.push_back(var);
      }
      return StepSettings(ab);
    }
    case StepType::kIssueCredits: {
      RIVULET_RETURN_IF_ERROR(r.Known({"credits"}));
      IssueCreditsSettings c;
      RIVULET_RETURN_IF_ERROR(r.Int("credits", c.credits, true, 1, 1'000'000'000));
      return StepSettings(c);
    }
  }
  return InvalidArgument("unknown step type");
}

std::vector<std::string> AllowedBranches(StepType type, const StepSettings& settings) {
  switch (type) {
    case StepType::kEmail:
    case StepType::kSms:
    case StepType::kWebhook:
      return {std::string(kBranchDefault), std::string(kBranchError)};
    case StepType::kWaitAndCheck:
      return {std::string(kBranchYes), std::string(kBranchNo)};
    case StepType::kWaitForTrigger:
      return {std::string(kBranchTriggered), std::string(kBranchTimeout)};
    case StepType::kAbTest: {
      std::vector<std::string> out;
      if (const auto* ab = std::get_if<AbTestSettings>(&settings)) {
        for (const auto& v : ab->variants) out.push_back("variant:" + v.name);
      }
      return out;
    }
    default:
      return {std::string(kBranchDefault)};
  }
}

bool BranchRequired(StepType type, std::string_view) { return type == StepType::kAbTest; }

}  // namespace rivulet::core
