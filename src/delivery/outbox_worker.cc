#include "delivery/outbox_worker.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <random>

#include "core/json_text.h"
#include "core/template.h"
#include "core/thread_name.h"
#include "delivery/smtp_setting.h"
#include "delivery/webhook_signature.h"

namespace rivulet::delivery {
namespace json = boost::json;
using engine::Journeys;

namespace {

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The first setting of this type in the workspace, as a JSON object (empty when none).
json::object SettingOfType(store::ReadTxn& txn, int64_t workspace_id, const std::string& type) {
  auto all = txn.ListSettings(workspace_id);
  if (!all.ok()) return json::object();
  for (const auto& s : *all) {
    if (s.type == type) return core::ParseJsonObject(s.value_json);
  }
  return json::object();
}

Journeys::DeliveryResult FromOutcome(const Outcome& o, std::string* detail) {
  *detail = o.detail;
  if (o.code) *detail = std::to_string(o.code) + " " + *detail;
  switch (o.kind) {
    case Outcome::Kind::kDelivered:
      return Journeys::DeliveryResult::kDelivered;
    case Outcome::Kind::kRetryable:
      return Journeys::DeliveryResult::kRetry;
    case Outcome::Kind::kPermanent:
      return Journeys::DeliveryResult::kFailed;
  }
  return Journeys::DeliveryResult::kFailed;
}

}  // namespace

OutboxWorker::OutboxWorker(store::Store& store, Journeys& journeys, const core::Clock& clock,
                           const engine::EngineHooks* hooks, EmailSender& email, HttpSender& http,
                           OutboxOptions options)
    : store_(store),
      journeys_(journeys),
      clock_(clock),
      hooks_(hooks),
      email_(email),
      http_(http),
      options_(options) {}

void OutboxWorker::Start() {
  std::lock_guard lock(mu_);
  if (!threads_.empty()) return;
  stop_ = false;
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Loop(); });
}

void OutboxWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void OutboxWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wake_generation_;
  }
  cv_.notify_all();
}

// What one claimed batch needs from the database, read in one transaction before sending:
// whether each message is still wanted, and the workspace settings its channel uses.
struct OutboxWorker::BatchContext {
  std::vector<bool> wanted;
  std::map<std::pair<int64_t, std::string>, json::object> settings;

  const json::object& Setting(int64_t workspace_id, const std::string& type) const {
    static const json::object kNone;
    auto it = settings.find({workspace_id, type});
    return it == settings.end() ? kNone : it->second;
  }
};

namespace {
const char* SettingTypeFor(const core::OutboxMessage& m) {
  if (m.channel == "email") return "SMTP";
  if (m.channel == "sms") return "SMS_GATEWAY";
  return "WEBHOOK_SIGNING";
}
}  // namespace

core::Status OutboxWorker::ReadBatchContext(const std::vector<core::OutboxMessage>& claimed,
                                            BatchContext& ctx) {
  ctx.wanted.assign(claimed.size(), true);
  return store_.Read([&](store::ReadTxn& txn) -> core::Status {
    std::map<int64_t, core::Automation> automations;
    for (size_t i = 0; i < claimed.size(); ++i) {
      const auto& m = claimed[i];
      auto w = Journeys::StillWanted(txn, m, &automations);
      if (w.ok()) ctx.wanted[i] = *w;
      auto key = std::make_pair(m.workspace_id, std::string(SettingTypeFor(m)));
      if (!ctx.settings.contains(key))
        ctx.settings[key] = SettingOfType(txn, m.workspace_id, key.second);
    }
    return core::Status::Ok();
  });
}

// One claimed message on its way: what to send, or the result it already has.
struct OutboxWorker::Pending {
  std::optional<Journeys::DeliveryResult> result;  // set when decided without sending
  std::string detail;
  SmtpSettings smtp;
  EmailMessage email;
  HttpRequest http;
};

