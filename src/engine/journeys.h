#ifndef RIVULET_ENGINE_JOURNEYS_H_
#define RIVULET_ENGINE_JOURNEYS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/automation.h"
#include "core/journey.h"
#include "core/model.h"
#include "store/store.h"

// The step executor: enrollment, running tokens through steps, triggers and delivery
// results. Every function here runs inside the caller's write transaction, so a token's
// transition, the messages it produces and the counters it moves commit together.
namespace rivulet::engine {

using core::Result;
using core::Status;

// What one transaction did, for counters and for waking the scheduler and delivery workers.
class Effects {
 public:
  void Count(int64_t automation_id, const std::string& step_uuid, const std::string& name,
             int64_t delta = 1);
  // Remembers the earliest new wake-up time and whether messages were queued.
  void WakeAt(core::Millis t);
  void MessageQueued() { messages_queued_ = true; }
  void PacketStaged() { packets_staged_ = true; }

  // Writes the accumulated counters; call once before the transaction ends.
  Status Flush(store::WriteTxn& txn);

  std::optional<core::Millis> earliest_wake() const { return earliest_wake_; }
  bool messages_queued() const { return messages_queued_; }
  bool packets_staged() const { return packets_staged_; }
  int64_t transitions = 0;

 private:
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> counters_;
  std::optional<core::Millis> earliest_wake_;
  bool messages_queued_ = false;
  bool packets_staged_ = false;
};

// Counter names, shared by every face's statistics.
namespace counter {
inline constexpr const char* kEntered = "entered";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kExited = "exited";
inline constexpr const char* kErrors = "errors";
inline constexpr const char* kSent = "sent";
inline constexpr const char* kDelivered = "delivered";
inline constexpr const char* kSkipped = "skipped";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kOpens = "opens";
inline constexpr const char* kUniqueOpens = "unique_opens";
inline constexpr const char* kClicks = "clicks";
inline constexpr const char* kUniqueClicks = "unique_clicks";
inline constexpr const char* kBounces = "bounces";
inline constexpr const char* kUnsubscribes = "unsubscribes";
}  // namespace counter

// Engine-wide settings.
struct EngineConfig {
  std::string public_base_url = "http://127.0.0.1:8080";  // for tracking and unsubscribe links
  std::string link_secret;  // signs tracking links; the app loads it from the database
  int max_delivery_attempts = 8;
  core::Millis first_retry_delay = 5'000;  // doubled per attempt, with jitter
  core::Millis max_retry_delay = 3'600'000;
  core::Millis delivery_lease = 60'000;  // a claimed message's lease
};

struct EnrollOptions {
  std::string run_data_json = "{}";
  std::string event_json = "{}";
  std::string source_uuid;
  // The token gets no wake-up time: it waits, held, until its batch source is released
  // (store::WriteTxn::ReleaseHeldTokens).
  bool held = false;
};

class Journeys {
 public:
  explicit Journeys(EngineConfig config) : config_(std::move(config)) {}
  const EngineConfig& config() const { return config_; }

  // Starts a token of the automation for the contact at its entry step, due now. Honours the
  // automation's status (RUNNING, or COMMITTED/PAUSED: the token waits), start and end
  // dates, uniqueToken and re-entry. Returns NotFound-free FailedPrecondition when the
  // contact may not enter.
  Result<core::Token> Enroll(store::WriteTxn& txn, const core::Automation& automation,
                             const core::Contact& contact, const EnrollOptions& options,
                             core::Millis now, Effects& effects);

  // Runs the token from where it stands until it waits, waits for a delivery, or ends. The
  // token row is updated (or left as is when nothing was due).
  Status Advance(store::WriteTxn& txn, const core::Automation& automation, core::Token& token,
                 core::Millis now, Effects& effects);

  // Enrolls every contact of the automation's audience (none: returns 0) that may enter,
  // as Enroll decides (uniqueToken, re-entry). Returns how many entered. Runs in one
  // transaction; the automation must already have its new status.
  Result<int64_t> EnrollAudience(store::WriteTxn& txn, const core::Automation& automation,
                                 core::Millis now, Effects& effects);

  // An event happened: enroll the contact in RUNNING automations it triggers and wake the
  // contact's tokens waiting for it. contact_created and contact_updated also enroll the
  // contact in RUNNING automations whose audience it now belongs to (when Enroll allows).
  Status OnEvent(store::WriteTxn& txn, const core::Event& event, const core::Contact& contact,
                 core::Millis now, Effects& effects);

