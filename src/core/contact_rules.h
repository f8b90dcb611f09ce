#ifndef RIVULET_CORE_CONTACT_RULES_H_
#define RIVULET_CORE_CONTACT_RULES_H_

#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"

// Validation and normalisation of contact identifiers, shared by every face.
namespace rivulet::core {

// Trims and lowercases; requires one '@' with text on both sides, ≤ 254 bytes, no spaces.
Result<std::string> NormalizeEmail(std::string_view email);
// Keeps a leading '+' and digits, dropping spaces, dashes, dots and parentheses; 6..20 digits.
Result<std::string> NormalizePhone(std::string_view phone);
// 1..255 bytes of printable text.
Result<std::string> NormalizeExternalId(std::string_view id);
// Event types and tags: 1..64 of [A-Za-z0-9_.:-].
bool IsValidEventType(std::string_view type);
bool IsValidTag(std::string_view tag);
// True when s is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

// Parses "uuid", "email:x", "phone:x", "external_id:x" (or a bare e-mail / uuid) into a ref.
Result<ContactRef> ParseContactRef(std::string_view text);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_CONTACT_RULES_H_
