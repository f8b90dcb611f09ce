#include "engine/journeys.h"

#include <date/tz.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <optional>

#include "core/channel_switch.h"
#include "core/condition.h"
#include "core/crypto.h"
#include "core/json_text.h"
#include "core/step_settings.h"
#include "core/template.h"
#include "core/uuid.h"
#include "engine/batches.h"
#include "engine/contacts.h"

namespace rivulet::engine {
namespace json = boost::json;
using core::Automation;
using core::Millis;
using core::Step;
using core::StepPhase;
using core::StepType;
using core::Token;
using core::TokenStatus;

// ---------------------------------------------------------------------------------------
// Effects

void Effects::Count(int64_t automation_id, const std::string& step_uuid, const std::string& name,
                    int64_t delta) {
  counters_[{automation_id, step_uuid, name}] += delta;
}

void Effects::WakeAt(Millis t) {
  if (!earliest_wake_ || t < *earliest_wake_) earliest_wake_ = t;
}

Status Effects::Flush(store::WriteTxn& txn) {
  if (counters_.empty()) return Status::Ok();
  std::vector<store::CounterDelta> deltas;
  deltas.reserve(counters_.size());
  for (const auto& [key, delta] : counters_) {
    const auto& [automation, step, name] = key;
    deltas.push_back({automation, step, name, delta});
  }
  counters_.clear();
  return txn.AddCounters(deltas);
}

// ---------------------------------------------------------------------------------------
// Helpers

namespace {

json::object ContactObject(const core::Contact& c) {
  json::value attrs = core::ParseJsonOr(c.attributes_json, json::object());
  json::object o = attrs.is_object() ? attrs.as_object() : json::object();
  // Attributes at the top level ({{contact.first_name}}) and under "attributes".
  o["attributes"] = attrs;
  o["uuid"] = c.uuid;
  o["email"] = c.email ? json::value(*c.email) : json::value(nullptr);
  o["phone"] = c.phone ? json::value(*c.phone) : json::value(nullptr);
  o["external_id"] = c.external_id ? json::value(*c.external_id) : json::value(nullptr);
  o["tags"] = core::ParseJsonOr(c.tags_json, json::array());
  o["timezone"] = c.timezone;
  return o;
}

// The next instant at local time-of-day (and weekday) in tz after now.
Millis NextLocalTime(Millis now, int minute_of_day, const std::vector<int>& weekdays,
                     const std::string& tz_name) {
  using namespace std::chrono;
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(tz_name.empty() ? "UTC" : tz_name);
  } catch (const std::exception&) {  // unknown zone: UTC
    tz = date::locate_zone("UTC");
  }
  auto now_tp = sys_time<milliseconds>(milliseconds(now));
  auto local_now = tz->to_local(now_tp);
  auto local_day = floor<days>(local_now);
  for (int i = 0; i < 8; ++i) {
    auto day = local_day + days(i);
    auto candidate_local = day + minutes(minute_of_day);
    if (!weekdays.empty()) {
      unsigned iso = date::weekday(date::local_days(day)).iso_encoding();
      if (std::find(weekdays.begin(), weekdays.end(), static_cast<int>(iso)) == weekdays.end()) {
        continue;
      }
    }
    // Read with the offset in force before it, a time in a DST gap moves forward by the
    // gap (02:30 → 03:30); an ambiguous time takes its first occurrence.
    auto info = tz->get_info(date::local_time<milliseconds>(candidate_local));
    auto candidate = sys_time<milliseconds>(candidate_local.time_since_epoch() - info.first.offset);
    if (candidate.time_since_epoch().count() > now) return candidate.time_since_epoch().count();
  }
  return now + 86'400'000;
}

Millis WaitUntil(const core::WaitSettings& w, Millis from, const Automation& a,
                 const core::Contact* contact) {
  Millis until = from + w.delay_seconds * 1000;
  if (w.at_minute_of_day) {
    std::string tz = w.timezone;
    if (tz == "contact")
      tz = contact && !contact->timezone.empty() ? contact->timezone : a.timezone;
    if (tz == "automation") tz = a.timezone;
    until = NextLocalTime(until, *w.at_minute_of_day, w.weekdays, tz);
  }
  return until;
}

int AbBucket(const std::string& token_uuid, const std::string& step_uuid) {
  std::string h = core::Sha256(token_uuid + "/" + step_uuid);
  uint32_t n = (static_cast<uint8_t>(h[0]) << 24) | (static_cast<uint8_t>(h[1]) << 16) |
               (static_cast<uint8_t>(h[2]) << 8) | static_cast<uint8_t>(h[3]);
  return static_cast<int>(n % 100);
}

Result<bool> EvaluateCondition(const std::string& condition_json, const std::string& context_json,
                               Millis now) {
  if (condition_json.empty()) return true;
  json::value cond = core::ParseJsonOr(condition_json, json::value());
  auto parsed = core::Condition::Parse(cond);
  if (!parsed.ok()) return parsed.status();
  json::value ctx = core::ParseJsonOr(context_json, json::object());
  return parsed->Evaluate(ctx.as_object(), now);
}

Result<std::string> Render(const std::string& source, const json::object& context,
                           core::Escape escape) {
  if (source.empty()) return std::string();
  RIVULET_ASSIGN_OR_RETURN(core::Template t, core::Template::Parse(source));
  return t.Render(context, escape);
}

void Finish(Token& token, TokenStatus status, Millis now) {
  token.status = status;
  token.wake_at.reset();
  token.waiting_event.clear();
  token.updated_at = now;
}

}  // namespace

