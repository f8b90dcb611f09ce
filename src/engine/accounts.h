#ifndef RIVULET_ENGINE_ACCOUNTS_H_
#define RIVULET_ENGINE_ACCOUNTS_H_

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>

#include "core/clock.h"
#include "core/model.h"
#include "store/store.h"

namespace rivulet::engine {

using core::Result;
using core::Status;

// A credential as shown once at creation: the only moment its secret exists in clear.
struct IssuedCredential {
  core::Credential credential;
  std::string id;      // OAuth client_id, API key prefix, or PublicKey
  std::string secret;  // client_secret, the whole API key, or SecretKey
};

struct IssuedToken {
  std::string access_token;
  int64_t expires_in_seconds = 0;
};

// Who a request acts as, once authenticated.
struct Identity {
  core::Principal principal;
  int64_t credential_id = 0;
  core::CredentialKind via = core::CredentialKind::kApiKey;
};

// Workspaces, principals and credentials: creation, the OAuth2 client-credentials grant,
// and authentication of every credential kind. Thread-safe.
//
// Successful authentications and workspace lookups are cached for kCacheMillis so that hot
// paths do not read the database on every request. A revocation through this object clears
// the cache at once; one made by another process takes effect here within kCacheMillis.
class Accounts {
 public:
  Accounts(store::Store& store, const core::Clock& clock, int64_t token_ttl_seconds = 3600)
      : store_(store), clock_(clock), token_ttl_seconds_(token_ttl_seconds) {}

  // Creates a workspace; uuid is generated when empty.
  Result<core::Workspace> CreateWorkspace(const std::string& name, const std::string& uuid = "");

  // Creates the workspace (uuid generated when empty) and grants it to the principal, in
  // one transaction (a Contactflow node created by its user). Clears the authentication
  // cache so that the principal may use it at once.
  Result<core::Workspace> CreateWorkspaceFor(int64_t principal_id, core::Workspace ws);
  // Drops cached identities and workspaces, after a workspace changed or was deleted.
  void ForgetCached();

  // Creates a principal bound to workspace_id (0 for none) and one credential for it.
  // An admin principal may also manage workspaces and credentials.
  Result<IssuedCredential> CreateCredential(int64_t workspace_id, core::CredentialKind kind,
                                            bool admin, const std::string& label);
  Status RevokeCredential(int64_t credential_id);

  // OAuth2 client-credentials grant: client_id must be a positive integer.
  Result<IssuedToken> IssueAccessToken(std::string_view client_id, std::string_view client_secret);

  // `Authorization: Bearer <token>`: an OAuth access token, or an API key when allowed.
  Result<Identity> AuthenticateBearer(std::string_view token, bool allow_api_key);
  // PublicKey + SecretKey headers.
  Result<Identity> AuthenticateKeyPair(std::string_view public_key, std::string_view secret_key);

  // The workspace a request acts on. With a uuid named (e.g. the Contactflow Node header):
  // malformed -> InvalidArgument, unknown -> NotFound, not the principal's -> PermissionDenied.
  // Without: the principal's only workspace.
  Result<core::Workspace> ResolveWorkspace(const Identity& who,
                                           std::optional<std::string_view> uuid);

 private:
  static constexpr core::Millis kCacheMillis = 2000;
  static constexpr size_t kMaxCacheEntries = 10'000;

  Result<Identity> IdentityFor(store::ReadTxn& txn, const core::Credential& cred);
  std::optional<Identity> CachedIdentity(const std::string& key);
  // Caches only if no revocation happened since `generation` was read (before the lookup).
  void CacheIdentity(const std::string& key, const Identity& identity, core::Millis until,
                     uint64_t generation);
  uint64_t CacheGeneration();

  struct CachedWho {
    Identity identity;
    core::Millis valid_until;
  };
  struct CachedWorkspace {
    core::Workspace workspace;
    core::Millis valid_until;
  };
  std::mutex cache_mu_;
  uint64_t cache_generation_ = 0;  // bumped by every revocation
  std::unordered_map<std::string, CachedWho> identities_;  // by secret hash
  std::unordered_map<std::string, CachedWorkspace> workspaces_;  // by "#id" or uuid

  store::Store& store_;
  const core::Clock& clock_;
  const int64_t token_ttl_seconds_;
};

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_ACCOUNTS_H_
