#include "engine/batches.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/audience.h"
#include "core/json_text.h"
#include "core/thread_name.h"
#include "core/uuid.h"

namespace rivulet::engine {
using core::BatchSource;
using core::BatchStatus;
namespace json = boost::json;

namespace {

BatchStatus NotNotified(BatchStatus s) {
  return s == BatchStatus::kEnabledOkNotifying ? BatchStatus::kEnabledOkNotNotified
                                               : BatchStatus::kEnabledErrorNotNotified;
}

// Queues the notification of a source that just moved to *_NOTIFYING (see the header); an
// e-mail that cannot be sent (no SMTP setting, no sender) makes it *_NOT_NOTIFIED instead.
Status QueueNotification(store::WriteTxn& txn, const core::Automation& a, BatchSource& src,
                         core::Millis now, Effects& effects) {
  json::object n = core::ParseJsonObject(src.notification_json);
  auto str = [](const json::object& o, const char* k) {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  bool ok = src.status == BatchStatus::kEnabledOkNotifying;
  json::object report{{"automationUuid", a.uuid},   {"sourceUuid", src.uuid},
                      {"sourceLabel", src.label},   {"result", ok ? "OK" : "ERROR"},
                      {"customers", src.accepted},  {"rejected", src.rejected},
                      {"lastError", src.last_error}};
  core::OutboxMessage m;
  m.uuid = core::NewUuidV7(now);
  m.workspace_id = a.workspace_id;
  m.automation_id = a.id;
  m.step_uuid = std::string(kBatchNotificationStep) + src.uuid;
  m.idempotency_key = std::string(kBatchNotificationStep) + m.uuid;
  m.status = "pending";
  m.next_attempt_at = now;
  m.created_at = now;
  json::object payload;
  if (str(n, "type") == "WEBHOOK") {
    m.channel = "webhook";
    payload = {
        {"url", str(n, "url")}, {"headers", json::object()}, {"body", json::serialize(report)}};
  } else {
    std::string problem;
    RIVULET_ASSIGN_OR_RETURN(auto settings, txn.ListSettings(a.workspace_id));
    RIVULET_ASSIGN_OR_RETURN(auto senders, txn.ListSenders(a.workspace_id));
    bool smtp = std::any_of(settings.begin(), settings.end(),
                            [](const core::WorkspaceSetting& x) { return x.type == "SMTP"; });
    if (!smtp)
      problem = "the node has no SMTP setting";
    else if (senders.empty())
      problem = "the node has no sender";
    if (!problem.empty()) {
      src.status = NotNotified(src.status);
      src.last_error = "notification: " + problem;
      spdlog::warn("batch {}: notification not delivered: {}", src.uuid, problem);
      return Status::Ok();
    }
    const core::Sender& from = senders.front();
    m.channel = "email";
    payload = {{"to", str(n, "recipient")},
               {"from_name", from.from_name},
               {"from_address", from.from_address},
               {"reply_to", from.reply_to},
               {"subject", "Contactflow batch " + (src.label.empty() ? src.uuid : src.label) +
                               ": " + (ok ? "processed" : "processed with errors")},
               {"html", ""},
               {"text", json::serialize(report)},
               {"message_id", m.uuid + "@rivulet"},
               {"list_unsubscribe_url", ""}};
  }
  m.payload_json = json::serialize(payload);
  RIVULET_RETURN_IF_ERROR(txn.InsertOutboxMessage(m));
  effects.MessageQueued();
  return Status::Ok();
}

// Whether a new contact's contact_created event can start or wake anything in the workspace:
// an automation triggered by it or by audience membership. (A contact created just now has
// no token waiting for an event.) Asked once per packet: a packet changes no automation.
Result<bool> ContactCreationReacts(store::WriteTxn& txn, int64_t ws) {
  RIVULET_ASSIGN_OR_RETURN(auto by_event, txn.AutomationsTriggeredBy(ws, "contact_created"));
  if (!by_event.empty()) return true;
  RIVULET_ASSIGN_OR_RETURN(auto by_audience,
                           txn.AutomationsTriggeredBy(ws, std::string(core::kAudienceTriggerKey)));
  return !by_audience.empty();
}

// Enrolls one customer as a held token; FailedPrecondition/NotFound for a refused customer.
// A contact it creates records its contact_created event; `events_react` says whether that
// event must also go through Journeys::OnEvent.
Result<core::Token> EnrollHeld(store::WriteTxn& txn, Journeys& journeys, bool events_react,
                               const core::Automation& a, const ContactInput& in,
                               const EnrollOptions& options, core::Millis now, Effects& effects) {
  RIVULET_ASSIGN_OR_RETURN(core::Contact contact,
                           Contacts::Identify(txn, a.workspace_id, in, now,
                                              events_react ? &journeys : nullptr, effects));
  return journeys.Enroll(txn, a, contact, options, now, effects);
}

// Why the automation takes no customers now; empty when it does.
std::string CustomersRefused(const core::Automation& a, core::Millis now) {
  using S = core::AutomationStatus;
  if (a.status != S::kRunning && a.status != S::kCommitted && a.status != S::kPaused) {
    return std::string("automation is ") + core::AutomationStatusName(a.status) +
           "; it takes no customers";
  }
  if (a.end_date && now > *a.end_date) return "automation has ended";
  if (!a.EntryStep()) return "automation has no entry step";
  return {};
}

// A staged packet's customers, as one JSON array (short keys: a packet holds up to 10,000).
std::string EncodeCustomers(const BatchPacket& p) {
  json::array out;
  out.reserve(p.customers.size());
  auto strings = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& x : v) a.emplace_back(x);
    return a;
  };
  for (size_t i = 0; i < p.customers.size(); ++i) {
    const ContactInput& in = p.customers[i];
    json::object o;
    if (in.uuid) o["u"] = *in.uuid;
    if (in.email) o["e"] = *in.email;
    if (in.phone) o["p"] = *in.phone;
    if (in.external_id) o["x"] = *in.external_id;
    if (in.attributes_json) o["a"] = *in.attributes_json;
    if (in.tags) o["t"] = strings(*in.tags);
    if (!in.add_tags.empty()) o["ta"] = strings(in.add_tags);
    if (!in.remove_tags.empty()) o["tr"] = strings(in.remove_tags);
    if (in.timezone) o["z"] = *in.timezone;
    if (i < p.run_data_json.size() && p.run_data_json[i] != "{}") o["r"] = p.run_data_json[i];
    out.emplace_back(std::move(o));
  }
  return json::serialize(out);
}

Status DecodeCustomers(const std::string& payload, BatchPacket& p) {
  std::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec || !v.is_array()) return core::Internal("staged packet is not a JSON array");
  auto text = [](const json::object& o, const char* k) -> std::optional<std::string> {
    const json::value* x = o.if_contains(k);
    if (!x || !x->is_string()) return std::nullopt;
    return std::string(x->as_string());
  };
  auto strings = [](const json::object& o, const char* k) {
    std::vector<std::string> out;
    if (const json::value* x = o.if_contains(k); x && x->is_array()) {
      for (const json::value& e : x->as_array()) {
        if (e.is_string()) out.emplace_back(e.as_string());
      }
    }
    return out;
  };
  p.customers.reserve(v.as_array().size());
  p.run_data_json.reserve(v.as_array().size());
  for (const json::value& c : v.as_array()) {
    if (!c.is_object()) return core::Internal("staged customer is not a JSON object");
    const json::object& o = c.as_object();
    ContactInput in;
    in.uuid = text(o, "u");
    in.email = text(o, "e");
    in.phone = text(o, "p");
    in.external_id = text(o, "x");
    in.attributes_json = text(o, "a");
    if (o.contains("t")) in.tags = strings(o, "t");
    in.add_tags = strings(o, "ta");
    in.remove_tags = strings(o, "tr");
    in.timezone = text(o, "z");
    p.customers.push_back(std::move(in));
    p.run_data_json.push_back(text(o, "r").value_or("{}"));
  }
  return Status::Ok();
}

