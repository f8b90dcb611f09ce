#include "engine/accounts.h"

#include <algorithm>
#include <charconv>

#include "core/crypto.h"
#include "core/uuid.h"
#include "engine/secret_redaction.h"

namespace rivulet::engine {

namespace {
constexpr std::string_view kApiKeyPrefix = "rvk_";
constexpr std::string_view kAccessTokenPrefix = "rvt_";
constexpr size_t kMaxSecretBytes = 512;

Status BadCredentials() { return core::Unauthenticated("invalid credentials"); }
}  // namespace

Result<core::Workspace> Accounts::CreateWorkspace(const std::string& name,
                                                  const std::string& uuid) {
  if (name.empty() || name.size() > 200) {
    return core::InvalidArgument("workspace name must be 1 to 200 characters")
        .WithField("name", "must be 1 to 200 characters");
  }
  if (!uuid.empty() && !core::IsUuid(uuid)) {
    return core::InvalidArgument("invalid uuid").WithField("uuid", "must be a uuid");
  }
  core::Workspace ws;
  ws.name = name;
  ws.uuid = uuid.empty() ? core::NewUuidV7(clock_.Now()) : core::NormalizeUuid(uuid);
  ws.created_at = ws.updated_at = clock_.Now();
  Status st = store_.WriteAndWait([&ws](store::WriteTxn& txn) { return txn.InsertWorkspace(ws); });
  if (!st.ok()) return st;
  return ws;
}

Result<core::Workspace> Accounts::CreateWorkspaceFor(int64_t principal_id, core::Workspace ws) {
  if (ws.name.empty() || ws.name.size() > 200) {
    return core::InvalidArgument("workspace name must be 1 to 200 characters")
        .WithField("name", "must be 1 to 200 characters");
  }
  if (!ws.uuid.empty() && !core::IsUuid(ws.uuid)) {
    return core::InvalidArgument("invalid uuid").WithField("uuid", "must be a uuid");
  }
  ws.uuid = ws.uuid.empty() ? core::NewUuidV7(clock_.Now()) : core::NormalizeUuid(ws.uuid);
  ws.created_at = ws.updated_at = clock_.Now();
  Status st = store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    if (txn.FindWorkspaceByUuid(ws.uuid).ok()) {
      return core::AlreadyExists("a workspace with uuid " + ws.uuid + " exists")
          .WithField("uuid", "is taken");
    }
    RIVULET_RETURN_IF_ERROR(txn.InsertWorkspace(ws));
    return txn.GrantWorkspace(principal_id, ws.id);
  });
  if (!st.ok()) return st;
  ForgetCached();
  return ws;
}

void Accounts::ForgetCached() {
  std::lock_guard lock(cache_mu_);
  identities_.clear();
  workspaces_.clear();
  ++cache_generation_;
}

Result<IssuedCredential> Accounts::CreateCredential(int64_t workspace_id,
                                                    core::CredentialKind kind, bool admin,
                                                    const std::string& label) {
  IssuedCredential out;
  core::Credential& c = out.credential;
  c.kind = kind;
  c.label = label;
  c.created_at = clock_.Now();
  switch (kind) {
    case core::CredentialKind::kOAuthClient:
      c.public_id = core::NewUuidV7(c.created_at);  // internal; clients use the numeric id
      out.secret = core::RandomToken(40);
      break;
    case core::CredentialKind::kApiKey:
      out.secret = std::string(kApiKeyPrefix) + core::RandomToken(40);
      c.public_id = out.secret.substr(0, 12);
      break;
    case core::CredentialKind::kKeyPair:
      c.public_id = "pk_" + core::RandomHex(16);
      out.secret = "sk_" + core::RandomToken(40);
      break;
  }
  c.secret_hash = core::Sha256(out.secret);
  Status st = store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    if (workspace_id != 0) RIVULET_RETURN_IF_ERROR(txn.FindWorkspaceById(workspace_id).status());
    core::Principal p;
    p.name = label.empty() ? std::string(core::CredentialKindName(kind)) : label;
    p.is_admin = admin;
    p.created_at = c.created_at;
    if (workspace_id != 0) p.workspace_ids.push_back(workspace_id);
    RIVULET_RETURN_IF_ERROR(txn.InsertPrincipal(p));
    c.principal_id = p.id;
    return txn.InsertCredential(c);
  });
  if (!st.ok()) return st;
  out.id = kind == core::CredentialKind::kOAuthClient ? std::to_string(c.id) : c.public_id;
  return out;
}

