#ifndef RIVULET_CORE_MODEL_H_
#define RIVULET_CORE_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

// Plain domain records shared by every layer. JSON-valued fields are kept as serialized
// text so that this header stays light; code that needs the structure parses it.
namespace rivulet::core {

// The tenant: a Contactflow node, a Leat account, an AllsTechnology user.
struct Workspace {
  int64_t id = 0;
  std::string uuid;
  std::string name;
  bool active = true;
  std::string settings_json = "{}";  // face-specific node fields (portfolio, hubPhoneField, …)
  Millis created_at = 0;
  Millis updated_at = 0;
};

// Who acts: bound to the workspaces it may act on. Admins may also manage workspaces and
// credentials.
struct Principal {
  int64_t id = 0;
  std::string name;
  bool is_admin = false;
  std::vector<int64_t> workspace_ids;
  Millis created_at = 0;
};

enum class CredentialKind { kOAuthClient, kApiKey, kKeyPair };
const char* CredentialKindName(CredentialKind kind);  // "oauth", "apikey", "keypair"
std::optional<CredentialKind> ParseCredentialKind(std::string_view name);

// A stored credential. The secret itself is never stored, only its SHA-256 (secrets are
// ≥128-bit random strings, so a fast hash is the right tool; there is nothing to brute-force).
struct Credential {
  int64_t id = 0;  // also the OAuth2 client_id (a positive integer, as Leat clients expect)
  int64_t principal_id = 0;
  CredentialKind kind = CredentialKind::kApiKey;
  std::string public_id;    // client_id as text, API key prefix, or the PublicKey
  std::string secret_hash;  // raw SHA-256 of the secret
  std::string label;
  Millis created_at = 0;
  std::optional<Millis> revoked_at;
};

// An OAuth2 bearer access token issued by the client-credentials grant.
struct AccessToken {
  std::string token_hash;  // raw SHA-256 of the bearer string
  int64_t credential_id = 0;
  Millis expires_at = 0;
};

// Channel subscription state.
enum class Channel { kEmail, kSms };

// A person in a workspace. Identifiers are unique per workspace when present.
struct Contact {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string uuid;
  std::optional<std::string> email;        // lowercased
  std::optional<std::string> phone;        // E.164-ish, as given after trimming
  std::optional<std::string> external_id;  // Contactflow userPk
  std::string attributes_json = "{}";      // object
  std::string tags_json = "[]";            // sorted array of unique strings
  std::string timezone;                    // IANA name, or empty for the workspace default
  // {"email":{"subscribed":true},"sms":{…},"groups":{"<group id>":false}}
  std::string subscriptions_json = "{}";
  Millis created_at = 0;
  Millis updated_at = 0;
};

// A reference to a contact by exactly one identifier.
struct ContactRef {
  enum class Kind { kUuid, kEmail, kPhone, kExternalId };
  Kind kind = Kind::kUuid;
  std::string value;
};

// Something that happened to a contact. Events are immutable once stored.
struct Event {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string uuid;
  int64_t contact_id = 0;
  std::string contact_uuid;  // filled on reads for convenience
  std::string type;
  std::string data_json = "{}";
  Millis occurred_at = 0;
  Millis received_at = 0;
  std::optional<std::string> idempotency_key;
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_MODEL_H_