// The LAST packet is expanded: its source's held tokens are released and the source is
// ENABLED, with its notification queued.
Status CloseSource(store::WriteTxn& txn, const core::Automation& a, BatchSource& src,
                   core::Millis now, Effects& effects) {
  core::Millis wake = a.start_date ? std::max(now, *a.start_date) : now;
  RIVULET_ASSIGN_OR_RETURN(int64_t released, txn.ReleaseHeldTokens(a.id, src.uuid, wake));
  if (released > 0) effects.WakeAt(wake);
  bool errors = src.rejected > 0;
  src.status = src.notification_json.empty() ? BatchStatus::kEnabled
                                             : (errors ? BatchStatus::kEnabledErrorNotifying
                                                       : BatchStatus::kEnabledOkNotifying);
  if (src.notification_json.empty()) return Status::Ok();
  return QueueNotification(txn, a, src, now, effects);
}

}  // namespace

void Batches::AddPacket(int64_t ws, const std::string& automation_uuid, BatchPacket packet,
                        Callback<BatchSource> done) {
  if (packet.customers.size() > kMaxPacket) {
    return done(core::InvalidArgument("a packet holds at most 10000 customers")
                    .WithField("customers", "at most 10000"));
  }
  core::Millis now = clock_.Now();
  // Encoded here, on the caller's thread: the writer only stores it.
  auto payload = std::make_shared<std::string>(EncodeCustomers(packet));
  auto customers = static_cast<int64_t>(packet.customers.size());
  packet.customers.clear();
  packet.run_data_json.clear();
  WriteWithEffects<BatchSource>(
      store_, hooks_,
      [ws, automation_uuid, packet = std::move(packet), payload, customers, now](
          store::WriteTxn& txn, Effects& effects) -> Result<BatchSource> {
        RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomation(ws, automation_uuid));
        // The automation itself refusing customers fails the packet as a whole.
        if (std::string refused = CustomersRefused(a, now); !refused.empty()) {
          return core::FailedPrecondition(refused);
        }
        BatchSource src;
        auto found = txn.FindBatchSource(ws, a.id, packet.source_uuid);
        if (packet.kind == BatchPacket::Kind::kFirst) {
          if (found.ok()) {
            return core::AlreadyExists("batch source " + packet.source_uuid + " exists already")
                .WithField("sourceUuid", "a FIRST packet opens a new source");
          }
          if (found.status().code() != core::Code::kNotFound) return found.status();
          src.workspace_id = ws;
          src.automation_id = a.id;
          src.uuid = packet.source_uuid;
          src.label = packet.label;
          src.notification_json = packet.notification_json;
          src.created_at = now;
          src.updated_at = now;
          RIVULET_RETURN_IF_ERROR(txn.InsertBatchSource(src));
        } else {
          if (!found.ok()) {
            if (found.status().code() != core::Code::kNotFound) return found.status();
            return core::NotFound("batch source " + packet.source_uuid +
                                  " is not open; send a FIRST packet first")
                .WithField("sourceUuid", "no such batch source");
          }
          src = std::move(found).value();
          if (src.status != BatchStatus::kOpen) {
            return core::FailedPrecondition(std::string("batch source is ") +
                                            core::BatchStatusName(src.status) +
                                            "; it takes no more packets")
                .WithField("packet", "the source is closed");
          }
          if (!packet.label.empty()) src.label = packet.label;
          if (!packet.notification_json.empty()) src.notification_json = packet.notification_json;
        }
        core::StagedPacket staged;
        staged.workspace_id = ws;
        staged.automation_id = a.id;
        staged.source_id = src.id;
        staged.source_uuid = src.uuid;
        staged.last = packet.kind == BatchPacket::Kind::kLast;
        staged.customers = customers;
        staged.payload = *payload;
        staged.created_at = now;
        RIVULET_RETURN_IF_ERROR(txn.InsertStagedPacket(staged));
        effects.PacketStaged();
        ++src.packets;
        src.received += staged.customers;
        src.updated_at = now;
        if (staged.last) {
          src.status = BatchStatus::kClosed;
          src.closed_at = now;
        }
        RIVULET_RETURN_IF_ERROR(txn.UpdateBatchSource(src));
        return src;
      },
      std::move(done));
}

