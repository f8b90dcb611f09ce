#ifndef RIVULET_STORE_SQLITE_SQLITE_TXN_H_
#define RIVULET_STORE_SQLITE_SQLITE_TXN_H_

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace rivulet::store::sqlite {

// ReadTxn and WriteTxn over one connection inside a transaction the caller opened.
class SqliteTxn final : public WriteTxn {
 public:
  explicit SqliteTxn(Connection& conn) : conn_(conn) {}

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
  Status DeleteContact(int64_t workspace_id, int64_t contact_id) override;
  Status InsertEvent(core::Event& e) override;

 private:
  Connection& conn_;
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_SQLITE_TXN_H_
