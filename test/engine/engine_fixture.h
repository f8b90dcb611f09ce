#ifndef RIVULET_TEST_ENGINE_ENGINE_FIXTURE_H_
#define RIVULET_TEST_ENGINE_ENGINE_FIXTURE_H_

// A whole engine on a real SQLite file with a simulated clock, for journey tests: store,
// Journeys, hooks, Contacts/Events/Automations, a Scheduler and an OutboxWorker driven by hand
// (their threads are never started), and fake e-mail / HTTP senders that record what they are
// given and answer with scripted outcomes. Automations are written as compact JSON:
//
//   {"trigger": "order.placed",                      // or "triggers": [{"event_type","condition"}]
//    "steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": {...}}, ...],
//    "connections": [["check", "yes_tag", "yes"], ...],   // absent: a linear default chain
//    "unique_token": true, "allow_reentry": false, "exit_condition": {...},
//    "unsubscribe_group": "news", "timezone": "Europe/Rome"}
//
// Step ids are short names; each gets a fresh uuid, and "${name}" anywhere in a step's config
// or in the exit condition is replaced by that uuid (e.g. "messages.${mail}.opened").

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/automation.h"
#include "core/clock.h"
#include "core/journey.h"
#include "core/model.h"
#include "core/uuid.h"
#include "delivery/http_sender.h"
#include "delivery/outbox_worker.h"
#include "delivery/smtp_sender.h"
#include "engine/accounts.h"
#include "engine/automations.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/journeys.h"
#include "engine/scheduler.h"
#include "store/sqlite_test_util.h"

namespace rivulet::core {

// Readable names in assertion failures.
inline void PrintTo(TokenStatus s, std::ostream* os) { *os << TokenStatusName(s); }
inline void PrintTo(StepPhase p, std::ostream* os) { *os << StepPhaseName(p); }
inline void PrintTo(AutomationStatus s, std::ostream* os) { *os << AutomationStatusName(s); }

}  // namespace rivulet::core

namespace rivulet::testing {

inline constexpr core::Millis kSecond = 1000;
inline constexpr core::Millis kMinute = 60 * kSecond;
inline constexpr core::Millis kHour = 60 * kMinute;
inline constexpr core::Millis kDay = 24 * kHour;

// Records every e-mail; answers with scripted outcomes, then "250 OK".
class FakeEmailSender final : public delivery::EmailSender {
 public:
  struct Sent {
    delivery::SmtpSettings settings;
    delivery::EmailMessage message;
    core::Millis now;
  };

  delivery::Outcome Send(const delivery::SmtpSettings& settings,
                         const delivery::EmailMessage& message, core::Millis now) override {
    std::function<void()> hook;
    delivery::Outcome o = delivery::Outcome::Delivered(250, "OK");
    {
      std::lock_guard lock(mu_);
      sent_.push_back({settings, message, now});
      if (!script_.empty()) {
        o = script_.front();
        script_.pop_front();
      }
      hook = std::exchange(on_next_send_, nullptr);
    }
    if (hook) hook();  // runs once, outside the lock, while this send is "in flight"
    return o;
  }

  // Runs fn during the next Send, before it returns (e.g. to let the lease run out).
  void OnNextSend(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    on_next_send_ = std::move(fn);
  }

  // The next Send calls answer these, in order.
  void Script(std::vector<delivery::Outcome> outcomes) {
    std::lock_guard lock(mu_);
    for (auto& o : outcomes) script_.push_back(std::move(o));
  }
  std::vector<Sent> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    sent_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Sent> sent_;
  std::deque<delivery::Outcome> script_;
  std::function<void()> on_next_send_;
};

// Records every HTTP request; answers with outcomes scripted per URL, then 200.
class FakeHttpSender final : public delivery::HttpSender {
 public:
  delivery::Outcome Send(const delivery::HttpRequest& request) override {
    std::lock_guard lock(mu_);
    sent_.push_back(request);
    auto it = script_.find(request.url);
    if (it == script_.end() || it->second.empty()) return delivery::Outcome::Delivered(200, "OK");
    delivery::Outcome o = it->second.front();
    it->second.pop_front();
    return o;
  }

