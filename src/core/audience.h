#ifndef RIVULET_CORE_AUDIENCE_H_
#define RIVULET_CORE_AUDIENCE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"

// Named sets of a workspace's contacts that automations target, and the unsubscribe groups
// contacts opt out of.
namespace rivulet::core {

// A contact type (a list: contacts carrying its tag) or a segment (a saved condition). Both
// are a condition over the context {"contact": …}, evaluated with core::Condition; a contact
// type's condition is generated from its tag (ContactTypeCondition).
struct Audience {
  enum class Kind { kContactType, kSegment };
  int64_t id = 0;
  int64_t workspace_id = 0;
  Kind kind = Kind::kSegment;
  std::string name;
  std::string condition_json = R"({"all":[]})";
  Millis created_at = 0;
  Millis updated_at = 0;
};
const char* AudienceKindName(Audience::Kind kind);  // "contact_type", "segment"

// The condition of a contact type: the contact carries the tag.
std::string ContactTypeCondition(std::string_view tag);

// Automations with an audience are indexed among the triggers under this pseudo event
// type (no real event type starts with '@'), so contact changes find them quickly.
inline constexpr std::string_view kAudienceTriggerKey = "@audience";

// An unsubscribe group: contacts unsubscribed from it (subscriptions "groups": {"<id>":
// false}) get no message from automations that name it.
struct UnsubscribeGroup {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string name;
  std::string description;
  Millis created_at = 0;
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_AUDIENCE_H_
