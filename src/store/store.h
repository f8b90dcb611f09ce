#ifndef RIVULET_STORE_STORE_H_
#define RIVULET_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audience.h"
#include "core/automation.h"
#include "core/executor.h"
#include "core/journey.h"
#include "core/model.h"
#include "core/status.h"

namespace rivulet::store {

using core::Result;
using core::Status;

// Filters for listing contacts. Results are ordered by id; pagination is by key
// (rows with id > after_id), never by offset.
struct ContactFilter {
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> external_id;
  std::optional<std::string> tag;
  std::optional<core::Millis> updated_after;
  int64_t after_id = 0;
  int limit = 50;
};

struct EventFilter {
  std::optional<int64_t> contact_id;
  std::optional<std::string> type;
  int64_t after_id = 0;
  int limit = 50;
};

struct AutomationFilter {
  std::vector<core::AutomationStatus> statuses;  // empty: any
  int64_t after_id = 0;
  int limit = 50;
};

// How ListTokens orders its rows (ties broken by id).
enum class TokenOrder { kId, kAutomation, kContact, kRecipient, kStep, kStatus };

struct TokenFilter {
  std::optional<int64_t> automation_id;
  std::optional<std::string> step_uuid;
  std::optional<int64_t> contact_id;
  std::vector<core::TokenStatus> statuses;  // empty: any
  int64_t after_id = 0;
  int limit = 50;
  // Offset paging for faces whose lists are numbered pages (Contactflow); 0 with key paging.
  int64_t offset = 0;
  TokenOrder order = TokenOrder::kId;
};

// A counter change: automation + step ("" for the automation) + counter name + delta.
struct CounterDelta {
  int64_t automation_id;
  std::string step_uuid;
  std::string name;
  int64_t delta;
};

struct CounterValue {
  std::string step_uuid;
  std::string name;
  int64_t value;
};

// Reads against one consistent snapshot. Find* return NotFound when there is no row.
// Every workspace-owned lookup takes the workspace id: no read crosses workspaces.
class ReadTxn {
 public:
  virtual ~ReadTxn() = default;

  virtual Result<core::Workspace> FindWorkspaceById(int64_t id) = 0;
  virtual Result<core::Workspace> FindWorkspaceByUuid(const std::string& uuid) = 0;
  virtual Result<std::vector<core::Workspace>> ListWorkspaces() = 0;

  virtual Result<core::Principal> FindPrincipal(int64_t id) = 0;
  virtual Result<core::Credential> FindCredentialById(int64_t id) = 0;
  virtual Result<core::Credential> FindCredentialByPublicId(core::CredentialKind kind,
                                                            const std::string& public_id) = 0;
  virtual Result<core::Credential> FindCredentialBySecretHash(core::CredentialKind kind,
                                                              const std::string& hash) = 0;
  virtual Result<std::vector<core::Credential>> ListCredentials(int64_t workspace_id) = 0;
  virtual Result<core::AccessToken> FindAccessToken(const std::string& token_hash) = 0;

  virtual Result<core::Contact> FindContact(int64_t workspace_id, const core::ContactRef& ref) = 0;
  virtual Result<core::Contact> FindContactById(int64_t workspace_id, int64_t id) = 0;
  // A hint that FindContactById will soon be asked for these contacts: a store whose reads
  // cost a round trip loads them in one. In a write transaction the loaded contacts stay
  // current through this transaction's own changes.
  virtual Status PrefetchContacts(const std::vector<int64_t>& ids) {
    (void)ids;
    return Status::Ok();
  }
  virtual Result<std::vector<core::Contact>> ListContacts(int64_t workspace_id,
                                                          const ContactFilter& filter) = 0;
  virtual Result<int64_t> CountContacts(int64_t workspace_id) = 0;

  virtual Result<core::Event> FindEventByIdempotencyKey(int64_t workspace_id,
                                                        const std::string& key) = 0;
  virtual Result<std::vector<core::Event>> ListEvents(int64_t workspace_id,
                                                      const EventFilter& filter) = 0;

