#include "core/model.h"

namespace rivulet::core {

const char* CredentialKindName(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::kOAuthClient: return "oauth";
    case CredentialKind::kApiKey: return "apikey";
    case CredentialKind::kKeyPair: return "keypair";
  }
  return "unknown";
}

std::optional<CredentialKind> ParseCredentialKind(std::string_view name) {
  if (name == "oauth") return CredentialKind::kOAuthClient;
  if (name == "apikey") return CredentialKind::kApiKey;
  if (name == "keypair") return CredentialKind::kKeyPair;
  return std::nullopt;
}

}  // namespace rivulet::core