// What running a step decided.
struct Journeys::StepOutcome {
  enum class Kind { kNext, kWait, kDelivery, kError } kind = Kind::kNext;
  std::string branch = std::string(core::kBranchDefault);
  Millis until = 0;
  std::string error;
  static StepOutcome Next(std::string b) { return {Kind::kNext, std::move(b), 0, ""}; }
  static StepOutcome Wait(Millis t) { return {Kind::kWait, "", t, ""}; }
  static StepOutcome Delivery() { return {Kind::kDelivery, "", 0, ""}; }
  static StepOutcome Error(std::string e) { return {Kind::kError, "", 0, std::move(e)}; }
};

// ---------------------------------------------------------------------------------------
// Links

std::string Journeys::LinkSignature(std::string_view kind, std::string_view message_uuid) const {
  return core::HmacSha256Hex(config_.link_secret,
                             std::string(kind) + ":" + std::string(message_uuid))
      .substr(0, 32);
}

bool Journeys::CheckLinkSignature(std::string_view kind, std::string_view message_uuid,
                                  std::string_view signature) const {
  return core::ConstantTimeEquals(LinkSignature(kind, message_uuid), signature);
}

std::string Journeys::UnsubscribeUrl(const std::string& message_uuid) const {
  return config_.public_base_url + "/t/u/" + message_uuid +
         "?s=" + LinkSignature("u", message_uuid);
}

std::string Journeys::ClickSignature(std::string_view message_uuid, std::string_view target) const {
  return LinkSignature("c", std::string(message_uuid) + "|" + std::string(target));
}

namespace {
std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string HtmlUnescapeAmp(std::string s) {
  for (size_t pos; (pos = s.find("&amp;")) != std::string::npos;) s.replace(pos, 5, "&");
  return s;
}
}  // namespace

std::string Journeys::AddTracking(const std::string& html, const std::string& message_uuid) const {
  std::string out;
  out.reserve(html.size() + 256);
  size_t i = 0;
  // href="http…" and href='http…' become signed click links; other links stay as they are.
  while (true) {
    size_t pos = html.find("href=", i);
    if (pos == std::string::npos || pos + 6 >= html.size()) break;
    char quote = html[pos + 5];
    if (quote != '"' && quote != '\'') {
      out.append(html, i, pos + 5 - i);
      i = pos + 5;
      continue;
    }
    size_t end = html.find(quote, pos + 6);
    if (end == std::string::npos) break;
    std::string target = HtmlUnescapeAmp(html.substr(pos + 6, end - pos - 6));
    out.append(html, i, pos + 6 - i);
    if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
      out += config_.public_base_url + "/t/c/" + message_uuid + "?u=" + UrlEncode(target) +
             "&amp;s=" + ClickSignature(message_uuid, target);
    } else {
      out.append(html, pos + 6, end - pos - 6);
    }
    i = end;
  }
  out.append(html, i, std::string::npos);
  std::string pixel = "<img src=\"" + config_.public_base_url + "/t/o/" + message_uuid +
                      ".gif?s=" + LinkSignature("o", message_uuid) +
                      "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
  size_t body_end = out.rfind("</body>");
  if (body_end == std::string::npos) {
    out += pixel;
  } else {
    out.insert(body_end, pixel);
  }
  return out;
}

Status Journeys::RecordMessageEvent(store::WriteTxn& txn, const std::string& message_uuid,
                                    MessageEvent what, Millis now, Effects& effects) {
  RIVULET_ASSIGN_OR_RETURN(core::OutboxMessage m, txn.FindOutboxMessage(message_uuid));
  auto count = [&](const char* name) {
    effects.Count(m.automation_id, m.step_uuid, name);
    effects.Count(m.automation_id, "", name);
  };
  switch (what) {
    case MessageEvent::kOpened:
      count(counter::kOpens);
      if (!m.opened_at) {
        m.opened_at = now;
        count(counter::kUniqueOpens);
      }
      m.open_count++;
      break;
    case MessageEvent::kClicked:
      count(counter::kClicks);
      if (!m.clicked_at) {
        m.clicked_at = now;
        count(counter::kUniqueClicks);
      }
      m.click_count++;
      // A click implies the message was opened, even when images were blocked.
      if (!m.opened_at) {
        m.opened_at = now;
        count(counter::kUniqueOpens);
      }
      break;
    case MessageEvent::kBounced:
      if (m.bounced_at) return Status::Ok();
      m.bounced_at = now;
      count(counter::kBounces);
      break;
    case MessageEvent::kUnsubscribed: {
      if (m.unsubscribed_at) return Status::Ok();
      m.unsubscribed_at = now;
      count(counter::kUnsubscribes);
      RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContactById(m.workspace_id, m.contact_id));
      json::value subs = core::ParseJsonOr(c.subscriptions_json, json::object());
      if (!subs.is_object()) subs = json::object();
      subs.as_object()["email"] = json::object{{"subscribed", false}, {"at", now}};
      RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomationById(m.automation_id));
      if (!a.unsubscribe_group.empty()) {
        json::value& groups = subs.as_object()["groups"];
        if (!groups.is_object()) groups = json::object();
        groups.as_object()[a.unsubscribe_group] = false;
      }
      c.subscriptions_json = json::serialize(subs);
      c.updated_at = now;
      RIVULET_RETURN_IF_ERROR(txn.UpdateContact(c));
      break;
    }
  }
  return txn.UpdateOutboxMessage(m);
}

