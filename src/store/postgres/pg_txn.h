#ifndef RIVULET_STORE_POSTGRES_PG_TXN_H_
#define RIVULET_STORE_POSTGRES_PG_TXN_H_

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_event_buffer.h"
#include "store/store.h"

namespace rivulet::store::postgres {

// What a write transaction did that other processes may want to hear about (NOTIFY).
struct TxnSignals {
  bool token_work = false;   // a token was made due or given a wake-up time
  bool outbox_work = false;  // a message became pending
};

// What one group commit has read of state that seldom changes, so that the many events of a
// group, which mostly share a type, ask the database once per type. It lives for one group
// commit of one writer (a few milliseconds): what other processes commit meanwhile shows
// from the next group on, as if it had been committed a moment later.
struct GroupCache {
  // The automations each (workspace, event type) triggers. A write to automations or their
  // triggers in this transaction empties it.
  std::map<std::pair<int64_t, std::string>, std::vector<int64_t>> triggers;
  // Whether any token waits for an event type. This transaction's token writes keep it true
  // for the types they make tokens wait for.
  std::map<std::string, bool> waited_for;
  // The contacts the group's jobs said they would look up (WriteHint), by workspace, kind
  // of identifier and value, as the group's first query read them; nullopt: no such contact.
  // This transaction's contact writes keep it true: a contact changed or deleted is dropped
  // (its next lookup reads it again), and so are the identifiers a contact takes.
  using ContactKey = std::tuple<int64_t, core::ContactRef::Kind, std::string>;
  std::map<ContactKey, std::optional<core::Contact>> contacts;
  void ForgetContact(int64_t id) {
    std::erase_if(contacts, [id](const auto& kv) { return kv.second && kv.second->id == id; });
  }
  void ForgetIdentifiersOf(const core::Contact& c);
  void Clear() {
    triggers.clear();
    waited_for.clear();
    contacts.clear();
  }
};

// ReadTxn and WriteTxn over one connection inside a transaction the caller opened.
//
// In a write transaction (for_write), reads of tokens and outbox messages lock the rows
// they return (FOR UPDATE), so that a read-modify-write cannot lose another process's
// change under READ COMMITTED; ClaimDueTokens and ClaimOutbox skip rows other processes
// hold (SKIP LOCKED). Counter deltas go to this process's counter shard. With an event
// buffer, InsertEvent only buffers the row (see EventBuffer) and reads that could see it
// flush the buffer first.
class PgTxn final : public WriteTxn {
 public:
  PgTxn(Connection& conn, bool for_write, int64_t counter_shard = 0, std::string owner = "",
        TxnSignals* signals = nullptr, EventBuffer* events = nullptr, GroupCache* cache = nullptr)
      : conn_(conn),
        for_write_(for_write),
        counter_shard_(counter_shard),
        owner_(std::move(owner)),
        signals_(signals),
        events_(events),
        cache_(cache) {}

  Connection& connection() { return conn_; }

  Result<core::Workspace> FindWorkspaceById(int64_t id) override;
  Result<core::Workspace> FindWorkspaceByUuid(const std::string& uuid) override;
  Result<std::vector<core::Workspace>> ListWorkspaces() override;
  Result<core::Principal> FindPrincipal(int64_t id) override;
  Result<core::Credential> FindCredentialById(int64_t id) override;
  Result<core::Credential> FindCredentialByPublicId(core::CredentialKind kind,
                                                    const std::string& public_id) override;
  Result<core::Credential> FindCredentialBySecretHash(core::CredentialKind kind,
                                                      const std::string& hash) override;
  Result<std::vector<core::Credential>> ListCredentials(int64_t workspace_id) override;
  Result<core::AccessToken> FindAccessToken(const std::string& token_hash) override;
  Result<core::Contact> FindContact(int64_t workspace_id, const core::ContactRef& ref) override;
  Result<core::Contact> FindContactById(int64_t workspace_id, int64_t id) override;
  // Loads the contacts (locked, in a write transaction) for FindContactById to answer from.
  Status PrefetchContacts(const std::vector<int64_t>& ids) override;
  // Reads the contacts the hints name into the group cache, one query per kind of
  // identifier. Without a group cache it does nothing.
  Status PrefetchHinted(const std::vector<const WriteHint*>& hints);
  Result<std::vector<core::Contact>> ListContacts(int64_t workspace_id,
                                                  const ContactFilter& filter) override;
  Result<int64_t> CountContacts(int64_t workspace_id) override;
  Result<core::Event> FindEventByIdempotencyKey(int64_t workspace_id,
                                                const std::string& key) override;
  Result<std::vector<core::Event>> ListEvents(int64_t workspace_id,
                                              const EventFilter& filter) override;