  // Like a concurrent sender: SendMany sends every request (in order, through Send), then
  // reports the outcomes in reverse order, `group` at a time.
  void ReportOutOfOrder(size_t group) { group_ = group; }
  void SendMany(std::span<const delivery::HttpRequest> requests,
                const std::function<void(delivery::Completions&)>& done) override {
    if (group_ == 0) return HttpSender::SendMany(requests, done);
    delivery::Completions all;
    for (size_t i = 0; i < requests.size(); ++i) all.emplace_back(i, Send(requests[i]));
    std::reverse(all.begin(), all.end());
    for (size_t start = 0; start < all.size(); start += group_) {
      delivery::Completions some(all.begin() + start,
                                 all.begin() + std::min(all.size(), start + group_));
      done(some);
    }
  }

  void Script(const std::string& url, std::vector<delivery::Outcome> outcomes) {
    std::lock_guard lock(mu_);
    for (auto& o : outcomes) script_[url].push_back(std::move(o));
  }
  std::vector<delivery::HttpRequest> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<delivery::HttpRequest> SentTo(const std::string& url) const {
    std::lock_guard lock(mu_);
    std::vector<delivery::HttpRequest> out;
    for (const auto& r : sent_) {
      if (r.url == url) out.push_back(r);
    }
    return out;
  }

  // The value of the first header with this name (case-sensitive), or nullopt.
  static std::optional<std::string> Header(const delivery::HttpRequest& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return std::nullopt;
  }

 private:
  mutable std::mutex mu_;
  size_t group_ = 0;
  std::vector<delivery::HttpRequest> sent_;
  std::map<std::string, std::deque<delivery::Outcome>> script_;
};

// An automation built from a compact description, with its step names resolved to uuids.
struct Flow {
  core::Automation automation;
  std::map<std::string, std::string> steps;  // name -> uuid

