#ifndef RIVULET_API_LEAT_LEAT_JSON_H_
#define RIVULET_API_LEAT_LEAT_JSON_H_

#include <array>
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/automation.h"
#include "core/status.h"

// Leat's documents and Rivulet's model, both ways. Only this face's code includes this.
namespace rivulet::api::leat {

// Every event type a Leat automation can be triggered by (the Leat PHP client's
// AutomationEventType). Rivulet's events are free-form; these are the ones Leat knows.
inline constexpr std::array<std::string_view, 19> kLeatEventTypes = {
    "contact_created",
    "contact_updated",
    "credit_reception_created",
    "credit_balance_increased",
    "physical_reward_reception_created",
    "digital_reward_reception_created",
    "order_paid",
    "tier_reached",
    "visit_created",
    "booking_created",
    "booking_updated",
    "voucher_redeemed",
    "voucher_created",
    "form_submission_approved",
    "form_submission_rejected",
    "form_submission_completed",
    "prepaid_transaction_created",
    "referral_completed_by_contact",
    "referral_completed_for_contact",
};
bool IsLeatEventType(std::string_view type);

// The only event whose automations may be started through the runs endpoint.
inline constexpr std::string_view kRunnableEvent = "contact_updated";

// The automation's Leat `event`: its first trigger on a Leat event type, or nullopt when it
// has none (Leat has no such automations, so the face does not list it).
std::optional<std::string> LeatEvent(const core::Automation& automation);

// Whether a run may be started: some trigger is on contact_updated.
bool IsRunnable(const core::Automation& automation);

// {"uuid","name","event","status","created_at","updated_at"}: status "active" when RUNNING,
// "inactive" in every other state; times as "2022-05-10T12:47:38+00:00".
boost::json::object AutomationToLeat(const core::Automation& automation, const std::string& event);

// A "Create Automation Run" request.
struct RunRequest {
  std::string contact_uuid;      // normalized (lower case)
  std::string automation_uuid;   // normalized
  std::string data_json = "{}";  // the `data` object or array; "{}" when absent or null
};

inline constexpr size_t kMaxRunDataBytes = 64 * 1024;

// Reads a decoded body (JSON, or a PHP-bracket form already turned into JSON by
// http::ParseBody): contact_uuid and automation_uuid are required uuid strings; data is
// optional, null, "" (how a form says null) or an object/array of any depth up to the
// body's own limits, at most kMaxRunDataBytes serialized. Unknown fields are ignored, as
// Laravel does. Every problem is reported at once: InvalidArgument with one field detail per
// field, in Laravel's words ("The contact uuid field is required."). A body that is not an
// object counts as empty.
core::Result<RunRequest> RunRequestFromJson(const boost::json::value& body);

}  // namespace rivulet::api::leat

#endif  // RIVULET_API_LEAT_LEAT_JSON_H_