Status Accounts::RevokeCredential(int64_t credential_id) {
  Status st = store_.WriteAndWait([&](store::WriteTxn& txn) {
    return txn.RevokeCredential(credential_id, clock_.Now());
  });
  std::lock_guard lock(cache_mu_);
  identities_.clear();
  ++cache_generation_;
  return st;
}

uint64_t Accounts::CacheGeneration() {
  std::lock_guard lock(cache_mu_);
  return cache_generation_;
}

std::optional<Identity> Accounts::CachedIdentity(const std::string& key) {
  std::lock_guard lock(cache_mu_);
  auto it = identities_.find(key);
  if (it == identities_.end()) return std::nullopt;
  if (it->second.valid_until <= clock_.Now()) {
    identities_.erase(it);
    return std::nullopt;
  }
  return it->second.identity;
}

void Accounts::CacheIdentity(const std::string& key, const Identity& identity,
                             core::Millis until, uint64_t generation) {
  std::lock_guard lock(cache_mu_);
  if (generation != cache_generation_) return;  // a revocation raced this lookup
  if (identities_.size() >= kMaxCacheEntries) identities_.clear();
  identities_[key] = CachedWho{identity, std::min(until, clock_.Now() + kCacheMillis)};
}

Result<IssuedToken> Accounts::IssueAccessToken(std::string_view client_id,
                                               std::string_view client_secret) {
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(client_id.data(), client_id.data() + client_id.size(), id);
  if (ec != std::errc() || ptr != client_id.data() + client_id.size() || id <= 0 ||
      client_secret.empty() || client_secret.size() > kMaxSecretBytes) {
    return BadCredentials();
  }
  core::Credential cred;
  Status read = store_.Read([&](store::ReadTxn& txn) -> Status {
    RIVULET_ASSIGN_OR_RETURN(cred, txn.FindCredentialById(id));
    return Status::Ok();
  });
  std::string presented = core::Sha256(client_secret);
  if (!read.ok()) {
    if (read.code() == core::Code::kNotFound) return BadCredentials();
    return read;
  }
  if (cred.kind != core::CredentialKind::kOAuthClient || cred.revoked_at ||
      !core::ConstantTimeEquals(cred.secret_hash, presented)) {
    return BadCredentials();
  }
  IssuedToken token;
  token.access_token = std::string(kAccessTokenPrefix) + core::RandomToken(48);
  token.expires_in_seconds = token_ttl_seconds_;
  core::AccessToken row{core::Sha256(token.access_token), cred.id,
                        clock_.Now() + token_ttl_seconds_ * 1000};
  core::Millis now = clock_.Now();
  Status st = store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    RIVULET_RETURN_IF_ERROR(txn.DeleteExpiredAccessTokens(now));
    return txn.InsertAccessToken(row);
  });
  if (!st.ok()) return st;
  return token;
}

Result<Identity> Accounts::IdentityFor(store::ReadTxn& txn, const core::Credential& cred) {
  if (cred.revoked_at) return BadCredentials();
  RIVULET_ASSIGN_OR_RETURN(core::Principal p, txn.FindPrincipal(cred.principal_id));
  return Identity{std::move(p), cred.id, cred.kind};
}

Result<Identity> Accounts::AuthenticateBearer(std::string_view token, bool allow_api_key) {
  if (token.empty() || token.size() > kMaxSecretBytes) return BadCredentials();
  bool is_api_key = token.substr(0, kApiKeyPrefix.size()) == kApiKeyPrefix;
  if (is_api_key && !allow_api_key) return BadCredentials();
  std::string hash = core::Sha256(token);
  if (auto hit = CachedIdentity(hash)) return *hit;
  uint64_t generation = CacheGeneration();
  Result<Identity> out = BadCredentials();
  core::Millis valid_until = clock_.Now() + kCacheMillis;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    // Looking up by the hash of a ≥128-bit random secret reveals nothing through timing;
    // the equality check below is constant-time regardless.
    if (is_api_key) {
      auto cred = txn.FindCredentialBySecretHash(core::CredentialKind::kApiKey, hash);
      if (!cred.ok()) return cred.status().code() == core::Code::kNotFound ? Status::Ok()
                                                                           : cred.status();
      if (!core::ConstantTimeEquals(cred->secret_hash, hash)) return Status::Ok();
      out = IdentityFor(txn, *cred);
      return Status::Ok();
    }
    auto at = txn.FindAccessToken(hash);
    if (!at.ok()) return at.status().code() == core::Code::kNotFound ? Status::Ok() : at.status();
    if (!core::ConstantTimeEquals(at->token_hash, hash) || at->expires_at <= clock_.Now()) {
      out = core::Unauthenticated("access token expired or invalid");
      return Status::Ok();
    }
    auto cred = txn.FindCredentialById(at->credential_id);
    if (!cred.ok()) return Status::Ok();
    out = IdentityFor(txn, *cred);
    valid_until = at->expires_at;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.ok()) CacheIdentity(hash, *out, valid_until, generation);
  return out;
}