// ---------------------------------------------------------------------------------------
// Context

Result<std::string> Journeys::ContextJson(store::ReadTxn& txn, const Automation& automation,
                                          const Token& token, const core::Contact& contact) const {
  json::object messages;
  RIVULET_ASSIGN_OR_RETURN(auto sent, txn.MessagesOfToken(token.id));
  for (const auto& m : sent) {
    messages[m.step_uuid] = json::object{{"delivered", m.status == "sent"},
                                         {"opened", m.opened_at.has_value()},
                                         {"clicked", m.clicked_at.has_value()},
                                         {"bounced", m.bounced_at.has_value()},
                                         {"unsubscribed", m.unsubscribed_at.has_value()}};
  }
  json::value event = core::ParseJsonOr(token.event_json, json::object());
  json::object ctx{
      {"contact", ContactObject(contact)},
      {"event", event},
      {"run", json::object{{"data", core::ParseJsonOr(token.run_data_json, json::object())}}},
      {"token", json::object{{"uuid", token.uuid}}},
      {"automation", json::object{{"uuid", automation.uuid}, {"name", automation.name}}},
      {"messages", std::move(messages)},
  };
  return json::serialize(ctx);
}

// ---------------------------------------------------------------------------------------
// Enrollment and triggers

Result<Token> Journeys::Enroll(store::WriteTxn& txn, const Automation& a,
                               const core::Contact& contact, const EnrollOptions& options,
                               Millis now, Effects& effects) {
  using S = core::AutomationStatus;
  if (a.status != S::kRunning && a.status != S::kCommitted && a.status != S::kPaused) {
    return core::FailedPrecondition(std::string("automation is ") +
                                    core::AutomationStatusName(a.status) +
                                    "; it takes no customers");
  }
  if (a.end_date && now > *a.end_date) return core::FailedPrecondition("automation has ended");
  const Step* entry = a.EntryStep();
  if (!entry) return core::FailedPrecondition("automation has no entry step");
  if (a.unique_token || !a.allow_reentry) {
    RIVULET_ASSIGN_OR_RETURN(auto previous, txn.TokensOfContact(a.id, contact.id));
    for (const auto& t : previous) {
      if (a.unique_token || t.status == TokenStatus::kActive) {
        return core::FailedPrecondition(
            a.unique_token ? "contact already entered this automation (uniqueToken)"
                           : "contact is already in this automation");
      }
    }
  }
  Token t;
  t.workspace_id = a.workspace_id;
  t.automation_id = a.id;
  t.uuid = core::NewUuidV7(now);
  t.contact_id = contact.id;
  t.step_uuid = entry->uuid;
  t.phase = StepPhase::kEnter;
  // Before the start date the token waits for it.
  if (!options.held) t.wake_at = a.start_date && *a.start_date > now ? *a.start_date : now;
  t.run_data_json = options.run_data_json;
  t.event_json = options.event_json;
  t.source_uuid = options.source_uuid;
  t.entered_at = t.step_entered_at = t.updated_at = now;
  RIVULET_RETURN_IF_ERROR(txn.InsertToken(t));
  effects.Count(a.id, "", counter::kEntered);
  effects.Count(a.id, entry->uuid, counter::kEntered);
  if (t.wake_at) effects.WakeAt(*t.wake_at);
  return t;
}

namespace {
// Whether the contact belongs to the audience (a missing audience matches nobody).
Result<bool> InAudience(store::ReadTxn& txn, int64_t ws, int64_t audience_id,
                        const json::object& contact_ctx, Millis now) {
  auto audience = txn.FindAudience(ws, audience_id);
  if (!audience.ok()) {
    if (audience.status().code() == core::Code::kNotFound) return false;
    return audience.status();
  }
  auto cond = core::Condition::Parse(core::ParseJsonOr(audience->condition_json, json::value()));
  if (!cond.ok()) return false;
  return cond->Evaluate(contact_ctx, now);
}
}  // namespace

Result<int64_t> Journeys::EnrollAudience(store::WriteTxn& txn, const Automation& a, Millis now,
                                         Effects& effects) {
  if (a.audience_id == 0) return int64_t{0};
  RIVULET_ASSIGN_OR_RETURN(core::Audience audience,
                           txn.FindAudience(a.workspace_id, a.audience_id));
  RIVULET_ASSIGN_OR_RETURN(core::Condition cond, core::Condition::Parse(core::ParseJsonOr(
                                                     audience.condition_json, json::value())));
  int64_t entered = 0;
  store::ContactFilter f;
  f.limit = 500;
  while (true) {
    RIVULET_ASSIGN_OR_RETURN(auto page, txn.ListContacts(a.workspace_id, f));
    for (const auto& c : page) {
      if (!cond.Evaluate(json::object{{"contact", ContactObject(c)}}, now)) continue;
      auto token = Enroll(txn, a, c, EnrollOptions{}, now, effects);
      if (token.ok()) {
        ++entered;
      } else if (token.status().code() != core::Code::kFailedPrecondition) {
        return token.status();
      }
    }
    if (page.size() < static_cast<size_t>(f.limit)) break;
    f.after_id = page.back().id;
  }
  return entered;
}

