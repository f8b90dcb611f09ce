#include "engine/accounts.h"
#include "engine/secret_redaction.h"

#include <gtest/gtest.h>

#include <cctype>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/uuid.h"
#include "store/sqlite_test_util.h"

namespace rivulet::engine {
namespace {

using core::Code;
using core::CredentialKind;

// Delegates to a real store; can hold one Read() on its way out, after the read function
// ran, until released. Lets a test interleave a revocation with an authentication.
class PausingStore : public store::Store {
 public:
  explicit PausingStore(store::Store& inner) : inner_(inner) {}
  Result<int> Migrate() override { return inner_.Migrate(); }
  void Write(WriteFn fn, Done done) override { inner_.Write(std::move(fn), std::move(done)); }
  using store::Store::Write;  // with a hint: passed on without it
  store::StoreStats Stats() const override { return inner_.Stats(); }
  Status Read(const ReadFn& fn) override {
    Status st = inner_.Read(fn);
    std::shared_ptr<Pause> pause;
    {
      std::lock_guard lock(mu_);
      pause = std::move(pause_);
    }
    if (pause) {
      pause->reached.set_value();
      pause->release.get_future().wait();
    }
    return st;
  }

  struct Pause {
    std::promise<void> reached, release;
  };
  // Arms a pause for the next Read().
  std::shared_ptr<Pause> PauseNextRead() {
    std::lock_guard lock(mu_);
    pause_ = std::make_shared<Pause>();
    return pause_;
  }

 private:
  store::Store& inner_;
  std::mutex mu_;
  std::shared_ptr<Pause> pause_;
};

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("accounts.db");
    store_ = testing::OpenMigrated(path_);
    ASSERT_NE(store_, nullptr);
    accounts_ = std::make_unique<Accounts>(*store_, clock_, /*token_ttl_seconds=*/600);
    auto ws = accounts_->CreateWorkspace("Main");
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    ws_ = *ws;
  }

  IssuedCredential MustCreate(int64_t ws, CredentialKind kind, bool admin = false,
                              const std::string& label = "") {
    auto c = accounts_->CreateCredential(ws, kind, admin, label);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : IssuedCredential{};
  }

  core::Credential Stored(int64_t id) {
    core::Credential out;
    core::Status st = store_->Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(out, txn.FindCredentialById(id));
      return core::Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  Identity MustBearer(const std::string& token, bool allow_api_key) {
    auto who = accounts_->AuthenticateBearer(token, allow_api_key);
    EXPECT_TRUE(who.ok()) << who.status().ToString();
    return who.ok() ? *who : Identity{};
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  core::FakeClock clock_;
  std::unique_ptr<Accounts> accounts_;
  core::Workspace ws_;
};

// ---- Workspaces ----

TEST_F(AccountsTest, CreateWorkspaceGeneratesAUuidV7AndStampsTheClock) {
  EXPECT_TRUE(core::IsUuid(ws_.uuid));
  EXPECT_EQ(ws_.uuid[14], '7');
  EXPECT_GT(ws_.id, 0);
  EXPECT_EQ(ws_.created_at, clock_.Now());
  EXPECT_EQ(ws_.updated_at, clock_.Now());
}

TEST_F(AccountsTest, CreateWorkspaceNormalizesAGivenUuidAndRejectsBadInput) {
  auto ws = accounts_->CreateWorkspace("Named", "123E4567-E89B-12D3-A456-426614174000");
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  EXPECT_EQ(ws->uuid, "123e4567-e89b-12d3-a456-426614174000");

  EXPECT_EQ(accounts_->CreateWorkspace("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateWorkspace(std::string(201, 'n')).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateWorkspace("x", "not-a-uuid").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateWorkspace("dup", "123e4567-e89b-12d3-a456-426614174000")
                .status()
                .code(),
            Code::kAlreadyExists);
}

// ---- Credentials ----

TEST_F(AccountsTest, EachCredentialKindStoresOnlyTheHashOfItsSecret) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient, false, "o");
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey, false, "k");
  IssuedCredential pair = MustCreate(ws_.id, CredentialKind::kKeyPair, false, "p");