Result<std::shared_ptr<const BatchPacket>> Batches::Decoded(const core::StagedPacket& staged) {
  {
    std::lock_guard lock(decoded_mu_);
    if (auto it = decoded_.find(staged.id); it != decoded_.end()) return it->second;
  }
  auto packet = std::make_shared<BatchPacket>();
  RIVULET_RETURN_IF_ERROR(DecodeCustomers(staged.payload, *packet));
  if (static_cast<int64_t>(packet->customers.size()) != staged.customers)
    return core::Internal("staged packet holds " + std::to_string(packet->customers.size()) +
                          " customers, not " + std::to_string(staged.customers));
  std::lock_guard lock(decoded_mu_);
  if (decoded_.size() >= kDecodedPackets) decoded_.erase(decoded_.begin());
  decoded_.emplace(staged.id, packet);
  return std::shared_ptr<const BatchPacket>(std::move(packet));
}

void Batches::Forget(int64_t packet_id) {
  std::lock_guard lock(decoded_mu_);
  decoded_.erase(packet_id);
}

void Batches::Expand(std::optional<int64_t> reject_whole, const std::string& reason,
                     std::shared_ptr<int64_t> claimed, Callback<bool> done) {
  core::Millis now = clock_.Now();
  WriteWithEffects<bool>(
      store_, hooks_,
      [this, now, reject_whole, reason, claimed](store::WriteTxn& txn,
                                                 Effects& effects) -> Result<bool> {
        RIVULET_ASSIGN_OR_RETURN(auto staged, txn.ClaimStagedPacket());
        if (!staged) return false;
        *claimed = staged->id;
        RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomationById(staged->automation_id));
        RIVULET_ASSIGN_OR_RETURN(
            BatchSource src, txn.FindBatchSource(staged->workspace_id, a.id, staged->source_uuid));
        std::string refused =
            reject_whole == staged->id ? "cannot be expanded: " + reason : CustomersRefused(a, now);
        int64_t next = staged->customers;  // all of them, unless a chunk is left for later
        if (refused.empty()) {
          RIVULET_ASSIGN_OR_RETURN(auto packet, Decoded(*staged));
          RIVULET_ASSIGN_OR_RETURN(bool events_react, ContactCreationReacts(txn, a.workspace_id));
          EnrollOptions options;
          options.source_uuid = src.uuid;
          options.held = true;
          next = std::min(staged->customers, src.packet_expanded + chunk_);
          for (int64_t i = src.packet_expanded; i < next; ++i) {
            options.run_data_json = packet->run_data_json[i];
            auto token = EnrollHeld(txn, journeys_, events_react, a, packet->customers[i], options,
                                    now, effects);
            if (token.ok()) {
              ++src.accepted;
              continue;
            }
            core::Code code = token.status().code();
            if (code != core::Code::kFailedPrecondition && code != core::Code::kNotFound) {
              return token.status();
            }
            ++src.rejected;
            src.last_error = "customers[" + std::to_string(i) + "]: " + token.status().message();
          }
        } else {
          int64_t left = staged->customers - src.packet_expanded;
          src.rejected += left;
          src.last_error = std::to_string(left) + " customers of a packet: " + refused;
        }
        src.updated_at = now;
        if (next < staged->customers) {
          src.packet_expanded = next;
        } else {
          src.packet_expanded = 0;
          RIVULET_RETURN_IF_ERROR(txn.DeleteStagedPacket(staged->id));
          Forget(staged->id);
          if (staged->last) RIVULET_RETURN_IF_ERROR(CloseSource(txn, a, src, now, effects));
        }
        RIVULET_RETURN_IF_ERROR(txn.UpdateBatchSource(src));
        return true;
      },
      [this, claimed, done = std::move(done)](Result<bool> r) {
        if (!r.ok()) Forget(*claimed);  // decoded again from the database next time
        if (r.ok() && *r) ++chunks_expanded_;
        done(std::move(r));
      });
}