namespace {

// What conditions see of one event: built on first use, since most events start no journey
// and wake no token.
class EventContext {
 public:
  EventContext(const core::Event& event, const core::Contact& contact)
      : event_(event), contact_(contact) {}

  const json::object& Event() {
    if (!event_obj_) {
      event_obj_ = json::object{{"type", event_.type},
                                {"uuid", event_.uuid},
                                {"data", core::ParseJsonOr(event_.data_json, json::object())},
                                {"occurred_at", event_.occurred_at}};
    }
    return *event_obj_;
  }
  const std::string& EventText() {
    if (!event_text_) event_text_ = json::serialize(Event());
    return *event_text_;
  }
  // {"contact": …, "event": …}
  const json::object& Base() {
    if (!base_) base_ = json::object{{"contact", ContactObject(contact_)}, {"event", Event()}};
    return *base_;
  }
  const std::string& BaseText() {
    if (!base_text_) base_text_ = json::serialize(Base());
    return *base_text_;
  }

 private:
  const core::Event& event_;
  const core::Contact& contact_;
  std::optional<json::object> event_obj_, base_;
  std::optional<std::string> event_text_, base_text_;
};

}  // namespace

Status Journeys::OnEvent(store::WriteTxn& txn, const core::Event& event,
                         const core::Contact& contact, Millis now, Effects& effects) {
  EventContext ctx(event, contact);
  RIVULET_ASSIGN_OR_RETURN(auto automation_ids,
                           txn.AutomationsTriggeredBy(event.workspace_id, event.type));
  for (int64_t id : automation_ids) {
    RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomationById(id));
    bool matched = false;
    for (const auto& trig : a.triggers) {
      if (trig.event_type != event.type) continue;
      auto ok = EvaluateCondition(trig.condition_json, ctx.BaseText(), now);
      if (ok.ok() && *ok) matched = true;
    }
    if (!matched) continue;
    EnrollOptions options;
    options.event_json = ctx.EventText();
    auto token = Enroll(txn, a, contact, options, now, effects);
    if (!token.ok() && token.status().code() != core::Code::kFailedPrecondition) {
      return token.status();
    }
  }

  if (event.type == "contact_created" || event.type == "contact_updated") {
    RIVULET_ASSIGN_OR_RETURN(
        auto audience_ids,
        txn.AutomationsTriggeredBy(event.workspace_id, std::string(core::kAudienceTriggerKey)));
    for (int64_t id : audience_ids) {
      RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomationById(id));
      RIVULET_ASSIGN_OR_RETURN(bool member,
                               InAudience(txn, a.workspace_id, a.audience_id, ctx.Base(), now));
      if (!member) continue;
      EnrollOptions options;
      options.event_json = ctx.EventText();
      auto token = Enroll(txn, a, contact, options, now, effects);
      if (!token.ok() && token.status().code() != core::Code::kFailedPrecondition) {
        return token.status();
      }
    }
  }

  RIVULET_ASSIGN_OR_RETURN(auto waiting, txn.TokensWaitingFor(contact.id, event.type));
  for (Token& t : waiting) {
    if (t.status != TokenStatus::kActive || t.phase != StepPhase::kWaiting) continue;
    if (t.wake_at && *t.wake_at <= now) continue;  // timed out already; the timeout branch wins
    RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomationById(t.automation_id));
    const Step* step = a.FindStep(t.step_uuid);
    if (!step || step->type != StepType::kWaitForTrigger) continue;
    auto settings = core::ParseStepSettings(step->type, step->config_json);
    if (!settings.ok()) continue;
    const auto& wt = std::get<core::WaitForTriggerSettings>(*settings);
    auto ok = EvaluateCondition(wt.condition_json, ctx.BaseText(), now);
    if (!ok.ok() || !*ok) continue;
    t.step_data_json = json::serialize(json::object{{"triggered", true}, {"event", ctx.Event()}});
    t.waiting_event.clear();
    t.wake_at = now;
    t.updated_at = now;
    RIVULET_RETURN_IF_ERROR(txn.UpdateToken(t));
    effects.WakeAt(now);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Running steps