void OutboxWorker::Prepare(const core::OutboxMessage& m, const BatchContext& ctx, Pending& out) {
  auto fail = [&out](std::string detail) {
    out.result = Journeys::DeliveryResult::kFailed;
    out.detail = std::move(detail);
  };
  json::object p = core::ParseJsonObject(m.payload_json);
  if (m.channel == "email") {
    const json::object& smtp = ctx.Setting(m.workspace_id, "SMTP");
    if (Str(smtp, "url").empty()) return fail("the workspace has no SMTP setting");
    EmailMessage& e = out.email;
    e.from_name = Str(p, "from_name");
    e.from_address = Str(p, "from_address");
    e.reply_to = Str(p, "reply_to");
    e.to_address = Str(p, "to");
    e.subject = Str(p, "subject");
    e.html = Str(p, "html");
    e.text = Str(p, "text");
    e.message_id = Str(p, "message_id");
    e.list_unsubscribe_url = Str(p, "list_unsubscribe_url");
    // EHLO with the sending domain unless the setting names one; relays reject bare host names.
    auto settings = SmtpSettingsFromValue(json::serialize(smtp), e.from_address);
    if (!settings.ok()) return fail(settings.status().message());
    out.smtp = std::move(settings).value();
    std::string mailto = Str(smtp, "unsubscribe_mailto");
    if (mailto.empty()) {
      auto at = e.from_address.find('@');
      if (at != std::string::npos) mailto = "unsubscribe@" + e.from_address.substr(at + 1);
    }
    if (!mailto.empty()) {
      e.list_unsubscribe_mailto = "mailto:" + mailto + "?subject=unsubscribe%20" + m.uuid;
    }
    return;
  }

  HttpRequest& req = out.http;
  req.method = "POST";
  if (m.channel == "sms") {
    const json::object& gw = ctx.Setting(m.workspace_id, "SMS_GATEWAY");
    req.url = Str(gw, "url");
    if (req.url.empty()) return fail("the workspace has no SMS_GATEWAY setting");
    json::object vars{{"to", Str(p, "to")}, {"text", Str(p, "text")}, {"message_id", m.uuid}};
    std::string body_template = Str(gw, "body");
    if (body_template.empty()) {
      req.body = json::serialize(vars);
    } else {
      auto t = core::Template::Parse(body_template);
      auto rendered =
          t.ok() ? t->Render(vars, core::Escape::kJson) : core::Result<std::string>(t.status());
      if (!rendered.ok()) return fail("SMS_GATEWAY body: " + rendered.status().message());
      req.body = std::move(rendered).value();
    }
    if (auto* h = gw.if_contains("headers"); h && h->is_object()) {
      for (const auto& kv : h->as_object()) {
        if (kv.value().is_string()) req.headers.emplace_back(kv.key(), kv.value().as_string());
      }
    }
  } else {
    req.url = Str(p, "url");
    req.body = Str(p, "body");
    if (auto* h = p.if_contains("headers"); h && h->is_object()) {
      for (const auto& kv : h->as_object()) {
        if (kv.value().is_string()) req.headers.emplace_back(kv.key(), kv.value().as_string());
      }
    }
    const json::object& signing = ctx.Setting(m.workspace_id, "WEBHOOK_SIGNING");
    req.signing_secret = Str(signing, "secret");
  }
  bool has_type = false;
  for (const auto& [k, v] : req.headers) {
    has_type = has_type || strcasecmp(k.c_str(), "Content-Type") == 0;
  }
  if (!has_type) req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Idempotency-Key", m.idempotency_key);
  req.timeout_ms = options_.http_timeout_ms;
  req.connect_timeout_ms = std::min(req.connect_timeout_ms, options_.http_timeout_ms);
}

DeliveryHealth OutboxWorker::health() const {
  std::lock_guard lock(health_mu_);
  return health_;
}

