#ifndef RIVULET_CORE_JOURNEY_H_
#define RIVULET_CORE_JOURNEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

// The running state of automations: tokens, outbox messages, counters, and the workspace
// resources steps refer to (senders, templates, channel settings).
namespace rivulet::core {

enum class TokenStatus { kActive, kCompleted, kError, kExited };
const char* TokenStatusName(TokenStatus s);  // "ACTIVE", "COMPLETED", "ERROR", "EXITED"
std::optional<TokenStatus> ParseTokenStatus(std::string_view s);

// Where a token stands inside its current step.
enum class StepPhase {
  kEnter,     // the step has not run yet; run it when due
  kWaiting,   // a wait is running; wake_at says until when
  kDelivery,  // the step's message is in the outbox; the delivery wakes the token
};
const char* StepPhaseName(StepPhase p);
std::optional<StepPhase> ParseStepPhase(std::string_view s);

// One contact's journey through one automation (a Contactflow "customer in automation", a
// Leat "automation run"). Durable: every change commits with the effects it causes.
struct Token {
  int64_t id = 0;
  int64_t workspace_id = 0;
  int64_t automation_id = 0;
  std::string uuid;
  int64_t contact_id = 0;
  std::string step_uuid;
  StepPhase phase = StepPhase::kEnter;
  std::optional<Millis> wake_at;  // due time; the scheduler runs the token then
  std::string waiting_event;      // WAIT_FOR_TRIGGER: the event type it waits for
  TokenStatus status = TokenStatus::kActive;
  std::string run_data_json = "{}";   // given at enrollment (Leat run data)
  std::string event_json = "{}";      // the event that enrolled it: {"type","data"}
  std::string step_data_json = "{}";  // per-step state: delivery outcome, trigger result
  std::string source_uuid;            // batch source (Contactflow), if any
  Millis entered_at = 0;
  Millis step_entered_at = 0;
  Millis updated_at = 0;
  std::string error_message;
  std::optional<Millis> error_at;
};

// An outbound message produced by a step, delivered by the outbox workers with retries.
// The idempotency key (token + step + entry count) makes a repeated step a no-op and is sent
// as Message-ID / Idempotency-Key, so a receiver can drop a retried duplicate.
struct OutboxMessage {
  int64_t id = 0;
  int64_t workspace_id = 0;
  int64_t automation_id = 0;
  int64_t token_id = 0;
  int64_t contact_id = 0;
  std::string uuid;
  std::string step_uuid;
  std::string channel;  // "email", "sms", "webhook"
  std::string idempotency_key;
  std::string payload_json;        // the rendered message
  std::string status = "pending";  // pending, sending, sent, failed, skipped
  int attempts = 0;
  Millis next_attempt_at = 0;
  Millis lease_until = 0;
  std::string last_error;
  Millis created_at = 0;
  std::optional<Millis> sent_at;
  std::optional<Millis> opened_at;
  std::optional<Millis> clicked_at;
  std::optional<Millis> bounced_at;
  std::optional<Millis> unsubscribed_at;
  int64_t open_count = 0;
  int64_t click_count = 0;
};

// A From identity for e-mail.
struct Sender {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string uuid;
  std::string name;
  std::string from_name;
  std::string from_address;
  std::string reply_to;
  Millis created_at = 0;
};

// A reusable message body (mail model / SMS model).
struct MessageTemplate {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string uuid;
  std::string name;
  std::string kind = "email";  // "email" or "sms"
  std::string subject;
  std::string html;
  std::string text;
  Millis created_at = 0;
  Millis updated_at = 0;
};

// A workspace setting (Contactflow node setting): category + type + JSON value. Types the
// engine reads: SMTP, SMS_GATEWAY, WEBHOOK_SIGNING.
struct WorkspaceSetting {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string uuid;
  std::string label;
  std::string category = "INTEGRATION";
  std::string type;
  std::string value_json = "{}";
};

// A batch enrollment source (Contactflow "batch of customers"): packets FIRST / MIDDLE /
// LAST under one uuid. Its tokens are held (no wake-up time) until the LAST packet closes
// it; then they are released together.
enum class BatchStatus {
  kOpen,
  kClosed,
  kEnabled,
  kEnabledOkNotifying,
  kEnabledErrorNotifying,
  kEnabledOkNotified,
  kEnabledOkNotNotified,
  kEnabledErrorNotified,
  kEnabledErrorNotNotified,
};
const char* BatchStatusName(BatchStatus s);  // "OPEN", "CLOSED", "ENABLED_OK_NOTIFYING", …
std::optional<BatchStatus> ParseBatchStatus(std::string_view s);

struct BatchSource {
  int64_t id = 0;
  int64_t workspace_id = 0;
  int64_t automation_id = 0;
  std::string uuid;
  std::string label;
  BatchStatus status = BatchStatus::kOpen;
  std::string notification_json;  // empty: none; else the face's notification object
  int64_t packets = 0;
  int64_t received = 0;  // customers in the packets accepted so far (staged or expanded)
  int64_t accepted = 0;  // customers that entered (held tokens)
  int64_t rejected = 0;  // customers refused (uniqueToken, re-entry, unknown uuid)
  // Customers of the source's oldest staged packet already expanded (packets of a source are
  // expanded one after another, in chunks). Kept here: the packet row holds the payload.
  int64_t packet_expanded = 0;
  std::string last_error;
  Millis created_at = 0;
  Millis updated_at = 0;
  std::optional<Millis> closed_at;
};

// A packet of a batch source, durable but not yet expanded into held tokens. Packets of one
// source are expanded in the order they were accepted; the LAST one closes the source.
struct StagedPacket {
  int64_t id = 0;
  int64_t workspace_id = 0;
  int64_t automation_id = 0;
  int64_t source_id = 0;
  std::string source_uuid;
  bool last = false;
  int64_t customers = 0;
  std::string payload;  // the engine's encoding of the packet's customers
  Millis created_at = 0;
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_JOURNEY_H_