Result<bool> Journeys::QueueMessage(store::WriteTxn& txn, const Automation& a, const Step& step,
                                    Token& token, Millis now, Effects& effects) {
  if (step.type != StepType::kWebhook) {
    // A node whose channel is switched off sends nothing on it (decision 15): skipped.
    RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, txn.FindWorkspaceById(a.workspace_id));
    auto channel = step.type == StepType::kEmail ? core::Channel::kEmail : core::Channel::kSms;
    if (!core::ChannelActive(ws, channel)) return false;
  }
  RIVULET_ASSIGN_OR_RETURN(core::Contact contact,
                           txn.FindContactById(a.workspace_id, token.contact_id));
  RIVULET_ASSIGN_OR_RETURN(core::StepSettings settings,
                           core::ParseStepSettings(step.type, step.config_json));
  RIVULET_ASSIGN_OR_RETURN(std::string ctx_text, ContextJson(txn, a, token, contact));
  json::object ctx = json::parse(ctx_text).as_object();
  core::OutboxMessage m;
  m.uuid = core::NewUuidV7(now);
  ctx["unsubscribe_url"] = UnsubscribeUrl(m.uuid);
  json::object payload;

  if (step.type == StepType::kEmail) {
    const auto& e = std::get<core::EmailSettings>(settings);
    if (!contact.email || !IsSubscribed(contact, core::Channel::kEmail, a.unsubscribe_group)) {
      return false;
    }
    std::string from_name = e.from_name, from_address = e.from_address, reply_to = e.reply_to;
    if (!e.sender_uuid.empty()) {
      RIVULET_ASSIGN_OR_RETURN(core::Sender s, txn.FindSender(a.workspace_id, e.sender_uuid));
      from_name = s.from_name;
      from_address = s.from_address;
      reply_to = s.reply_to;
    }
    std::string subject = e.subject, html = e.html, text = e.text;
    if (!e.template_uuid.empty()) {
      RIVULET_ASSIGN_OR_RETURN(core::MessageTemplate t,
                               txn.FindTemplate(a.workspace_id, e.template_uuid));
      if (subject.empty()) subject = t.subject;
      if (html.empty()) html = t.html;
      if (text.empty()) text = t.text;
    }
    RIVULET_ASSIGN_OR_RETURN(std::string r_subject, Render(subject, ctx, core::Escape::kNone));
    // A header is one line: line breaks from attributes become spaces.
    std::replace_if(
        r_subject.begin(), r_subject.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    RIVULET_ASSIGN_OR_RETURN(std::string r_html, Render(html, ctx, core::Escape::kHtml));
    RIVULET_ASSIGN_OR_RETURN(std::string r_text, Render(text, ctx, core::Escape::kNone));
    if (r_text.empty() && !r_html.empty()) r_text = core::HtmlToText(r_html);
    if (!r_html.empty()) r_html = AddTracking(r_html, m.uuid);
    payload = json::object{{"to", *contact.email},
                           {"from_name", from_name},
                           {"from_address", from_address},
                           {"reply_to", reply_to},
                           {"subject", r_subject},
                           {"html", r_html},
                           {"text", r_text},
                           {"message_id", m.uuid + "@rivulet"},
                           {"list_unsubscribe_url", UnsubscribeUrl(m.uuid)}};
    m.channel = "email";
  } else if (step.type == StepType::kSms) {
    const auto& s = std::get<core::SmsSettings>(settings);
    if (!contact.phone || !IsSubscribed(contact, core::Channel::kSms, a.unsubscribe_group)) {
      return false;
    }
    RIVULET_ASSIGN_OR_RETURN(std::string text, Render(s.text, ctx, core::Escape::kNone));
    payload = json::object{{"to", *contact.phone}, {"text", text}};
    m.channel = "sms";
  } else {
    const auto& w = std::get<core::WebhookSettings>(settings);
    std::string body;
    if (w.body.empty()) {
      body = json::serialize(json::object{{"automation", ctx["automation"]},
                                          {"token", ctx["token"]},
                                          {"contact", ctx["contact"]},
                                          {"run", ctx["run"]},
                                          {"event", ctx["event"]},
                                          {"step", step.uuid}});
    } else {
      RIVULET_ASSIGN_OR_RETURN(body, Render(w.body, ctx, core::Escape::kJson));
    }
    json::object headers;
    for (const auto& [k, v] : w.headers) headers[k] = v;
    payload = json::object{{"url", w.url}, {"headers", std::move(headers)}, {"body", body}};
    m.channel = "webhook";
  }
  m.workspace_id = a.workspace_id;
  m.automation_id = a.id;
  m.token_id = token.id;
  m.contact_id = contact.id;
  m.step_uuid = step.uuid;
  // token + step + how many messages this step already produced for the token: stable for
  // the message (retries reuse it), distinct when a loop re-enters the step.
  RIVULET_ASSIGN_OR_RETURN(auto earlier, txn.MessagesOfToken(token.id));
  size_t entry = std::count_if(earlier.begin(), earlier.end(), [&](const core::OutboxMessage& x) {
    return x.step_uuid == step.uuid;
  });
  m.idempotency_key = token.uuid + ":" + step.uuid + ":" + std::to_string(entry);
  m.payload_json = json::serialize(payload);
  m.status = "pending";
  m.next_attempt_at = now;
  m.created_at = now;
  Status st = txn.InsertOutboxMessage(m);
  if (st.code() == core::Code::kAlreadyExists) return true;  // queued before; wait for it
  RIVULET_RETURN_IF_ERROR(st);
  effects.MessageQueued();
  return true;
}