  virtual Result<core::Automation> FindAutomation(int64_t workspace_id,
                                                  const std::string& uuid) = 0;
  virtual Result<core::Automation> FindAutomationById(int64_t id) = 0;
  virtual Result<std::vector<core::Automation>> ListAutomations(int64_t workspace_id,
                                                                const AutomationFilter& f) = 0;
  // RUNNING automations of the workspace with a trigger on event_type.
  virtual Result<std::vector<int64_t>> AutomationsTriggeredBy(int64_t workspace_id,
                                                              const std::string& event_type) = 0;

  virtual Result<core::Token> FindToken(int64_t workspace_id, const std::string& uuid) = 0;
  virtual Result<core::Token> FindTokenById(int64_t id) = 0;
  virtual Result<std::vector<core::Token>> ListTokens(int64_t workspace_id,
                                                      const TokenFilter& f) = 0;
  // How many tokens match f (ignoring after_id, offset and limit).
  virtual Result<int64_t> CountTokens(int64_t workspace_id, const TokenFilter& f) = 0;
  // Tokens of the contact in the automation, newest first (for uniqueness and re-entry).
  virtual Result<std::vector<core::Token>> TokensOfContact(int64_t automation_id,
                                                           int64_t contact_id) = 0;
  // Tokens of the contact waiting for an event of this type.
  virtual Result<std::vector<core::Token>> TokensWaitingFor(int64_t contact_id,
                                                            const std::string& event_type) = 0;
  // The earliest wake-up time among tokens of RUNNING automations, if any.
  virtual Result<std::optional<core::Millis>> NextWakeAt() = 0;

  virtual Result<core::OutboxMessage> FindOutboxMessage(const std::string& uuid) = 0;
  virtual Result<std::vector<core::OutboxMessage>> MessagesOfToken(int64_t token_id) = 0;
  virtual Result<std::optional<core::Millis>> NextOutboxAttemptAt() = 0;

  virtual Result<std::vector<CounterValue>> ReadCounters(int64_t automation_id) = 0;

  virtual Result<core::Sender> FindSender(int64_t workspace_id, const std::string& uuid) = 0;
  virtual Result<std::vector<core::Sender>> ListSenders(int64_t workspace_id) = 0;
  virtual Result<core::MessageTemplate> FindTemplate(int64_t workspace_id,
                                                     const std::string& uuid) = 0;
  virtual Result<std::vector<core::MessageTemplate>> ListTemplates(int64_t workspace_id) = 0;
  virtual Result<std::vector<core::WorkspaceSetting>> ListSettings(int64_t workspace_id) = 0;
  virtual Result<core::WorkspaceSetting> FindSetting(int64_t workspace_id,
                                                     const std::string& uuid) = 0;

  virtual Result<core::BatchSource> FindBatchSource(int64_t workspace_id, int64_t automation_id,
                                                    const std::string& uuid) = 0;

  virtual Result<core::Audience> FindAudience(int64_t workspace_id, int64_t id) = 0;
  // The workspace's audiences of that kind, by id.
  virtual Result<std::vector<core::Audience>> ListAudiences(int64_t workspace_id,
                                                            core::Audience::Kind kind) = 0;
  virtual Result<core::UnsubscribeGroup> FindUnsubscribeGroup(int64_t workspace_id, int64_t id) = 0;
  virtual Result<std::vector<core::UnsubscribeGroup>> ListUnsubscribeGroups(
      int64_t workspace_id) = 0;
};

// Changes inside one transaction. Insert* fill in the row id. Unique-key violations come
// back as AlreadyExists naming the identifier.
class WriteTxn : public virtual ReadTxn {
 public:
  virtual Status InsertWorkspace(core::Workspace& ws) = 0;
  virtual Status UpdateWorkspace(const core::Workspace& ws) = 0;
  virtual Status DeleteWorkspace(int64_t id) = 0;

  virtual Status InsertPrincipal(core::Principal& p) = 0;  // also stores its workspace_ids
  virtual Status GrantWorkspace(int64_t principal_id, int64_t workspace_id) = 0;
  virtual Status InsertCredential(core::Credential& c) = 0;
  virtual Status RevokeCredential(int64_t id, core::Millis at) = 0;
  virtual Status InsertAccessToken(const core::AccessToken& t) = 0;
  virtual Status DeleteExpiredAccessTokens(core::Millis now) = 0;