  for (const IssuedCredential* ic : {&oauth, &key, &pair}) {
    ASSERT_GE(ic->secret.size(), 40u);
    core::Credential stored = Stored(ic->credential.id);
    EXPECT_EQ(stored.secret_hash, core::Sha256(ic->secret));
    EXPECT_EQ(stored.secret_hash.size(), 32u);
    EXPECT_EQ(stored.kind, ic->credential.kind);
    EXPECT_FALSE(stored.revoked_at.has_value());
  }
  // OAuth clients are known by their numeric id; the others by their public id.
  EXPECT_EQ(oauth.id, std::to_string(oauth.credential.id));
  EXPECT_EQ(key.secret.rfind("rvk_", 0), 0u);
  EXPECT_EQ(key.id, key.secret.substr(0, 12));
  EXPECT_EQ(pair.id.rfind("pk_", 0), 0u);
  EXPECT_EQ(pair.secret.rfind("sk_", 0), 0u);
  EXPECT_EQ(Stored(pair.credential.id).public_id, pair.id);

  // No secret appears anywhere in the database files, in clear or as hex.
  std::string bytes = testing::ReadDatabaseBytes(path_);
  ASSERT_FALSE(bytes.empty());
  for (const IssuedCredential* ic : {&oauth, &key, &pair}) {
    EXPECT_EQ(bytes.find(ic->secret), std::string::npos) << ic->id;
    EXPECT_EQ(bytes.find(ic->secret.substr(4, 24)), std::string::npos) << ic->id;
    EXPECT_EQ(bytes.find(core::Sha256Hex(ic->secret)), std::string::npos) << ic->id;
  }
}

TEST_F(AccountsTest, AccessTokensAreNotStoredInClear) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  auto token = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  std::string bytes = testing::ReadDatabaseBytes(path_);
  EXPECT_EQ(bytes.find(token->access_token), std::string::npos);
  EXPECT_EQ(bytes.find(token->access_token.substr(4, 24)), std::string::npos);
}

TEST_F(AccountsTest, CredentialsGetDistinctSecrets) {
  IssuedCredential a = MustCreate(ws_.id, CredentialKind::kApiKey);
  IssuedCredential b = MustCreate(ws_.id, CredentialKind::kApiKey);
  EXPECT_NE(a.secret, b.secret);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.credential.principal_id, b.credential.principal_id);
}

TEST_F(AccountsTest, CreateCredentialForUnknownWorkspaceFailsAndStoresNothing) {
  auto c = accounts_->CreateCredential(ws_.id + 1000, CredentialKind::kApiKey, false, "x");
  EXPECT_EQ(c.status().code(), Code::kNotFound);
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM principals"), 0);
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM credentials"), 0);
}

// ---- OAuth client-credentials grant ----

TEST_F(AccountsTest, IssueAccessTokenWithCorrectSecret) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  auto token = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->access_token.rfind("rvt_", 0), 0u);
  EXPECT_EQ(token->expires_in_seconds, 600);
  Identity who = MustBearer(token->access_token, /*allow_api_key=*/false);
  EXPECT_EQ(who.credential_id, oauth.credential.id);
  EXPECT_EQ(who.via, CredentialKind::kOAuthClient);
  EXPECT_EQ(who.principal.workspace_ids, std::vector<int64_t>{ws_.id});

  auto second = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->access_token, token->access_token);
}

TEST_F(AccountsTest, IssueAccessTokenRejectsWrongSecret) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  std::string wrong = oauth.secret;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  for (const std::string& s : {wrong, std::string(""), oauth.secret + "x",
                               oauth.secret.substr(1), std::string(600, 'a')}) {
    auto r = accounts_->IssueAccessToken(oauth.id, s);
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << s;
  }
}

TEST_F(AccountsTest, IssueAccessTokenRejectsMalformedClientIds) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  for (const std::string& id : {std::string(""), std::string("abc"), oauth.id + "x",
                                " " + oauth.id, "+" + oauth.id, std::string("0"),
                                "-" + oauth.id, std::string("99999999999999999999999"),
                                std::string("1.0"), std::string("999")}) {
    auto r = accounts_->IssueAccessToken(id, oauth.secret);
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << "'" << id << "'";
  }
}

TEST_F(AccountsTest, IssueAccessTokenRejectsOtherCredentialKinds) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  auto r = accounts_->IssueAccessToken(std::to_string(key.credential.id), key.secret);
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
}

