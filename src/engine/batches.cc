#include "engine/batches.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/audience.h"
#include "core/json_text.h"
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

}  // namespace

void Batches::AddPacket(int64_t ws, const std::string& automation_uuid, BatchPacket packet,
                        Callback<BatchSource> done) {
  if (packet.customers.size() > kMaxPacket) {
    return done(core::InvalidArgument("a packet holds at most 10000 customers")
                    .WithField("customers", "at most 10000"));
  }
  core::Millis now = clock_.Now();
  Journeys* journeys = &journeys_;
  store::WriteHint hint{ws, {}};
  for (const ContactInput& in : packet.customers) Contacts::AddToHint(hint, in);
  WriteWithEffects<BatchSource>(
      store_, hooks_,
      [ws, automation_uuid, packet = std::move(packet), now, journeys](
          store::WriteTxn& txn, Effects& effects) -> Result<BatchSource> {
        RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomation(ws, automation_uuid));
        // The automation itself refusing customers fails the packet as a whole.
        using S = core::AutomationStatus;
        if (a.status != S::kRunning && a.status != S::kCommitted && a.status != S::kPaused) {
          return core::FailedPrecondition(std::string("automation is ") +
                                          core::AutomationStatusName(a.status) +
                                          "; it takes no customers");
        }
        if (a.end_date && now > *a.end_date)
          return core::FailedPrecondition("automation has ended");
        if (!a.EntryStep()) return core::FailedPrecondition("automation has no entry step");
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
        RIVULET_ASSIGN_OR_RETURN(bool events_react, ContactCreationReacts(txn, ws));
        EnrollOptions options;
        options.source_uuid = src.uuid;
        options.held = true;
        for (size_t i = 0; i < packet.customers.size(); ++i) {
          options.run_data_json =
              i < packet.run_data_json.size() ? packet.run_data_json[i] : std::string("{}");
          auto token = EnrollHeld(txn, *journeys, events_react, a, packet.customers[i], options,
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
        ++src.packets;
        src.updated_at = now;
        if (packet.kind == BatchPacket::Kind::kLast) {
          src.status = BatchStatus::kClosed;
          src.closed_at = now;
          core::Millis wake = a.start_date ? std::max(now, *a.start_date) : now;
          RIVULET_ASSIGN_OR_RETURN(int64_t released, txn.ReleaseHeldTokens(a.id, src.uuid, wake));
          if (released > 0) effects.WakeAt(wake);
          bool errors = src.rejected > 0;
          src.status = src.notification_json.empty() ? BatchStatus::kEnabled
                                                     : (errors ? BatchStatus::kEnabledErrorNotifying
                                                               : BatchStatus::kEnabledOkNotifying);
          if (!src.notification_json.empty()) {
            RIVULET_RETURN_IF_ERROR(QueueNotification(txn, a, src, now, effects));
          }
        }
        RIVULET_RETURN_IF_ERROR(txn.UpdateBatchSource(src));
        return src;
      },
      std::move(done), std::move(hint));
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