Result<Identity> Accounts::AuthenticateKeyPair(std::string_view public_key,
                                               std::string_view secret_key) {
  if (public_key.empty() || public_key.size() > 128 || secret_key.empty() ||
      secret_key.size() > kMaxSecretBytes) {
    return BadCredentials();
  }
  std::string presented = core::Sha256(secret_key);
  std::string cache_key = "pk:" + std::string(public_key) + ":" + presented;
  if (auto hit = CachedIdentity(cache_key)) return *hit;
  uint64_t generation = CacheGeneration();
  Result<Identity> out = BadCredentials();
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    auto cred = txn.FindCredentialByPublicId(core::CredentialKind::kKeyPair, std::string(public_key));
    if (!cred.ok()) return cred.status().code() == core::Code::kNotFound ? Status::Ok()
                                                                         : cred.status();
    if (!core::ConstantTimeEquals(cred->secret_hash, presented)) return Status::Ok();
    out = IdentityFor(txn, *cred);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.ok()) CacheIdentity(cache_key, *out, clock_.Now() + kCacheMillis, generation);
  return out;
}

Result<core::Workspace> Accounts::ResolveWorkspace(const Identity& who,
                                                   std::optional<std::string_view> uuid) {
  const auto& allowed = who.principal.workspace_ids;
  if (!uuid && allowed.size() != 1) {
    return core::InvalidArgument(allowed.empty()
                                     ? "this credential is not bound to a workspace"
                                     : "this credential acts on several workspaces; name one");
  }
  if (uuid && !core::IsUuid(*uuid)) {
    return core::InvalidArgument("workspace must be named by its uuid");
  }
  std::string key = uuid ? core::NormalizeUuid(*uuid) : "#" + std::to_string(allowed.front());
  core::Workspace ws;
  bool cached = false;
  {
    std::lock_guard lock(cache_mu_);
    auto it = workspaces_.find(key);
    if (it != workspaces_.end() && it->second.valid_until > clock_.Now()) {
      ws = it->second.workspace;
      cached = true;
    }
  }
  if (!cached) {
    Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(ws, uuid ? txn.FindWorkspaceByUuid(key)
                                        : txn.FindWorkspaceById(allowed.front()));
      return Status::Ok();
    });
    if (!st.ok()) return st;
    std::lock_guard lock(cache_mu_);
    if (workspaces_.size() >= kMaxCacheEntries) workspaces_.clear();
    workspaces_[key] = CachedWorkspace{ws, clock_.Now() + kCacheMillis};
  }
  bool mine = std::find(allowed.begin(), allowed.end(), ws.id) != allowed.end();
  if (!mine && !who.principal.is_admin) {
    return core::PermissionDenied("this credential may not act on workspace " + ws.uuid);
  }
  return ws;
}

std::string RedactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  while (i < text.size()) {
    bool at_word = i == 0 || !alnum(text[i - 1]);
    size_t prefix = 0;
    for (std::string_view p : {kApiKeyPrefix, kAccessTokenPrefix, std::string_view("sk_")}) {
      if (at_word && text.substr(i, p.size()) == p) prefix = p.size();
    }
    size_t run = 0;
    if (prefix) {
      while (i + prefix + run < text.size() && alnum(text[i + prefix + run])) ++run;
    }
    if (prefix && run >= 20) {
      out.append(text.substr(i, prefix + 4));
      out.append("\u2026");
      i += prefix + run;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace rivulet::engine