  // Records a delivery attempt's outcome for a message the caller claimed, then moves its
  // token on (success → default branch; permanent failure → error branch or token ERROR).
  // retry_at is when to try again for a retryable failure (nullopt: give up).
  // kSkipped: not sent, because the contact unsubscribed after the message was queued.
  enum class DeliveryResult { kDelivered, kRetry, kFailed, kSkipped };
  // Whether the message may still go to its contact (subscription to the channel and to the
  // automation's unsubscribe group), checked again for each claimed batch just before its
  // messages are sent.
  // `automations`, when given, caches automations by id across calls in one transaction.
  static Result<bool> StillWanted(store::ReadTxn& txn, const core::OutboxMessage& message,
                                  std::map<int64_t, core::Automation>* automations = nullptr);
  Status CompleteDelivery(store::WriteTxn& txn, core::OutboxMessage message, DeliveryResult result,
                          const std::string& detail, std::optional<core::Millis> retry_at,
                          core::Millis now, Effects& effects,
                          std::map<int64_t, core::Automation>* automations = nullptr);

  // Claims and advances due tokens. Returns how many were claimed.
  Result<int> RunDue(store::WriteTxn& txn, core::Millis now, int limit, Effects& effects);

  // The JSON context templates and conditions see for this token (contact, event, run,
  // token, automation, messages of this token).
  Result<std::string> ContextJson(store::ReadTxn& txn, const core::Automation& automation,
                                  const core::Token& token, const core::Contact& contact) const;

  // What a recipient did with a message (tracking pixel, link, unsubscribe, bounce report).
  enum class MessageEvent { kOpened, kClicked, kUnsubscribed, kBounced };
  // Records it on the message, its contact (unsubscribe: e-mail channel and the automation's
  // unsubscribe group) and the counters (unique ones only the first time). NotFound for an
  // unknown message.
  Status RecordMessageEvent(store::WriteTxn& txn, const std::string& message_uuid,
                            MessageEvent what, core::Millis now, Effects& effects);

  // Adds the open pixel and rewrites http(s) links of an e-mail's HTML to signed click links.
  std::string AddTracking(const std::string& html, const std::string& message_uuid) const;

  // Signed links for a message: kind "o" (open pixel), "c" (click), "u" (unsubscribe).
  std::string LinkSignature(std::string_view kind, std::string_view message_uuid) const;
  bool CheckLinkSignature(std::string_view kind, std::string_view message_uuid,
                          std::string_view signature) const;
  std::string UnsubscribeUrl(const std::string& message_uuid) const;
  // A click link's signature also covers the target, so the redirect cannot be repointed.
  std::string ClickSignature(std::string_view message_uuid, std::string_view target) const;

 private:
  struct StepOutcome;
  Result<StepOutcome> RunStep(store::WriteTxn& txn, const core::Automation& automation,
                              const core::Step& step, core::Token& token, core::Millis now,
                              Effects& effects);
  Result<StepOutcome> FinishWait(store::WriteTxn& txn, const core::Automation& automation,
                                 const core::Step& step, core::Token& token, core::Millis now);
  Result<bool> QueueMessage(store::WriteTxn& txn, const core::Automation& automation,
                            const core::Step& step, core::Token& token, core::Millis now,
                            Effects& effects);

  EngineConfig config_;
};

// Who to tell after a commit that changed due times or queued messages. Thread-safe.
struct EngineHooks {
  std::function<void(core::Millis)> wake_scheduler;  // a token is due at this time
  std::function<void()> wake_delivery;               // messages were queued
  std::function<void()> wake_batches;                // batch packets were staged
  void After(const Effects& effects) const {
    if (effects.earliest_wake() && wake_scheduler) wake_scheduler(*effects.earliest_wake());
    if (effects.messages_queued() && wake_delivery) wake_delivery();
    if (effects.packets_staged() && wake_batches) wake_batches();
  }
};

// Runs fn in the next group commit with an Effects collector: counters are written in the
// same transaction, and hooks are told after the commit. hint: what fn looks up first.
template <typename T>
void WriteWithEffects(store::Store& store, const EngineHooks* hooks,
                      std::function<Result<T>(store::WriteTxn&, Effects&)> fn,
                      std::function<void(Result<T>)> done, store::WriteHint hint = {}) {
  // One allocation holds the write's functions, its effects and its value between the
  // commit and the callback (this path runs for every event a server takes in).
  struct State {
    std::function<Result<T>(store::WriteTxn&, Effects&)> fn;
    std::function<void(Result<T>)> done;
    const EngineHooks* hooks;
    Effects effects;
    std::optional<T> value;
  };
  auto state = std::make_shared<State>(State{std::move(fn), std::move(done), hooks, {}, {}});
  store.Write(
      [state](store::WriteTxn& txn) -> Status {
        state->effects = Effects();  // fn may run again for the same commit
        Result<T> r = state->fn(txn, state->effects);
        if (!r.ok()) return r.status();
        RIVULET_RETURN_IF_ERROR(state->effects.Flush(txn));
        state->value = std::move(r).value();
        return Status::Ok();
      },
      [state](Status st) {
        if (!st.ok()) return state->done(std::move(st));
        if (state->hooks) state->hooks->After(state->effects);
        state->done(std::move(*state->value));
      },
      std::move(hint));
}

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_JOURNEYS_H_