void Batches::ExpandNext(Callback<bool> done) {
  auto claimed = std::make_shared<int64_t>(0);
  Expand(std::nullopt, "", claimed, [this, claimed, done = std::move(done)](Result<bool> r) {
    if (r.ok() || r.status().retryable() || *claimed == 0) return done(std::move(r));
    // A lasting failure would fail again on every attempt and hold up the packets behind it.
    std::string reason = r.status().message();
    spdlog::error("batch packet {} cannot be expanded ({}); its customers are rejected", *claimed,
                  reason);
    Expand(*claimed, reason, claimed, done);
  });
}

Result<int> Batches::ExpandStagedNow(int lanes, const std::atomic<bool>* stop) {
  struct Run {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    bool found_none = false;  // since the last expanded packet
    int expanded = 0;
    Status error;
  };
  auto run = std::make_shared<Run>();
  std::unique_lock lock(run->mu);
  for (;;) {
    run->cv.wait(
        lock, [&] { return run->in_flight == 0 || (run->in_flight < lanes && !run->found_none); });
    bool stopping = stop && stop->load();
    if (!run->error.ok() || stopping || (run->found_none && run->in_flight == 0)) break;
    ++run->in_flight;
    lock.unlock();
    ExpandNext([run](Result<bool> r) {
      std::lock_guard done(run->mu);
      --run->in_flight;
      if (!r.ok()) {
        if (run->error.ok()) run->error = r.status();
      } else if (*r) {
        ++run->expanded;
        run->found_none = false;
      } else {
        run->found_none = true;
      }
      run->cv.notify_all();
    });
    lock.lock();
  }
  run->cv.wait(lock, [&] { return run->in_flight == 0; });
  if (!run->error.ok()) return run->error;
  return run->expanded;
}

