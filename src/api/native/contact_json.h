#ifndef RIVULET_API_NATIVE_CONTACT_JSON_H_
#define RIVULET_API_NATIVE_CONTACT_JSON_H_

#include <array>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.h"
#include "engine/contacts.h"
#include "engine/events.h"

// Mapping between the native API's JSON and the engine's contact and event inputs.
namespace rivulet::api::native {

// Bounds on the fields of contact and event documents, in bytes.
inline constexpr size_t kMaxUuidBytes = 64;
inline constexpr size_t kMaxEmailBytes = 320;
inline constexpr size_t kMaxPhoneBytes = 64;
inline constexpr size_t kMaxExternalIdBytes = 255;
inline constexpr size_t kMaxEventTypeBytes = 64;
inline constexpr size_t kMaxTimeBytes = 64;
inline constexpr size_t kMaxIdempotencyKeyBytes = 255;
inline constexpr size_t kMaxEventDataBytes = 64 * 1024;  // serialized

// An identifier field of a contact document (uuid, email, phone, external_id), in the order
// they are read: its key, bound and normalisation, the ContactInput member it fills, and
// the problem reported when the value does not normalise.
struct ContactIdentifierField {
  std::string_view key;
  size_t max_bytes;
  core::Result<std::string> (*normalize)(std::string_view);
  std::optional<std::string> engine::ContactInput::*target;
  std::string_view problem;
};
const std::array<ContactIdentifierField, 4>& ContactIdentifierFields();

// Parses a contact document: uuid, email, phone, external_id, attributes (object), tags,
// add_tags, remove_tags, timezone. Identifiers are validated and normalised.
core::Result<engine::ContactInput> ParseContactInput(const boost::json::object& obj,
                                                     const std::string& path = "");
// Parses an event: type, contact (identifiers) or contact_uuid, data, occurred_at,
// idempotency_key.
core::Result<engine::EventInput> ParseEventInput(const boost::json::object& obj,
                                                 const std::string& path = "");

boost::json::object ContactToJson(const core::Contact& c);
boost::json::object EventToJson(const core::Event& e);
// Appends the acknowledgement of an ingested event to out: its identity ({"uuid","type",
// "contact_uuid","occurred_at","duplicate","idempotency_key"}), without echoing its data.
// Written directly rather than through a boost::json::object: it is built for every event.
void AppendEventAckJson(std::string& out, const core::Event& e, bool duplicate);

}  // namespace rivulet::api::native

#endif  // RIVULET_API_NATIVE_CONTACT_JSON_H_