  int64_t id() const { return automation.id; }
  const std::string& uuid() const { return automation.uuid; }
  std::string step(const std::string& name) const {
    auto it = steps.find(name);
    if (it == steps.end()) {
      ADD_FAILURE() << "no step named " << name;
      return "";
    }
    return it->second;
  }
};

inline constexpr const char* kSmsGatewayUrl = "http://sms.gateway.test/send";
inline constexpr const char* kLinkSecret = "engine-test-link-secret";

class JourneyFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("engine.db");
    config_.link_secret = kLinkSecret;
    config_.public_base_url = "https://rivulet.test";
    hooks_.wake_scheduler = [this](core::Millis at) {
      std::lock_guard lock(hooks_mu_);
      scheduler_wakes_.push_back(at);
    };
    hooks_.wake_delivery = [this] { delivery_wakes_++; };
    Open();
    ASSERT_NE(store_, nullptr);
    auto ws = accounts_->CreateWorkspace("journeys");
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    ws_ = ws->id;
    AddSetting("SMTP", R"({"url":"smtp://127.0.0.1:1","tls":"none"})");
    AddSetting("SMS_GATEWAY", std::string(R"({"url":")") + kSmsGatewayUrl +
                                  R"(","headers":{"Authorization":"Bearer sms-key"}})");
  }

  void TearDown() override { Close(); }

  // Builds every engine object on the store file (creating or reopening it).
  void Open() {
    store_ = OpenMigrated(path_);
    if (!store_) return;
    journeys_ = std::make_unique<engine::Journeys>(config_);
    accounts_ = std::make_unique<engine::Accounts>(*store_, clock_);
    contacts_ = std::make_unique<engine::Contacts>(*store_, clock_, journeys_.get(), &hooks_);
    events_ = std::make_unique<engine::Events>(*store_, clock_, journeys_.get(), &hooks_);
    automations_ = std::make_unique<engine::Automations>(*store_, clock_, *journeys_, &hooks_);
    scheduler_ = std::make_unique<engine::Scheduler>(*store_, *journeys_, clock_, &hooks_,
                                                     scheduler_options_);
    outbox_ = std::make_unique<delivery::OutboxWorker>(*store_, *journeys_, clock_, &hooks_, email_,
                                                       http_, outbox_options_);
  }

  // Destroys every engine object and the store, as a process exit would.
  void Close() {
    outbox_.reset();
    scheduler_.reset();
    automations_.reset();
    events_.reset();
    contacts_.reset();
    accounts_.reset();
    journeys_.reset();
    store_.reset();
  }

  // A process restart on the same database file.
  void Restart() {
    Close();
    Open();
    ASSERT_NE(store_, nullptr);
  }

  // ---- workspace resources ------------------------------------------------------------

  core::WorkspaceSetting AddSetting(const std::string& type, const std::string& value_json) {
    core::WorkspaceSetting s;
    s.workspace_id = ws_;
    s.uuid = core::NewUuidV7(clock_.Now());
    s.label = type;
    s.type = type;
    s.value_json = value_json;
    core::Status st =
        store_->WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertSetting(s); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }

  // ---- automations --------------------------------------------------------------------

  // Builds (without storing) an automation from a compact description.
  Flow Build(std::string_view spec, const std::function<void(core::Automation&)>& tweak = {}) {
    namespace json = boost::json;
    Flow f;
    json::value v = json::parse(spec);
    const json::object& o = v.as_object();
    core::Automation& a = f.automation;
    a.name = o.contains("name") ? std::string(o.at("name").as_string()) : "journey";
    const json::array& steps = o.at("steps").as_array();
    for (const auto& s : steps) {
      std::string name(s.at("id").as_string());
      f.steps[name] = core::NewUuidV7(clock_.Now());
    }
    auto resolve = [&f](std::string text) {
      for (const auto& [name, uuid] : f.steps) {
        std::string key = "${" + name + "}";
        for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) {
          text.replace(at, key.size(), uuid);
        }
      }
      return text;
    };
    for (const auto& s : steps) {
      core::Step step;
      step.uuid = f.steps[std::string(s.at("id").as_string())];
      step.name = std::string(s.at("id").as_string());
      auto type = core::ParseStepType(s.at("type").as_string());
      EXPECT_TRUE(type.has_value()) << "unknown step type " << s.at("type");
      step.type = type.value_or(core::StepType::kNoAction);
      if (const json::value* c = s.as_object().if_contains("config")) {
        step.config_json = resolve(json::serialize(*c));
      }
      a.steps.push_back(step);
    }
    if (const json::value* conns = o.if_contains("connections")) {
      for (const auto& c : conns->as_array()) {
        const json::array& e = c.as_array();
        core::Connection conn;
        conn.from_step = f.step(std::string(e.at(0).as_string()));
        conn.to_step = f.step(std::string(e.at(1).as_string()));
        if (e.size() > 2) conn.branch = std::string(e.at(2).as_string());
        a.connections.push_back(conn);
      }
    } else {
      for (size_t i = 1; i < a.steps.size(); ++i) {
        a.connections.push_back({a.steps[i - 1].uuid, a.steps[i].uuid, "default"});
      }
    }
    if (const json::value* t = o.if_contains("trigger")) {
      a.triggers.push_back({std::string(t->as_string()), ""});
    }
    if (const json::value* ts = o.if_contains("triggers")) {
      for (const auto& t : ts->as_array()) {
        core::Trigger trig;
        trig.event_type = std::string(t.at("event_type").as_string());
        if (const json::value* c = t.as_object().if_contains("condition")) {
          trig.condition_json = json::serialize(*c);
        }
        a.triggers.push_back(trig);
      }
    }
    if (const json::value* b = o.if_contains("unique_token")) a.unique_token = b->as_bool();
    if (const json::value* b = o.if_contains("allow_reentry")) a.allow_reentry = b->as_bool();
    if (const json::value* c = o.if_contains("exit_condition")) {
      a.exit_condition_json = resolve(json::serialize(*c));
    }
    if (const json::value* g = o.if_contains("unsubscribe_group")) {
      a.unsubscribe_group = std::string(g->as_string());
    }
    if (const json::value* tz = o.if_contains("timezone"))
      a.timezone = std::string(tz->as_string());
    if (tweak) tweak(a);
    return f;
  }

  // Stores the automation as a DRAFT.
  Flow Create(std::string_view spec, const std::function<void(core::Automation&)>& tweak = {}) {
    Flow f = Build(spec, tweak);
    auto r = Await<core::Automation>([&](engine::Callback<core::Automation> done) {
      automations_->Create(ws_, f.automation, std::move(done));
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) f.automation = *r;
    return f;
  }

  core::Result<core::Automation> SetStatus(const Flow& f, core::AutomationStatus status,
                                           bool remove_expired_customers = false) {
    engine::Automations::StatusChange change;
    change.status = status;
    change.remove_expired_customers = remove_expired_customers;
    return Await<core::Automation>([&](engine::Callback<core::Automation> done) {
      automations_->ChangeStatus(ws_, f.uuid(), change, std::move(done));
    });
  }

  // Creates the automation, commits it and sets it RUNNING.
  Flow Launch(std::string_view spec, const std::function<void(core::Automation&)>& tweak = {}) {
    Flow f = Create(spec, tweak);
    for (auto s : {core::AutomationStatus::kCommitted, core::AutomationStatus::kRunning}) {
      auto r = SetStatus(f, s);
      EXPECT_TRUE(r.ok()) << core::AutomationStatusName(s) << ": " << r.status().ToString();
      if (r.ok()) f.automation = *r;
    }
    return f;
  }

  core::Automation Reload(const Flow& f) {
    core::Automation out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.FindAutomation(ws_, f.uuid()));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // ---- contacts, events, enrollment ---------------------------------------------------

  core::Contact NewContact(engine::ContactInput in) {
    auto r = Await<engine::ContactChange>([&](engine::Callback<engine::ContactChange> done) {
      contacts_->Create(ws_, in, std::move(done));
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->contact : core::Contact{};
  }

  core::Contact NewContact(const std::string& email, const std::string& attributes_json = "{}",
                           std::optional<std::string> phone = std::nullopt,
                           std::optional<std::string> timezone = std::nullopt) {
    engine::ContactInput in;
    if (!email.empty()) in.email = email;
    in.attributes_json = attributes_json;
    in.phone = std::move(phone);
    in.timezone = std::move(timezone);
    return NewContact(std::move(in));
  }

  core::Contact UpdateContact(const core::Contact& c, engine::ContactInput in) {
    auto r = Await<engine::ContactChange>([&](engine::Callback<engine::ContactChange> done) {
      contacts_->Update(ws_, {core::ContactRef::Kind::kUuid, c.uuid}, in, std::move(done));
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->contact : core::Contact{};
  }

  void SetSubscription(const core::Contact& c, core::Channel channel,
                       std::optional<std::string> group, bool subscribed) {
    auto r = Await<engine::ContactChange>([&](engine::Callback<engine::ContactChange> done) {
      contacts_->SetSubscription(ws_, {core::ContactRef::Kind::kUuid, c.uuid}, channel,
                                 std::move(group), subscribed, std::move(done));
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }

  // Ingests an event about an existing contact.
  core::Event SendEvent(const core::Contact& c, const std::string& type,
                        const std::string& data_json = "{}") {
    engine::EventInput in;
    in.type = type;
    in.contact.uuid = c.uuid;
    in.data_json = data_json;
    auto r = Await<std::vector<engine::IngestedEvent>>(
        [&](engine::Callback<std::vector<engine::IngestedEvent>> done) {
          events_->Ingest(ws_, {in}, std::move(done));
        });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->front().event : core::Event{};
  }

  // Enrolls an existing contact through the API (Automations::Enroll).
  core::Result<core::Token> Enroll(const Flow& f, const core::Contact& c,
                                   const std::string& run_data_json = "{}") {
    engine::ContactInput in;
    in.uuid = c.uuid;
    engine::EnrollOptions options;
    options.run_data_json = run_data_json;
    return EnrollInput(f, std::move(in), std::move(options));
  }

  // Automations::Enroll with any contact description; the token or why it did not enter.
  core::Result<core::Token> EnrollInput(const Flow& f, engine::ContactInput in,
                                        engine::EnrollOptions options = {}) {
    using Enrolled = engine::Automations::EnrollResult;
    auto r = Await<Enrolled>([&](engine::Callback<Enrolled> done) {
      automations_->Enroll(ws_, f.uuid(), in, options, std::move(done));
    });
    if (!r.ok()) return r.status();
    if (!r->token) return r->status;
    return *r->token;
  }

  core::Token MustEnroll(const Flow& f, const core::Contact& c,
                         const std::string& run_data_json = "{}") {
    auto t = Enroll(f, c, run_data_json);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : core::Token{};
  }

  // ---- time and workers ---------------------------------------------------------------

  // Runs the scheduler and the outbox until neither finds anything due.
  void Pump() {
    for (int round = 0; round < 200; ++round) {
      auto ran = scheduler_->RunDueNow();
      ASSERT_TRUE(ran.ok()) << ran.status().ToString();
      auto delivered = outbox_->DeliverDueNow();
      ASSERT_TRUE(delivered.ok()) << delivered.status().ToString();
      if (*ran == 0 && *delivered == 0) return;
    }
    FAIL() << "the engine did not become quiet";
  }

  void AdvanceAndPump(core::Millis delta) {
    clock_.Advance(delta);
    Pump();
  }

  // ---- reads --------------------------------------------------------------------------

  core::Token Reload(const core::Token& t) {
    core::Token out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.FindTokenById(t.id));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  core::Contact Reload(const core::Contact& c) {
    core::Contact out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.FindContactById(ws_, c.id));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::vector<core::Token> Tokens(const Flow& f, std::optional<int64_t> contact_id = std::nullopt) {
    std::vector<core::Token> out;
    store::TokenFilter filter;
    filter.automation_id = f.id();
    filter.contact_id = contact_id;
    filter.limit = 1000;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      while (true) {
        RIVULET_ASSIGN_OR_RETURN(auto page, txn.ListTokens(ws_, filter));
        out.insert(out.end(), page.begin(), page.end());
        if (page.size() < static_cast<size_t>(filter.limit)) return core::Status::Ok();
        filter.after_id = page.back().id;
      }
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // The contact's only token in the automation.
  core::Token TokenOf(const Flow& f, const core::Contact& c) {
    auto all = Tokens(f, c.id);
    EXPECT_EQ(all.size(), 1u) << "tokens of contact " << c.id;
    return all.empty() ? core::Token{} : all.back();
  }

  std::vector<core::OutboxMessage> Messages(const core::Token& t) {
    std::vector<core::OutboxMessage> out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.MessagesOfToken(t.id));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  core::OutboxMessage Message(const std::string& uuid) {
    core::OutboxMessage out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.FindOutboxMessage(uuid));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // A counter of the automation (step "" ) or of one of its steps (by name), 0 when unset.
  int64_t Counter(const Flow& f, const std::string& step_name, const std::string& name) {
    std::string step = step_name.empty() ? "" : f.step(step_name);
    for (const auto& c : Counters(f)) {
      if (c.step_uuid == step && c.name == name) return c.value;
    }
    return 0;
  }

  std::vector<store::CounterValue> Counters(const Flow& f) {
    std::vector<store::CounterValue> out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ReadCounters(f.id()));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::vector<core::Event> EventsOf(const core::Contact& c) {
    std::vector<core::Event> out;
    store::EventFilter filter;
    filter.contact_id = c.id;
    filter.limit = 1000;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.ListEvents(ws_, filter));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  static boost::json::value Json(std::string_view text) { return boost::json::parse(text); }
  // A JSON string's text, or any other value serialized ("15", "true").
  static std::string Str(const boost::json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
  }
  static boost::json::object Obj(std::string_view text) {
    return boost::json::parse(text).as_object();
  }

  static std::vector<std::string> TagsOf(const core::Contact& c) {
    std::vector<std::string> out;
    boost::json::value tags = boost::json::parse(c.tags_json);
    for (const auto& t : tags.as_array()) {
      out.emplace_back(t.as_string());
    }
    return out;
  }

  // An e-mail step config from a fixed sender with the given subject and html.
  static std::string EmailConfig(const std::string& subject, const std::string& html) {
    boost::json::object o{{"from_name", "Shop"},
                          {"from_address", "news@shop.example"},
                          {"subject", subject},
                          {"html", html}};
    return boost::json::serialize(o);
  }

  TempDir dir_;
  std::string path_;
  core::FakeClock clock_{1'717'236'000'000};  // 2024-06-01T10:00:00Z
  engine::EngineConfig config_;
  engine::SchedulerOptions scheduler_options_;
  delivery::OutboxOptions outbox_options_;
  engine::EngineHooks hooks_;
  std::mutex hooks_mu_;
  std::vector<core::Millis> scheduler_wakes_;
  std::atomic<int> delivery_wakes_{0};
  FakeEmailSender email_;
  FakeHttpSender http_;

  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<engine::Journeys> journeys_;
  std::unique_ptr<engine::Accounts> accounts_;
  std::unique_ptr<engine::Contacts> contacts_;
  std::unique_ptr<engine::Events> events_;
  std::unique_ptr<engine::Automations> automations_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<delivery::OutboxWorker> outbox_;
  int64_t ws_ = 0;
};

}  // namespace rivulet::testing

#endif  // RIVULET_TEST_ENGINE_ENGINE_FIXTURE_H_