void BatchExpander::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  woken_ = true;  // packets a previous run left staged
  thread_ = std::thread([this] { Loop(); });
}

void BatchExpander::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BatchExpander::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void BatchExpander::Loop() {
  core::NameThisThread("rivulet-batches");
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(poll_), [this] { return stopping_ || woken_; });
    if (stopping_) break;
    woken_ = false;
    lock.unlock();
    auto expanded = batches_.ExpandStagedNow(kLanes, &stopping_);
    if (!expanded.ok()) {
      spdlog::warn("batch expansion: {}; retrying", expanded.status().ToString());
    }
    lock.lock();
  }
}

void Batches::DeleteOpen(int64_t ws, const std::string& automation_uuid,
                         const std::string& source_uuid, Callback<bool> done) {
  WriteWithEffects<bool>(
      store_, hooks_,
      [ws, automation_uuid, source_uuid](store::WriteTxn& txn, Effects& effects) -> Result<bool> {
        RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomation(ws, automation_uuid));
        RIVULET_ASSIGN_OR_RETURN(BatchSource src, txn.FindBatchSource(ws, a.id, source_uuid));
        if (src.status != BatchStatus::kOpen) {
          return core::FailedPrecondition(std::string("batch source is ") +
                                          core::BatchStatusName(src.status) +
                                          "; only an OPEN batch can be deleted")
              .WithField("sourceUuid", "the source is closed");
        }
        RIVULET_ASSIGN_OR_RETURN(int64_t deleted, txn.DeleteHeldTokens(a.id, src.uuid));
        if (deleted > 0) {
          effects.Count(a.id, "", counter::kEntered, -deleted);
          if (const core::Step* entry = a.EntryStep()) {
            effects.Count(a.id, entry->uuid, counter::kEntered, -deleted);
          }
        }
        RIVULET_RETURN_IF_ERROR(txn.DeleteBatchSource(ws, src.id));
        return true;
      },
      std::move(done));
}

void Batches::RecordNotification(int64_t ws, int64_t automation_id, const std::string& source_uuid,
                                 bool delivered, const std::string& detail,
                                 Callback<BatchSource> done) {
  core::Millis now = clock_.Now();
  WriteWithEffects<BatchSource>(
      store_, hooks_,
      [ws, automation_id, source_uuid, delivered, detail, now](store::WriteTxn& txn,
                                                               Effects&) -> Result<BatchSource> {
        return RecordBatchNotification(txn, ws, automation_id, source_uuid, delivered, detail, now);
      },
      std::move(done));
}

std::optional<std::string> BatchNotificationSource(const core::OutboxMessage& m) {
  if (m.token_id != 0 || !m.step_uuid.starts_with(kBatchNotificationStep)) return std::nullopt;
  return m.step_uuid.substr(kBatchNotificationStep.size());
}

Result<BatchSource> RecordBatchNotification(store::WriteTxn& txn, int64_t ws, int64_t automation_id,
                                            const std::string& source_uuid, bool delivered,
                                            const std::string& detail, core::Millis now) {
  RIVULET_ASSIGN_OR_RETURN(BatchSource src, txn.FindBatchSource(ws, automation_id, source_uuid));
  if (src.status != BatchStatus::kEnabledOkNotifying &&
      src.status != BatchStatus::kEnabledErrorNotifying) {
    return core::FailedPrecondition("batch source is not notifying");
  }
  if (delivered) {
    src.status = src.status == BatchStatus::kEnabledOkNotifying
                     ? BatchStatus::kEnabledOkNotified
                     : BatchStatus::kEnabledErrorNotified;
  } else {
    src.status = NotNotified(src.status);
    src.last_error = "notification: " + detail;
    spdlog::warn("batch {}: notification not delivered: {}", src.uuid, detail);
  }
  src.updated_at = now;
  RIVULET_RETURN_IF_ERROR(txn.UpdateBatchSource(src));
  return src;
}

}  // namespace rivulet::engine