Result<Journeys::StepOutcome> Journeys::RunStep(store::WriteTxn& txn, const Automation& a,
                                                const Step& step, Token& token, Millis now,
                                                Effects& effects) {
  auto settings = core::ParseStepSettings(step.type, step.config_json);
  if (!settings.ok()) return StepOutcome::Error("step settings: " + settings.status().message());
  switch (step.type) {
    case StepType::kNoAction:
      return StepOutcome::Next(std::string(core::kBranchDefault));
    case StepType::kTag: {
      const auto& t = std::get<core::TagSettings>(*settings);
      RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                               txn.FindContactById(a.workspace_id, token.contact_id));
      ContactInput in;
      in.add_tags = t.add;
      in.remove_tags = t.remove;
      if (!t.set_attributes_json.empty()) in.attributes_json = t.set_attributes_json;
      // TAG steps change the contact without a contact_updated event, so that automations
      // cannot trigger each other in an endless loop.
      if (ApplyContactInput(c, in)) {
        c.updated_at = now;
        RIVULET_RETURN_IF_ERROR(txn.UpdateContactData(c));
      }
      return StepOutcome::Next(std::string(core::kBranchDefault));
    }
    case StepType::kIssueCredits: {
      const auto& ic = std::get<core::IssueCreditsSettings>(*settings);
      RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                               txn.FindContactById(a.workspace_id, token.contact_id));
      json::value attrs = core::ParseJsonOr(c.attributes_json, json::object());
      int64_t balance = 0;
      if (auto* b = attrs.as_object().if_contains("credits"); b && b->is_int64())
        balance = b->as_int64();
      balance += ic.credits;
      attrs.as_object()["credits"] = balance;
      c.attributes_json = json::serialize(attrs);
      c.updated_at = now;
      RIVULET_RETURN_IF_ERROR(txn.UpdateContactData(c));
      core::Event e;
      e.workspace_id = a.workspace_id;
      e.uuid = core::NewUuidV7(now);
      e.contact_id = c.id;
      e.contact_uuid = c.uuid;
      e.type = "credit_reception_created";
      e.data_json = json::serialize(json::object{{"credits", ic.credits},
                                                 {"balance", balance},
                                                 {"automation_uuid", a.uuid},
                                                 {"token_uuid", token.uuid}});
      e.occurred_at = e.received_at = now;
      RIVULET_RETURN_IF_ERROR(txn.InsertEvent(e));
      RIVULET_RETURN_IF_ERROR(OnEvent(txn, e, c, now, effects));
      return StepOutcome::Next(std::string(core::kBranchDefault));
    }
    case StepType::kWait:
    case StepType::kFromLastStep:
    case StepType::kWaitAndCheck: {
      const core::WaitSettings& w = step.type == StepType::kWaitAndCheck
                                        ? std::get<core::CheckSettings>(*settings).wait
                                        : std::get<core::WaitSettings>(*settings);
      std::optional<core::Contact> contact;
      if (w.at_minute_of_day && w.timezone == "contact") {
        auto c = txn.FindContactById(a.workspace_id, token.contact_id);
        if (c.ok()) contact = *c;
      }
      Millis until = WaitUntil(w, now, a, contact ? &*contact : nullptr);
      return StepOutcome::Wait(until);
    }
    case StepType::kWaitForTrigger: {
      const auto& wt = std::get<core::WaitForTriggerSettings>(*settings);
      token.waiting_event = wt.event_type;
      return StepOutcome::Wait(now + wt.timeout_seconds * 1000);
    }
    case StepType::kAbTest: {
      const auto& ab = std::get<core::AbTestSettings>(*settings);
      int bucket = AbBucket(token.uuid, step.uuid);
      int acc = 0;
      for (const auto& v : ab.variants) {
        acc += v.weight;
        if (bucket < acc) {
          effects.Count(a.id, step.uuid, "variant:" + v.name);
          return StepOutcome::Next("variant:" + v.name);
        }
      }
      return StepOutcome::Error("AB weights do not cover bucket " + std::to_string(bucket));
    }
    case StepType::kEmail:
    case StepType::kSms:
    case StepType::kWebhook: {
      auto queued = QueueMessage(txn, a, step, token, now, effects);
      if (!queued.ok()) {
        if (queued.status().code() == core::Code::kUnavailable ||
            queued.status().code() == core::Code::kInternal) {
          return queued.status();
        }
        return StepOutcome::Error(queued.status().message());
      }
      if (!*queued) {
        effects.Count(a.id, step.uuid, counter::kSkipped);
        return StepOutcome::Next(std::string(core::kBranchDefault));
      }
      return StepOutcome::Delivery();
    }
  }
  return StepOutcome::Error("unknown step type");
}

Result<Journeys::StepOutcome> Journeys::FinishWait(store::WriteTxn& txn, const Automation& a,
                                                   const Step& step, Token& token, Millis now) {
  switch (step.type) {
    case StepType::kWaitAndCheck: {
      auto settings = core::ParseStepSettings(step.type, step.config_json);
      if (!settings.ok()) return StepOutcome::Error(settings.status().message());
      RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                               txn.FindContactById(a.workspace_id, token.contact_id));
      RIVULET_ASSIGN_OR_RETURN(std::string ctx, ContextJson(txn, a, token, c));
      auto yes =
          EvaluateCondition(std::get<core::CheckSettings>(*settings).condition_json, ctx, now);
      if (!yes.ok()) return StepOutcome::Error("condition: " + yes.status().message());
      return StepOutcome::Next(std::string(*yes ? core::kBranchYes : core::kBranchNo));
    }
    case StepType::kWaitForTrigger: {
      json::value data = core::ParseJsonOr(token.step_data_json, json::object());
      bool triggered = false;
      if (auto* t = data.as_object().if_contains("triggered"); t && t->is_bool())
        triggered = t->as_bool();
      if (triggered) {
        // The trigger's event becomes the token's event for the steps that follow.
        if (auto* ev = data.as_object().if_contains("event"))
          token.event_json = json::serialize(*ev);
      }
      return StepOutcome::Next(
          std::string(triggered ? core::kBranchTriggered : core::kBranchTimeout));
    }
    default:
      return StepOutcome::Next(std::string(core::kBranchDefault));
  }
}