core::Result<int> OutboxWorker::DeliverDueNow() {
  core::Millis now = clock_.Now();
  std::vector<core::OutboxMessage> claimed;
  core::Millis lease = journeys_.config().delivery_lease;
  RIVULET_RETURN_IF_ERROR(store_.WriteAndWait([&](store::WriteTxn& txn) -> core::Status {
    RIVULET_ASSIGN_OR_RETURN(claimed, txn.ClaimOutbox(now, options_.batch, now + lease));
    return core::Status::Ok();
  }));
  if (claimed.empty()) return 0;
  BatchContext ctx;
  RIVULET_RETURN_IF_ERROR(ReadBatchContext(claimed, ctx));

  std::vector<Pending> pending(claimed.size());
  std::vector<size_t> email_index, http_index;  // positions in claimed
  for (size_t i = 0; i < claimed.size(); ++i) {
    if (!ctx.wanted[i]) {
      pending[i].result = Journeys::DeliveryResult::kSkipped;
      pending[i].detail = "the contact unsubscribed before delivery";
      continue;
    }
    Prepare(claimed[i], ctx, pending[i]);
    if (pending[i].result) continue;
    (claimed[i].channel == "email" ? email_index : http_index).push_back(i);
  }

  // Outcomes are committed as they come, one transaction for each group of sends that
  // finished together (group commit batches those further), so tokens move on at once and a
  // crash repeats as few sends as possible.
  Committer committer(*this, claimed);
  std::vector<Committer::Done> decided;
  for (size_t i = 0; i < claimed.size(); ++i) {
    if (pending[i].result) decided.push_back({i, *pending[i].result, pending[i].detail});
  }
  if (!decided.empty()) committer.Commit(std::move(decided));

  if (!http_index.empty()) {
    std::vector<HttpRequest> requests;
    requests.reserve(http_index.size());
    for (size_t i : http_index) requests.push_back(std::move(pending[i].http));
    http_.SendMany(requests,
                   [&](Completions& done) { committer.Commit(ToDone(done, http_index)); });
  }
  if (!email_index.empty()) {
    std::vector<EmailJob> jobs;
    jobs.reserve(email_index.size());
    for (size_t i : email_index) jobs.push_back(EmailJob{&pending[i].smtp, &pending[i].email});
    email_.SendMany(jobs, now,
                    [&](Completions& done) { committer.Commit(ToDone(done, email_index)); });
  }
  RIVULET_RETURN_IF_ERROR(committer.Wait());
  return static_cast<int>(claimed.size());
}

std::vector<OutboxWorker::Committer::Done> OutboxWorker::ToDone(
    Completions& completions, const std::vector<size_t>& positions) {
  std::vector<Committer::Done> out;
  out.reserve(completions.size());
  for (auto& [k, outcome] : completions) {
    Committer::Done d;
    d.position = positions[k];
    d.result = FromOutcome(outcome, &d.detail);
    out.push_back(std::move(d));
  }
  return out;
}

OutboxWorker::Committer::Committer(OutboxWorker& worker,
                                   const std::vector<core::OutboxMessage>& claimed)
    : worker_(worker), claimed_(claimed), outstanding_(claimed.size()) {}

// Outcomes committed by one write job; rows are fixed once the writer took the group.
struct OutboxWorker::Committer::Group {
  struct Row {
    core::OutboxMessage message;
    Journeys::DeliveryResult result;
    std::string detail;
    std::optional<core::Millis> retry_at;
    core::Millis done_at;
  };
  std::vector<Row> rows;
  bool taken = false;
};