TEST_F(AccountsTest, RevokedClientCannotGetTokensAndItsTokensStopWorking) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  auto token = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(accounts_->RevokeCredential(oauth.credential.id).ok());
  EXPECT_EQ(accounts_->IssueAccessToken(oauth.id, oauth.secret).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(accounts_->AuthenticateBearer(token->access_token, false).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(Stored(oauth.credential.id).revoked_at, clock_.Now());
  EXPECT_EQ(accounts_->RevokeCredential(oauth.credential.id + 100).code(), Code::kNotFound);
}

// ---- Bearer authentication ----

TEST_F(AccountsTest, BearerTokenWorksUntilItExpires) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  auto token = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(token.ok());
  clock_.Advance(600 * 1000 - 1);
  EXPECT_TRUE(accounts_->AuthenticateBearer(token->access_token, false).ok());
  clock_.Advance(1);  // now == expiry
  auto r = accounts_->AuthenticateBearer(token->access_token, false);
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  clock_.Advance(1'000'000);
  EXPECT_EQ(accounts_->AuthenticateBearer(token->access_token, true).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccountsTest, IssuingATokenPurgesExpiredOnes) {
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  auto old_token = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(old_token.ok());
  clock_.Advance(601 * 1000);
  ASSERT_TRUE(accounts_->IssueAccessToken(oauth.id, oauth.secret).ok());
  core::Status st = store_->Read([&](store::ReadTxn& txn) {
    EXPECT_EQ(txn.FindAccessToken(core::Sha256(old_token->access_token)).status().code(),
              Code::kNotFound);
    return core::Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM access_tokens"), 1);
}

TEST_F(AccountsTest, UnknownOrMalformedBearerIsRejected) {
  for (const std::string& t : {std::string(""), std::string("rvt_nope"), std::string("garbage"),
                               std::string(513, 'a'), std::string("rvk_nope")}) {
    EXPECT_EQ(accounts_->AuthenticateBearer(t, true).status().code(), Code::kUnauthenticated) << t;
  }
}

TEST_F(AccountsTest, ApiKeyIsAcceptedOnlyWhenAllowed) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  Identity who = MustBearer(key.secret, /*allow_api_key=*/true);
  EXPECT_EQ(who.credential_id, key.credential.id);
  EXPECT_EQ(who.via, CredentialKind::kApiKey);
  EXPECT_EQ(accounts_->AuthenticateBearer(key.secret, /*allow_api_key=*/false).status().code(),
            Code::kUnauthenticated);
  std::string wrong = key.secret;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(accounts_->AuthenticateBearer(wrong, true).status().code(), Code::kUnauthenticated);
  // The key-pair secret or the OAuth client secret is not a bearer token.
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  EXPECT_EQ(accounts_->AuthenticateBearer(oauth.secret, true).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccountsTest, RevokedApiKeyIsRejected) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  ASSERT_TRUE(accounts_->RevokeCredential(key.credential.id).ok());
  EXPECT_EQ(accounts_->AuthenticateBearer(key.secret, true).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccountsTest, AdminFlagReachesTheIdentity) {
  IssuedCredential admin = MustCreate(0, CredentialKind::kApiKey, /*admin=*/true, "root");
  Identity who = MustBearer(admin.secret, true);
  EXPECT_TRUE(who.principal.is_admin);
  EXPECT_EQ(who.principal.name, "root");
  EXPECT_TRUE(who.principal.workspace_ids.empty());
}

// ---- Authentication cache ----

TEST_F(AccountsTest, RevocationThroughThisObjectDefeatsCachedAuthentications) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  IssuedCredential pair = MustCreate(ws_.id, CredentialKind::kKeyPair);
  IssuedCredential oauth = MustCreate(ws_.id, CredentialKind::kOAuthClient);
  auto token = accounts_->IssueAccessToken(oauth.id, oauth.secret);
  ASSERT_TRUE(token.ok());
  // Authenticate once so each identity is cached…
  ASSERT_TRUE(accounts_->AuthenticateBearer(key.secret, true).ok());
  ASSERT_TRUE(accounts_->AuthenticateKeyPair(pair.id, pair.secret).ok());
  ASSERT_TRUE(accounts_->AuthenticateBearer(token->access_token, false).ok());
  // …then revoke: the very next attempt fails, with no clock movement at all.
  ASSERT_TRUE(accounts_->RevokeCredential(key.credential.id).ok());
  ASSERT_TRUE(accounts_->RevokeCredential(pair.credential.id).ok());
  ASSERT_TRUE(accounts_->RevokeCredential(oauth.credential.id).ok());
  EXPECT_EQ(accounts_->AuthenticateBearer(key.secret, true).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(accounts_->AuthenticateKeyPair(pair.id, pair.secret).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(accounts_->AuthenticateBearer(token->access_token, false).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccountsTest, RevocationElsewhereTakesEffectWithinTheCacheLifetime) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  ASSERT_TRUE(accounts_->AuthenticateBearer(key.secret, true).ok());
  // Another process (here: another Accounts over the same database) revokes the key.
  Accounts elsewhere(*store_, clock_);
  ASSERT_TRUE(elsewhere.RevokeCredential(key.credential.id).ok());
  EXPECT_EQ(elsewhere.AuthenticateBearer(key.secret, true).status().code(),
            Code::kUnauthenticated);
  clock_.Advance(2000);  // the documented bound (kCacheMillis)
  EXPECT_EQ(accounts_->AuthenticateBearer(key.secret, true).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccountsTest, CachedKeyPairStillNeedsTheRightSecret) {
  IssuedCredential pair = MustCreate(ws_.id, CredentialKind::kKeyPair);
  ASSERT_TRUE(accounts_->AuthenticateKeyPair(pair.id, pair.secret).ok());
  EXPECT_EQ(accounts_->AuthenticateKeyPair(pair.id, "sk_wrong").status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccountsTest, RevocationRacingAnAuthenticationIsNotUndoneByTheCache) {
  PausingStore pausing(*store_);
  Accounts accounts(pausing, clock_);
  auto created = accounts.CreateCredential(ws_.id, CredentialKind::kApiKey, false, "raced");
  ASSERT_TRUE(created.ok());
  const std::string secret = created->secret;

  // An authentication reads the (still valid) credential, then is held before it returns…
  auto pause = pausing.PauseNextRead();
  std::thread in_flight([&] { EXPECT_TRUE(accounts.AuthenticateBearer(secret, true).ok()); });
  pause->reached.get_future().wait();
  // …while the credential is revoked and the revocation has returned to its caller.
  ASSERT_TRUE(accounts.RevokeCredential(created->credential.id).ok());
  pause->release.set_value();
  in_flight.join();

  // "A revocation through this object clears the cache at once": no later request may pass.
  EXPECT_EQ(accounts.AuthenticateBearer(secret, true).status().code(), Code::kUnauthenticated);
}

// ---- Key pairs ----

TEST_F(AccountsTest, KeyPairAuthenticates) {
  IssuedCredential pair = MustCreate(ws_.id, CredentialKind::kKeyPair);
  auto who = accounts_->AuthenticateKeyPair(pair.id, pair.secret);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->credential_id, pair.credential.id);
  EXPECT_EQ(who->via, CredentialKind::kKeyPair);
  EXPECT_EQ(who->principal.workspace_ids, std::vector<int64_t>{ws_.id});
}

TEST_F(AccountsTest, KeyPairRejectsWrongUnknownRevokedOrOtherKinds) {
  IssuedCredential pair = MustCreate(ws_.id, CredentialKind::kKeyPair);
  IssuedCredential other = MustCreate(ws_.id, CredentialKind::kKeyPair);
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  auto code = [&](const std::string& pub, const std::string& sec) {
    return accounts_->AuthenticateKeyPair(pub, sec).status().code();
  };
  EXPECT_EQ(code(pair.id, other.secret), Code::kUnauthenticated);  // another pair's secret
  EXPECT_EQ(code(pair.id, pair.secret + "x"), Code::kUnauthenticated);
  EXPECT_EQ(code("pk_unknown", pair.secret), Code::kUnauthenticated);
  EXPECT_EQ(code("", pair.secret), Code::kUnauthenticated);
  EXPECT_EQ(code(pair.id, ""), Code::kUnauthenticated);
  EXPECT_EQ(code(key.id, key.secret), Code::kUnauthenticated);  // an API key is not a pair
  ASSERT_TRUE(accounts_->RevokeCredential(pair.credential.id).ok());
  EXPECT_EQ(code(pair.id, pair.secret), Code::kUnauthenticated);
  EXPECT_TRUE(accounts_->AuthenticateKeyPair(other.id, other.secret).ok());
}

// ---- Workspace resolution ----

TEST_F(AccountsTest, ResolveWorkspaceWithoutUuidPicksTheOnlyWorkspace) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  Identity who = MustBearer(key.secret, true);
  auto ws = accounts_->ResolveWorkspace(who, std::nullopt);
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  EXPECT_EQ(ws->id, ws_.id);
  EXPECT_EQ(ws->uuid, ws_.uuid);
}

TEST_F(AccountsTest, ResolveWorkspaceWithoutUuidNeedsExactlyOneWorkspace) {
  IssuedCredential admin = MustCreate(0, CredentialKind::kApiKey, true);
  Identity who = MustBearer(admin.secret, true);
  EXPECT_EQ(accounts_->ResolveWorkspace(who, std::nullopt).status().code(),
            Code::kInvalidArgument);

  auto second = accounts_->CreateWorkspace("Second");
  ASSERT_TRUE(second.ok());
  Identity multi;
  multi.principal.workspace_ids = {ws_.id, second->id};
  EXPECT_EQ(accounts_->ResolveWorkspace(multi, std::nullopt).status().code(),
            Code::kInvalidArgument);
  auto named = accounts_->ResolveWorkspace(multi, second->uuid);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->id, second->id);
}

TEST_F(AccountsTest, ResolveWorkspaceByUuid) {
  IssuedCredential key = MustCreate(ws_.id, CredentialKind::kApiKey);
  Identity who = MustBearer(key.secret, true);
  auto other = accounts_->CreateWorkspace("Other");
  ASSERT_TRUE(other.ok());

  std::string upper = ws_.uuid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto mine = accounts_->ResolveWorkspace(who, upper);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  EXPECT_EQ(mine->id, ws_.id);

  EXPECT_EQ(accounts_->ResolveWorkspace(who, std::string_view("node-1")).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(accounts_->ResolveWorkspace(who, std::string_view("")).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(accounts_->ResolveWorkspace(who, core::NewUuidV7(1)).status().code(),
            Code::kNotFound);
  EXPECT_EQ(accounts_->ResolveWorkspace(who, other->uuid).status().code(),
            Code::kPermissionDenied);
}

TEST_F(AccountsTest, AdminMayNameAnyWorkspace) {
  IssuedCredential admin = MustCreate(0, CredentialKind::kApiKey, true);
  Identity who = MustBearer(admin.secret, true);
  auto other = accounts_->CreateWorkspace("Other");
  ASSERT_TRUE(other.ok());
  for (const core::Workspace* w : {&ws_, &*other}) {
    auto r = accounts_->ResolveWorkspace(who, w->uuid);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->id, w->id);
  }
  EXPECT_EQ(accounts_->ResolveWorkspace(who, core::NewUuidV7(1)).status().code(),
            Code::kNotFound);
}

}  // namespace
}  // namespace rivulet::engine

namespace rivulet::engine {
namespace {

TEST(RedactSecretsTest, CutsKeysTokensAndSecretKeysButNothingElse) {
  std::string key = "rvk_" + std::string(40, 'a');
  std::string token = "rvt_" + std::string(40, 'B');
  std::string secret = "sk_" + std::string(40, '7');
  EXPECT_EQ(RedactSecrets("/v1/contacts/" + key + "?t=" + token + "&s=" + secret),
            "/v1/contacts/rvk_aaaa\u2026?t=rvt_BBBB\u2026&s=sk_7777\u2026");
  EXPECT_EQ(RedactSecrets("/v1/contacts/rvk_short"), "/v1/contacts/rvk_short");
  EXPECT_EQ(RedactSecrets("/v1/task_" + std::string(40, 'x')),
            "/v1/task_" + std::string(40, 'x'));  // "sk_" inside a word is not a prefix
  EXPECT_EQ(RedactSecrets(""), "");
}

}  // namespace
}  // namespace rivulet::engine