  // AlreadyExists when an identifier is taken; the transaction stays usable either way.
  virtual Status InsertContact(core::Contact& c) = 0;
  virtual Status UpdateContact(const core::Contact& c) = 0;
  // Writes only the contact's attributes, tags and updated_at: unlike UpdateContact it
  // cannot collide with another contact's identifiers, so a store may defer it (its
  // NotFound may then surface at a later statement of the same job).
  virtual Status UpdateContactData(const core::Contact& c) = 0;
  // Erases the contact and every event about it (GDPR erasure).
  virtual Status DeleteContact(int64_t workspace_id, int64_t contact_id) = 0;

  virtual Status InsertEvent(core::Event& e) = 0;

  virtual Status InsertAutomation(core::Automation& a) = 0;  // also indexes its triggers
  virtual Status UpdateAutomation(const core::Automation& a) = 0;
  virtual Status DeleteAutomation(int64_t workspace_id, int64_t id) = 0;

  virtual Status InsertToken(core::Token& t) = 0;
  virtual Status UpdateToken(const core::Token& t) = 0;
  // Due tokens of RUNNING automations (wake_at <= now), oldest first, locked for this
  // transaction where the backend has row locks (PostgreSQL: FOR UPDATE SKIP LOCKED).
  virtual Result<std::vector<core::Token>> ClaimDueTokens(core::Millis now, int limit) = 0;
  // Exits the automation's tokens whose wait ran out before now (removeExpiredCustomers).
  virtual Result<int64_t> ExitExpiredTokens(int64_t automation_id, core::Millis now) = 0;

  // AlreadyExists when the idempotency key was used before.
  virtual Status InsertOutboxMessage(core::OutboxMessage& m) = 0;
  virtual Status UpdateOutboxMessage(const core::OutboxMessage& m) = 0;
  // Ends a delivery attempt on a message claimed with `claimed_attempts` attempts: when it is
  // still 'sending' with that many attempts, writes m's status, attempts, next_attempt_at,
  // lease_until, last_error and sent_at (tracking facts recorded meanwhile are kept) and
  // returns true; otherwise (another worker took it over after the lease ran out) changes
  // nothing and returns false. The default reads the row and calls UpdateOutboxMessage;
  // backends may do it in one statement.
  virtual Result<bool> FinishOutboxAttempt(const core::OutboxMessage& m, int claimed_attempts);
  // Pending messages due at now, and sending ones whose lease ran out; marks them sending
  // with a lease until lease_until.
  virtual Result<std::vector<core::OutboxMessage>> ClaimOutbox(core::Millis now, int limit,
                                                               core::Millis lease_until) = 0;

  virtual Status AddCounters(const std::vector<CounterDelta>& deltas) = 0;

  // A secret shared by every process on this database (e.g. the link-signing key): the
  // stored one, or `candidate` stored now when there is none.
  virtual Result<std::string> GetOrCreateSecret(const std::string& name,
                                                const std::string& candidate) = 0;

  virtual Status InsertSender(core::Sender& s) = 0;
  virtual Status InsertTemplate(core::MessageTemplate& t) = 0;
  virtual Status UpdateTemplate(const core::MessageTemplate& t) = 0;
  virtual Status InsertSetting(core::WorkspaceSetting& s) = 0;
  virtual Status UpdateSetting(const core::WorkspaceSetting& s) = 0;
  virtual Status DeleteSetting(int64_t workspace_id, int64_t id) = 0;