  Status InsertWorkspace(core::Workspace& ws) override;
  Status UpdateWorkspace(const core::Workspace& ws) override;
  Status DeleteWorkspace(int64_t id) override;
  Status InsertPrincipal(core::Principal& p) override;
  Status GrantWorkspace(int64_t principal_id, int64_t workspace_id) override;
  Status InsertCredential(core::Credential& c) override;
  Status RevokeCredential(int64_t id, core::Millis at) override;
  Status InsertAccessToken(const core::AccessToken& t) override;
  Status DeleteExpiredAccessTokens(core::Millis now) override;
  Status InsertContact(core::Contact& c) override;
  Status UpdateContact(const core::Contact& c) override;
  Status UpdateContactData(const core::Contact& c) override;
  Status DeleteContact(int64_t workspace_id, int64_t contact_id) override;
  Status InsertEvent(core::Event& e) override;

  // Automations and their running state (pg_txn_journeys.cc).
  Result<core::Automation> FindAutomation(int64_t workspace_id, const std::string& uuid) override;
  Result<core::Automation> FindAutomationById(int64_t id) override;
  Result<std::vector<core::Automation>> ListAutomations(int64_t workspace_id,
                                                        const AutomationFilter& f) override;
  Result<std::vector<int64_t>> AutomationsTriggeredBy(int64_t workspace_id,
                                                      const std::string& event_type) override;
  Result<core::Token> FindToken(int64_t workspace_id, const std::string& uuid) override;
  Result<core::Token> FindTokenById(int64_t id) override;
  Result<std::vector<core::Token>> ListTokens(int64_t workspace_id, const TokenFilter& f) override;
  Result<int64_t> CountTokens(int64_t workspace_id, const TokenFilter& f) override;
  Result<std::vector<core::Token>> TokensOfContact(int64_t automation_id,
                                                   int64_t contact_id) override;
  Result<std::vector<core::Token>> TokensWaitingFor(int64_t contact_id,
                                                    const std::string& event_type) override;
  Result<std::optional<core::Millis>> NextWakeAt() override;
  Result<core::OutboxMessage> FindOutboxMessage(const std::string& uuid) override;
  Result<std::vector<core::OutboxMessage>> MessagesOfToken(int64_t token_id) override;
  Result<std::optional<core::Millis>> NextOutboxAttemptAt() override;
  Result<std::vector<CounterValue>> ReadCounters(int64_t automation_id) override;
  Result<core::Sender> FindSender(int64_t workspace_id, const std::string& uuid) override;
  Result<std::vector<core::Sender>> ListSenders(int64_t workspace_id) override;
  Result<core::MessageTemplate> FindTemplate(int64_t workspace_id,
                                             const std::string& uuid) override;
  Result<std::vector<core::MessageTemplate>> ListTemplates(int64_t workspace_id) override;
  Result<std::vector<core::WorkspaceSetting>> ListSettings(int64_t workspace_id) override;
  Result<core::WorkspaceSetting> FindSetting(int64_t workspace_id,
                                             const std::string& uuid) override;