void OutboxWorker::Committer::Commit(std::vector<Done> done) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::vector<Group::Row> rows;
  rows.reserve(done.size());
  const auto& cfg = worker_.journeys_.config();
  for (Done& d : done) {
    const core::OutboxMessage& m = claimed_[d.position];
    std::optional<core::Millis> retry_at;
    if (d.result == Journeys::DeliveryResult::kRetry) {
      core::Millis delay = cfg.first_retry_delay << std::min(m.attempts, 20);
      delay = std::min(delay, cfg.max_retry_delay);
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      retry_at = worker_.clock_.Now() + static_cast<core::Millis>(delay * jitter(rng));
      worker_.retried_++;
    } else if (d.result == Journeys::DeliveryResult::kDelivered) {
      worker_.delivered_++;
    } else if (d.result == Journeys::DeliveryResult::kFailed) {
      worker_.failed_++;
    }
    {
      std::lock_guard lock(worker_.health_mu_);
      DeliveryHealth& health = worker_.health_;
      if (d.result == Journeys::DeliveryResult::kDelivered) {
        health.consecutive_failures = 0;
      } else if (d.result != Journeys::DeliveryResult::kSkipped) {
        ++health.consecutive_failures;
        health.last_error = m.channel + ": " + d.detail;
        health.last_error_at = worker_.clock_.Now();
      }
    }
    if (d.result == Journeys::DeliveryResult::kRetry ||
        d.result == Journeys::DeliveryResult::kFailed) {
      spdlog::warn("delivery of {} message {} attempt {}: {}", m.channel, m.uuid, m.attempts + 1,
                   d.detail);
    }
    rows.push_back(Group::Row{m, d.result, std::move(d.detail), retry_at, worker_.clock_.Now()});
  }
  if (rows.empty()) return;

  std::shared_ptr<Group> group;
  {
    std::lock_guard lock(mu_);
    if (open_ && !open_->taken) {  // its write is still queued: ride along
      for (auto& r : rows) open_->rows.push_back(std::move(r));
      return;
    }
    open_ = group = std::make_shared<Group>();
    group->rows = std::move(rows);
  }
  auto effects = std::make_shared<engine::Effects>();
  OutboxWorker& w = worker_;
  w.store_.Write(
      [this, &w, group, effects](store::WriteTxn& txn) -> core::Status {
        {
          std::lock_guard lock(mu_);
          group->taken = true;
        }
        *effects = engine::Effects();
        std::map<int64_t, core::Automation> automations;
        for (const Group::Row& r : group->rows) {
          RIVULET_RETURN_IF_ERROR(w.journeys_.CompleteDelivery(
              txn, r.message, r.result, r.detail, r.retry_at, r.done_at, *effects, &automations));
        }
        return effects->Flush(txn);
      },
      [this, group, effects](core::Status st) {
        if (st.ok() && worker_.hooks_) worker_.hooks_->After(*effects);
        std::lock_guard lock(mu_);
        group->taken = true;  // also when the write never ran (queue full)
        if (!st.ok() && first_error_.ok()) first_error_ = st;
        outstanding_ -= group->rows.size();
        if (outstanding_ == 0) cv_.notify_all();
      });
}

core::Status OutboxWorker::Committer::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return outstanding_ == 0; });
  return first_error_;
}

void OutboxWorker::Loop() {
  core::NameThisThread("rivulet-outbox");
  while (true) {
    uint64_t generation;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      generation = wake_generation_;
    }
    auto n = DeliverDueNow();
    if (!n.ok()) spdlog::error("outbox: {}", n.status().ToString());
    if (n.ok() && *n == options_.batch) continue;  // more may be due

    core::Millis now = clock_.Now();
    core::Millis next = now + options_.max_sleep;
    std::optional<core::Millis> due;
    (void)store_.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(due, txn.NextOutboxAttemptAt());
      return core::Status::Ok();
    });
    if (due) next = std::min(next, std::max(*due, now));
    if (!n.ok()) next = std::max(next, now + 200);
    std::unique_lock lock(mu_);
    while (!stop_ && wake_generation_ == generation) {
      core::Millis wait = next - clock_.Now();
      if (wait <= 0) break;
      cv_.wait_for(lock, std::chrono::milliseconds(std::min(wait, options_.max_sleep)));
    }
  }
}

}  // namespace rivulet::delivery