  // AlreadyExists when the automation has a source with this uuid.
  virtual Status InsertBatchSource(core::BatchSource& b) = 0;
  virtual Status UpdateBatchSource(const core::BatchSource& b) = 0;
  virtual Status DeleteBatchSource(int64_t workspace_id, int64_t id) = 0;
  // Held tokens (ACTIVE, no wake-up time, at their entry) of a batch source: made due at
  // wake_at, or deleted. Return how many.
  virtual Result<int64_t> ReleaseHeldTokens(int64_t automation_id, const std::string& source_uuid,
                                            core::Millis wake_at) = 0;
  virtual Result<int64_t> DeleteHeldTokens(int64_t automation_id,
                                           const std::string& source_uuid) = 0;
  // Staged packets; deleting a source deletes its packets.
  virtual Status InsertStagedPacket(core::StagedPacket& p) = 0;
  // The oldest packet that is the oldest of its source, locked with its source for this
  // transaction; packets whose packet or source row another writer holds are skipped.
  // nullopt when there is none to expand.
  virtual Result<std::optional<core::StagedPacket>> ClaimStagedPacket() = 0;
  virtual Status DeleteStagedPacket(int64_t id) = 0;

  virtual Status InsertAudience(core::Audience& a) = 0;
  virtual Status InsertUnsubscribeGroup(core::UnsubscribeGroup& g) = 0;
  // The next value (1, 2, …) of a named database-wide sequence, for numeric ids a face
  // shows for things that have no row of their own (AllsTechnology schedule ids).
  virtual Result<int64_t> NextSequenceValue(const std::string& name) = 0;
};

// Gauges a store reports for /metrics.
struct StoreStats {
  uint64_t commits = 0;
  uint64_t committed_jobs = 0;
  uint64_t failed_commits = 0;
  uint64_t queue_depth = 0;
  uint64_t max_batch = 0;
  uint64_t syncs = 0;    // durability syncs after group commits (one may cover several)
  // Time spent in those syncs where Rivulet runs them (SQLite); none where the server does.
  std::optional<uint64_t> sync_micros;
  // SQLite: WAL writes SQLite asked for, and the write() calls that reached the file
  // (store/sqlite/wal_batching_vfs.h); 0 elsewhere.
  uint64_t wal_writes_requested = 0;
  uint64_t wal_writes_issued = 0;
  uint64_t writers = 1;  // group commits that can be in flight at once
};

// What a store may use to serve a write better; one that ignores it is still correct.
struct WriteHint {
  // What the job is going to look up first: contacts by identifier, in one workspace. A
  // store may fetch them for its whole group commit in one query; the job still asks for
  // them itself, and finds them then without a round trip.
  int64_t workspace_id = 0;
  std::vector<core::ContactRef> contacts{};
  // The thread that will use the outcome (an HTTP request's I/O thread). A store posts
  // `done` there, in one post with the other completions of its commit bound for the same
  // executor, instead of calling it on the thread that acknowledges every commit in turn.
  core::Executor* complete_on = nullptr;
  bool empty() const { return contacts.empty(); }
};

// The database behind Rivulet. Thread-safe.
//
// Writes are queued and applied by the store in group commits: many callers' write
// functions run inside one database transaction, each isolated by a savepoint so one
// failure does not undo the others. `done` runs after the commit is durable (or failed),
// on a store thread or on the hint's complete_on; it must be quick and must not call back
// into Write synchronously and wait.
class Store {
 public:
  using WriteFn = std::function<Status(WriteTxn&)>;
  using ReadFn = std::function<Status(ReadTxn&)>;
  using Done = std::function<void(Status)>;

  virtual ~Store() = default;

  // Applies pending schema migrations; idempotent. Returns the schema version reached.
  virtual Result<int> Migrate() = 0;

  // Queues fn for the next group commit. fn must touch only the database, since it runs
  // on the writer while others wait. Never blocks on the commit. fn may run more than once
  // for one commit (when another job of the group fails, the group is rolled back and run
  // again), so it must assign its outputs rather than accumulate into them.
  virtual void Write(WriteFn fn, Done done) = 0;
  // Write, with a hint of what fn will look up. The default ignores the hint.
  virtual void Write(WriteFn fn, Done done, WriteHint /*hint*/) {
    Write(std::move(fn), std::move(done));
  }

  // Runs fn on the calling thread against a consistent snapshot; never blocks the writer.
  virtual Status Read(const ReadFn& fn) = 0;

  virtual StoreStats Stats() const = 0;

  // Write, then wait for the commit. For CLI commands, start-up and tests, not hot paths.
  Status WriteAndWait(WriteFn fn);
};

}  // namespace rivulet::store

#endif  // RIVULET_STORE_STORE_H_