Status Journeys::Advance(store::WriteTxn& txn, const Automation& a, Token& token, Millis now,
                         Effects& effects) {
  if (token.status != TokenStatus::kActive) return Status::Ok();
  for (int hops = 0; hops < 64; ++hops) {
    const Step* step = a.FindStep(token.step_uuid);
    if (!step) {
      Finish(token, TokenStatus::kError, now);
      token.error_message = "the token's step no longer exists";
      token.error_at = now;
      effects.Count(a.id, "", counter::kErrors);
      return txn.UpdateToken(token);
    }
    if (a.end_date && now > *a.end_date) {
      Finish(token, TokenStatus::kExited, now);
      effects.Count(a.id, "", counter::kExited);
      return txn.UpdateToken(token);
    }
    StepOutcome outcome;
    if (token.phase == StepPhase::kEnter) {
      if (!a.exit_condition_json.empty()) {
        RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                                 txn.FindContactById(a.workspace_id, token.contact_id));
        RIVULET_ASSIGN_OR_RETURN(std::string ctx, ContextJson(txn, a, token, c));
        auto exit = EvaluateCondition(a.exit_condition_json, ctx, now);
        if (exit.ok() && *exit) {
          Finish(token, TokenStatus::kExited, now);
          effects.Count(a.id, "", counter::kExited);
          return txn.UpdateToken(token);
        }
      }
      RIVULET_ASSIGN_OR_RETURN(outcome, RunStep(txn, a, *step, token, now, effects));
    } else if (token.phase == StepPhase::kWaiting) {
      if (token.wake_at && *token.wake_at > now) return Status::Ok();  // not due yet
      RIVULET_ASSIGN_OR_RETURN(outcome, FinishWait(txn, a, *step, token, now));
    } else {  // kDelivery: moved on by CompleteDelivery
      json::value data = core::ParseJsonOr(token.step_data_json, json::object());
      auto* d = data.as_object().if_contains("delivery");
      if (!d || !d->is_string()) {
        token.wake_at.reset();
        return txn.UpdateToken(token);
      }
      outcome = StepOutcome::Next(
          std::string(d->as_string() == "ok" ? core::kBranchDefault : core::kBranchError));
    }

    effects.transitions++;
    switch (outcome.kind) {
      case StepOutcome::Kind::kWait:
        token.phase = StepPhase::kWaiting;
        token.wake_at = outcome.until;
        token.updated_at = now;
        effects.WakeAt(outcome.until);
        return txn.UpdateToken(token);
      case StepOutcome::Kind::kDelivery:
        token.phase = StepPhase::kDelivery;
        token.wake_at.reset();
        token.updated_at = now;
        return txn.UpdateToken(token);
      case StepOutcome::Kind::kError:
        Finish(token, TokenStatus::kError, now);
        token.error_message = outcome.error.substr(0, 1000);
        token.error_at = now;
        effects.Count(a.id, step->uuid, counter::kErrors);
        effects.Count(a.id, "", counter::kErrors);
        return txn.UpdateToken(token);
      case StepOutcome::Kind::kNext:
        break;
    }
    effects.Count(a.id, step->uuid, counter::kCompleted);
    const Step* next = a.Next(step->uuid, outcome.branch);
    if (!next) {
      if (outcome.branch == core::kBranchError) {
        Finish(token, TokenStatus::kError, now);
        json::value data = core::ParseJsonOr(token.step_data_json, json::object());
        auto* detail = data.as_object().if_contains("detail");
        token.error_message =
            detail && detail->is_string() ? std::string(detail->as_string()) : "step failed";
        token.error_at = now;
        effects.Count(a.id, "", counter::kErrors);
      } else {
        Finish(token, TokenStatus::kCompleted, now);
        effects.Count(a.id, "", counter::kCompleted);
      }
      return txn.UpdateToken(token);
    }
    token.step_uuid = next->uuid;
    token.phase = StepPhase::kEnter;
    token.step_entered_at = now;
    token.step_data_json = "{}";
    token.waiting_event.clear();
    token.wake_at.reset();
    effects.Count(a.id, next->uuid, counter::kEntered);
  }
  Finish(token, TokenStatus::kError, now);
  token.error_message = "too many steps without a wait";
  token.error_at = now;
  effects.Count(a.id, "", counter::kErrors);
  return txn.UpdateToken(token);
}

Result<int> Journeys::RunDue(store::WriteTxn& txn, Millis now, int limit, Effects& effects) {
  RIVULET_ASSIGN_OR_RETURN(auto due, txn.ClaimDueTokens(now, limit));
  std::vector<int64_t> contact_ids;
  contact_ids.reserve(due.size());
  for (const Token& t : due) contact_ids.push_back(t.contact_id);
  RIVULET_RETURN_IF_ERROR(txn.PrefetchContacts(contact_ids));
  std::map<int64_t, Automation> automations;
  for (Token& t : due) {
    auto it = automations.find(t.automation_id);
    if (it == automations.end()) {
      RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomationById(t.automation_id));
      it = automations.emplace(t.automation_id, std::move(a)).first;
    }
    // A token claimed before its step ran (enrollment, trigger) must not look "not due".
    if (t.phase == StepPhase::kWaiting && t.wake_at && *t.wake_at > now) continue;
    RIVULET_RETURN_IF_ERROR(Advance(txn, it->second, t, now, effects));
  }
  return static_cast<int>(due.size());
}