  Status InsertAutomation(core::Automation& a) override;
  Status UpdateAutomation(const core::Automation& a) override;
  Status DeleteAutomation(int64_t workspace_id, int64_t id) override;
  Status InsertToken(core::Token& t) override;
  Status UpdateToken(const core::Token& t) override;
  Result<std::vector<core::Token>> ClaimDueTokens(core::Millis now, int limit) override;
  Result<int64_t> ExitExpiredTokens(int64_t automation_id, core::Millis now) override;
  Status InsertOutboxMessage(core::OutboxMessage& m) override;
  Status UpdateOutboxMessage(const core::OutboxMessage& m) override;
  Result<std::vector<core::OutboxMessage>> ClaimOutbox(core::Millis now, int limit,
                                                       core::Millis lease_until) override;
  Status AddCounters(const std::vector<CounterDelta>& deltas) override;
  Result<std::string> GetOrCreateSecret(const std::string& name,
                                        const std::string& candidate) override;
  Status InsertSender(core::Sender& s) override;
  Status InsertTemplate(core::MessageTemplate& t) override;
  Status UpdateTemplate(const core::MessageTemplate& t) override;
  Status InsertSetting(core::WorkspaceSetting& s) override;
  Status UpdateSetting(const core::WorkspaceSetting& s) override;
  Status DeleteSetting(int64_t workspace_id, int64_t id) override;

  // Batch enrollment sources (pg_txn_batches.cc).
  Result<core::BatchSource> FindBatchSource(int64_t workspace_id, int64_t automation_id,
                                            const std::string& uuid) override;
  Status InsertBatchSource(core::BatchSource& b) override;
  Status UpdateBatchSource(const core::BatchSource& b) override;
  Status DeleteBatchSource(int64_t workspace_id, int64_t id) override;
  Result<int64_t> ReleaseHeldTokens(int64_t automation_id, const std::string& source_uuid,
                                    core::Millis wake_at) override;
  Result<int64_t> DeleteHeldTokens(int64_t automation_id, const std::string& source_uuid) override;
  Status InsertStagedPacket(core::StagedPacket& p) override;
  Result<std::optional<core::StagedPacket>> ClaimStagedPacket() override;
  Status DeleteStagedPacket(int64_t id) override;

  // Audiences, unsubscribe groups and named sequences (pg_txn_audiences.cc).
  Result<core::Audience> FindAudience(int64_t workspace_id, int64_t id) override;
  Result<std::vector<core::Audience>> ListAudiences(int64_t workspace_id,
                                                    core::Audience::Kind kind) override;
  Result<core::UnsubscribeGroup> FindUnsubscribeGroup(int64_t workspace_id, int64_t id) override;
  Result<std::vector<core::UnsubscribeGroup>> ListUnsubscribeGroups(int64_t workspace_id) override;
  Status InsertAudience(core::Audience& a) override;
  Status InsertUnsubscribeGroup(core::UnsubscribeGroup& g) override;
  Result<int64_t> NextSequenceValue(const std::string& name) override;

 private:
  Status IndexTriggers(const core::Automation& a);
  // Writes buffered events before a statement that could see or delete them.
  Status FlushEvents() { return events_ ? events_->Flush(conn_) : Status::Ok(); }
  void ForgetTriggers() {
    if (cache_) cache_->triggers.clear();
  }
  void NoteWaiting(const core::Token& t) {
    if (cache_ && !t.waiting_event.empty()) cache_->waited_for[t.waiting_event] = true;
  }
  // " FOR UPDATE OF t" in write transactions, "" in reads.
  const char* Lock() const { return for_write_ ? " FOR UPDATE" : ""; }
  void Signal(bool token_work, bool outbox_work) {
    if (!signals_) return;
    signals_->token_work |= token_work;
    signals_->outbox_work |= outbox_work;
  }

  Connection& conn_;
  const bool for_write_;
  const int64_t counter_shard_;
  const std::string owner_;
  TxnSignals* signals_;
  EventBuffer* events_;
  GroupCache* cache_;
  // Prefetched contacts by id, kept current by this transaction's contact writes.
  std::unordered_map<int64_t, core::Contact> contacts_;
};

}  // namespace rivulet::store::postgres

#endif  // RIVULET_STORE_POSTGRES_PG_TXN_H_
