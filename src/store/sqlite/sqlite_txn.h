#ifndef RIVULET_STORE_SQLITE_SQLITE_TXN_H_
#define RIVULET_STORE_SQLITE_SQLITE_TXN_H_

#include "store/sqlite/connection.h"
#include "store/sqlite/contact_cache.h"
#include "store/sqlite/contact_event_backlog.h"
#include "store/sqlite/event_route_memo.h"
#include "store/store.h"

namespace rivulet::store::sqlite {

// ReadTxn and WriteTxn over one connection inside a transaction the caller opened.
class SqliteTxn final : public WriteTxn {
 public:
  // backlog, contacts and routes: the writer's (it then keeps them up to date); readers pass
  // none.
  explicit SqliteTxn(Connection& conn, ContactEventBacklog* backlog = nullptr,
                     ContactCache* contacts = nullptr, EventRouteMemo* routes = nullptr)
      : conn_(conn), backlog_(backlog), contacts_(contacts), routes_(routes) {}

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

  // Automations and their running state (sqlite_txn_journeys.cc).
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
  Result<core::BatchSource> FindBatchSource(int64_t workspace_id, int64_t automation_id,
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
  Result<bool> FinishOutboxAttempt(const core::OutboxMessage& m, int claimed_attempts) override;
  Result<std::vector<core::OutboxMessage>> ClaimOutbox(core::Millis now, int limit,
                                                       core::Millis lease_until) override;
  Status AddCounters(const std::vector<CounterDelta>& deltas) override;
  Result<std::string> GetOrCreateSecret(const std::string& name,
                                        const std::string& candidate) override;
  Result<core::Audience> FindAudience(int64_t workspace_id, int64_t id) override;
  Result<std::vector<core::Audience>> ListAudiences(int64_t workspace_id,
                                                    core::Audience::Kind kind) override;
  Result<core::UnsubscribeGroup> FindUnsubscribeGroup(int64_t workspace_id, int64_t id) override;
  Result<std::vector<core::UnsubscribeGroup>> ListUnsubscribeGroups(int64_t workspace_id) override;
  Status InsertAudience(core::Audience& a) override;
  Status InsertUnsubscribeGroup(core::UnsubscribeGroup& g) override;
  Result<int64_t> NextSequenceValue(const std::string& name) override;
  Status InsertSender(core::Sender& s) override;
  Status InsertTemplate(core::MessageTemplate& t) override;
  Status UpdateTemplate(const core::MessageTemplate& t) override;
  Status InsertSetting(core::WorkspaceSetting& s) override;
  Status UpdateSetting(const core::WorkspaceSetting& s) override;
  Status DeleteSetting(int64_t workspace_id, int64_t id) override;
  Status InsertBatchSource(core::BatchSource& b) override;
  Status UpdateBatchSource(const core::BatchSource& b) override;
  Status DeleteBatchSource(int64_t workspace_id, int64_t id) override;
  Result<int64_t> ReleaseHeldTokens(int64_t automation_id, const std::string& source_uuid,
                                    core::Millis wake_at) override;
  Result<int64_t> DeleteHeldTokens(int64_t automation_id, const std::string& source_uuid) override;
  Status InsertStagedPacket(core::StagedPacket& p) override;
  Result<std::optional<core::StagedPacket>> ClaimStagedPacket() override;
  Status DeleteStagedPacket(int64_t id) override;

  // Catches contact_events up (decision 0026): once lag/kSlots events are new since the
  // last catch-up, adds those of the slot (ContactEventBacklog::SlotOf) whose turn it is,
  // sorted by contact, from the writer's backlog; lag 0 adds every slot's. Returns how many
  // it added. Writer only, inside its transaction; on failure the transaction is as it was
  // before the call.
  Result<int64_t> IndexContactEvents(int64_t lag);

 private:
  Status IndexTriggers(const core::Automation& a);
  Status LoadContactEventBacklog();
  Result<std::vector<core::Event>> ListContactEvents(int64_t workspace_id, int64_t contact_id,
                                                     const EventFilter& filter);
  // A contact row changes or goes: the whole contact memo is dropped (it may hold the row
  // under several identifiers).
  void ForgetContacts() {
    if (contacts_) contacts_->Clear();
  }
  // An automation changes or goes: which automations an event type starts is read again.
  void ForgetTriggers() {
    if (routes_) routes_->ForgetTriggers();
  }
  // A token is stored: if it waits for an event type, events of that type look for it.
  void NoteWaiting(const core::Token& t) {
    if (routes_ && !t.waiting_event.empty()) routes_->PutWaitedFor(t.waiting_event, true);
  }

  Connection& conn_;
  ContactEventBacklog* backlog_;
  ContactCache* contacts_;
  EventRouteMemo* routes_;
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_SQLITE_TXN_H_