namespace {

// The automation with this id, from the cache when given (filled on a miss).
Result<const Automation*> CachedAutomation(store::ReadTxn& txn, int64_t id,
                                           std::map<int64_t, Automation>* cache,
                                           Automation& local) {
  if (cache) {
    auto it = cache->find(id);
    if (it != cache->end()) return &it->second;
  }
  RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomationById(id));
  if (!cache) {
    local = std::move(a);
    return &local;
  }
  return &cache->emplace(id, std::move(a)).first->second;
}

}  // namespace

Result<bool> Journeys::StillWanted(store::ReadTxn& txn, const core::OutboxMessage& m,
                                   std::map<int64_t, Automation>* automations) {
  if (m.channel == "webhook" || BatchNotificationSource(m)) return true;
  auto contact = txn.FindContactById(m.workspace_id, m.contact_id);
  if (!contact.ok()) {
    if (contact.status().code() == core::Code::kNotFound) return false;  // erased meanwhile
    return contact.status();
  }
  auto channel = m.channel == "email" ? core::Channel::kEmail : core::Channel::kSms;
  RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, txn.FindWorkspaceById(m.workspace_id));
  if (!core::ChannelActive(ws, channel)) return false;  // switched off after it was queued
  Automation local;
  RIVULET_ASSIGN_OR_RETURN(const Automation* a,
                           CachedAutomation(txn, m.automation_id, automations, local));
  return IsSubscribed(*contact, channel, a->unsubscribe_group);
}

Status Journeys::CompleteDelivery(store::WriteTxn& txn, core::OutboxMessage claimed,
                                  DeliveryResult result, const std::string& detail,
                                  std::optional<Millis> retry_at, Millis now, Effects& effects,
                                  std::map<int64_t, Automation>* automations) {
  // Only the attempt's own fields are written: opens, clicks, bounces and unsubscribes may
  // have been recorded while it was sent.
  core::OutboxMessage m = std::move(claimed);
  const int claimed_attempts = m.attempts;
  m.attempts += 1;
  m.last_error = result == DeliveryResult::kDelivered ? "" : detail.substr(0, 1000);
  m.lease_until = 0;
  bool retry =
      result == DeliveryResult::kRetry && retry_at && m.attempts < config_.max_delivery_attempts;
  bool skipped = result == DeliveryResult::kSkipped;
  bool ok = result == DeliveryResult::kDelivered || skipped;
  if (retry) {
    m.status = "pending";
    m.next_attempt_at = *retry_at;
  } else {
    m.status = skipped ? "skipped" : ok ? "sent" : "failed";
    if (result == DeliveryResult::kDelivered) m.sent_at = now;
  }
  RIVULET_ASSIGN_OR_RETURN(bool ours, txn.FinishOutboxAttempt(m, claimed_attempts));
  if (!ours || retry) return Status::Ok();         // not ours: another worker took it over
  if (auto source = BatchNotificationSource(m)) {  // no token, no counters: the source records it
    auto recorded = RecordBatchNotification(txn, m.workspace_id, m.automation_id, *source, ok,
                                            m.last_error, now);
    core::Code code = recorded.ok() ? core::Code::kOk : recorded.status().code();
    bool settled = code == core::Code::kOk || code == core::Code::kNotFound ||
                   code == core::Code::kFailedPrecondition;  // recorded before, or gone
    return settled ? Status::Ok() : recorded.status();
  }
  if (skipped) {
    effects.Count(m.automation_id, m.step_uuid, counter::kSkipped);
  } else if (ok) {
    effects.Count(m.automation_id, m.step_uuid, counter::kSent);
    effects.Count(m.automation_id, m.step_uuid, counter::kDelivered);
    effects.Count(m.automation_id, "", counter::kSent);
    effects.Count(m.automation_id, "", counter::kDelivered);
  } else {
    effects.Count(m.automation_id, m.step_uuid, counter::kFailed);
  }
  // Move the token on, if it is still waiting for this message.
  Automation local;
  RIVULET_ASSIGN_OR_RETURN(const Automation* cached,
                           CachedAutomation(txn, m.automation_id, automations, local));
  const Automation& a = *cached;
  auto found = txn.FindTokenById(m.token_id);
  if (!found.ok()) {
    return found.status().code() == core::Code::kNotFound ? Status::Ok() : found.status();
  }
  Token& t = *found;
  if (t.status != TokenStatus::kActive || t.step_uuid != m.step_uuid ||
      t.phase != StepPhase::kDelivery) {
    return Status::Ok();
  }
  t.step_data_json =
      json::serialize(json::object{{"delivery", ok ? "ok" : "failed"}, {"detail", m.last_error}});
  // A paused automation resumes the token later: make it due instead of running it now.
  if (a.status != core::AutomationStatus::kRunning) {
    t.wake_at = now;
    t.updated_at = now;
    return txn.UpdateToken(t);
  }
  return Advance(txn, a, t, now, effects);
}

}  // namespace rivulet::engine
