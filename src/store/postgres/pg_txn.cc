// Workspaces, principals, credentials, contacts and events on PostgreSQL.
#include "store/postgres/pg_txn.h"

#include <set>

#include "store/postgres/pg_rows.h"

namespace rivulet::store::postgres {

using core::Contact;
using core::Credential;
using core::Event;
using core::Workspace;

namespace {

constexpr const char* kWorkspaceCols =
    "SELECT id, uuid, name, active, settings, created_at, updated_at FROM workspaces ";
constexpr const char* kCredentialCols =
    "SELECT id, principal_id, kind, public_id, encode(secret_hash, 'hex'), label, created_at, "
    "revoked_at FROM credentials ";
constexpr const char* kContactCols =
    "SELECT id, workspace_id, uuid, email, phone, external_id, attributes, tags, timezone, "
    "subscriptions, created_at, updated_at FROM contacts ";
constexpr const char* kEventCols =
    "SELECT e.id, e.workspace_id, e.uuid, e.contact_id, c.uuid, e.type, e.data, e.occurred_at, "
    "e.received_at, e.idempotency_key FROM events e JOIN contacts c ON c.id = e.contact_id ";

Workspace ReadWorkspace(const Rows& r, int i) {
  Workspace w;
  w.id = r.Int(i, 0);
  w.uuid = r.Text(i, 1);
  w.name = r.Text(i, 2);
  w.active = r.Int(i, 3) != 0;
  w.settings_json = r.Text(i, 4);
  w.created_at = r.Int(i, 5);
  w.updated_at = r.Int(i, 6);
  return w;
}

Credential ReadCredential(const Rows& r, int i) {
  Credential c;
  c.id = r.Int(i, 0);
  c.principal_id = r.Int(i, 1);
  c.kind = core::ParseCredentialKind(r.Text(i, 2)).value_or(core::CredentialKind::kApiKey);
  c.public_id = r.Text(i, 3);
  c.secret_hash = r.Hex(i, 4);
  c.label = r.Text(i, 5);
  c.created_at = r.Int(i, 6);
  c.revoked_at = r.OptInt(i, 7);
  return c;
}

Contact ReadContact(const Rows& r, int i) {
  Contact c;
  c.id = r.Int(i, 0);
  c.workspace_id = r.Int(i, 1);
  c.uuid = r.Text(i, 2);
  c.email = r.OptText(i, 3);
  c.phone = r.OptText(i, 4);
  c.external_id = r.OptText(i, 5);
  c.attributes_json = r.Text(i, 6);
  c.tags_json = r.Text(i, 7);
  c.timezone = r.Text(i, 8);
  c.subscriptions_json = r.Text(i, 9);
  c.created_at = r.Int(i, 10);
  c.updated_at = r.Int(i, 11);
  return c;
}

Event ReadEvent(const Rows& r, int i) {
  Event e;
  e.id = r.Int(i, 0);
  e.workspace_id = r.Int(i, 1);
  e.uuid = r.Text(i, 2);
  e.contact_id = r.Int(i, 3);
  e.contact_uuid = r.Text(i, 4);
  e.type = r.Text(i, 5);
  e.data_json = r.Text(i, 6);
  e.occurred_at = r.Int(i, 7);
  e.received_at = r.Int(i, 8);
  e.idempotency_key = r.OptText(i, 9);
  return e;
}

}  // namespace

Result<Workspace> PgTxn::FindWorkspaceById(int64_t id) {
  return One<Workspace>(
      conn_.Query(std::string(kWorkspaceCols) + "WHERE id = $1", Params().Add(id)), ReadWorkspace,
      "workspace");
}

Result<Workspace> PgTxn::FindWorkspaceByUuid(const std::string& uuid) {
  return One<Workspace>(
      conn_.Query(std::string(kWorkspaceCols) + "WHERE uuid = $1", Params().Add(uuid)),
      ReadWorkspace, "workspace");
}

Result<std::vector<Workspace>> PgTxn::ListWorkspaces() {
  return All<Workspace>(conn_.Query(std::string(kWorkspaceCols) + "ORDER BY id"), ReadWorkspace);
}

Result<core::Principal> PgTxn::FindPrincipal(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      core::Principal p,
      One<core::Principal>(
          conn_.Query("SELECT id, name, is_admin, created_at FROM principals WHERE id = $1",
                      Params().Add(id)),
          [](const Rows& r, int i) {
            return core::Principal{r.Int(i, 0), r.Text(i, 1), r.Int(i, 2) != 0, {}, r.Int(i, 3)};
          },
          "principal"));
  RIVULET_ASSIGN_OR_RETURN(p.workspace_ids,
                           All<int64_t>(conn_.Query("SELECT workspace_id FROM principal_workspaces "
                                                    "WHERE principal_id = $1 ORDER BY workspace_id",
                                                    Params().Add(id)),
                                        [](const Rows& r, int i) { return r.Int(i, 0); }));
  return p;
}

Result<Credential> PgTxn::FindCredentialById(int64_t id) {
  return One<Credential>(
      conn_.Query(std::string(kCredentialCols) + "WHERE id = $1", Params().Add(id)), ReadCredential,
      "credential");
}

Result<Credential> PgTxn::FindCredentialByPublicId(core::CredentialKind kind,
                                                   const std::string& public_id) {
  return One<Credential>(
      conn_.Query(std::string(kCredentialCols) + "WHERE kind = $1 AND public_id = $2",
                  Params().Add(core::CredentialKindName(kind)).Add(public_id)),
      ReadCredential, "credential");
}

Result<Credential> PgTxn::FindCredentialBySecretHash(core::CredentialKind kind,
                                                     const std::string& hash) {
  return One<Credential>(conn_.Query(std::string(kCredentialCols) +
                                         "WHERE kind = $1 AND secret_hash = decode($2, 'hex')",
                                     Params().Add(core::CredentialKindName(kind)).AddHex(hash)),
                         ReadCredential, "credential");
}

Result<std::vector<Credential>> PgTxn::ListCredentials(int64_t workspace_id) {
  return All<Credential>(
      conn_.Query(std::string(kCredentialCols) +
                      "WHERE principal_id IN (SELECT principal_id FROM principal_workspaces "
                      "WHERE workspace_id = $1) ORDER BY id",
                  Params().Add(workspace_id)),
      ReadCredential);
}

Result<core::AccessToken> PgTxn::FindAccessToken(const std::string& token_hash) {
  return One<core::AccessToken>(
      conn_.Query("SELECT encode(token_hash, 'hex'), credential_id, expires_at FROM access_tokens "
                  "WHERE token_hash = decode($1, 'hex')",
                  Params().AddHex(token_hash)),
      [](const Rows& r, int i) {
        return core::AccessToken{r.Hex(i, 0), r.Int(i, 1), r.Int(i, 2)};
      },
      "access token");
}

namespace {

// The contacts column an identifier of this kind is stored in.
const char* ContactColumn(core::ContactRef::Kind kind) {
  switch (kind) {
    case core::ContactRef::Kind::kUuid:
      return "uuid";
    case core::ContactRef::Kind::kEmail:
      return "email";
    case core::ContactRef::Kind::kPhone:
      return "phone";
    case core::ContactRef::Kind::kExternalId:
      return "external_id";
  }
  return "uuid";
}

constexpr core::ContactRef::Kind kIdentifierKinds[] = {
    core::ContactRef::Kind::kUuid, core::ContactRef::Kind::kExternalId,
    core::ContactRef::Kind::kEmail, core::ContactRef::Kind::kPhone};

// The contact's identifier of this kind, if it has one.
std::optional<std::string> IdentifierOf(const Contact& c, core::ContactRef::Kind kind) {
  switch (kind) {
    case core::ContactRef::Kind::kUuid:
      return c.uuid;
    case core::ContactRef::Kind::kEmail:
      return c.email;
    case core::ContactRef::Kind::kPhone:
      return c.phone;
    case core::ContactRef::Kind::kExternalId:
      return c.external_id;
  }
  return std::nullopt;
}

}  // namespace

void GroupCache::ForgetIdentifiersOf(const Contact& c) {
  for (core::ContactRef::Kind kind : kIdentifierKinds) {
    if (auto value = IdentifierOf(c, kind)) contacts.erase({c.workspace_id, kind, *value});
  }
}

Result<Contact> PgTxn::FindContact(int64_t workspace_id, const core::ContactRef& ref) {
  if (cache_) {
    auto it = cache_->contacts.find({workspace_id, ref.kind, ref.value});
    if (it != cache_->contacts.end()) {
      if (!it->second) return core::NotFound("contact not found");
      return *it->second;
    }
  }
  // Planned at each run: see Params::PlanEachRun (contacts_ws against the identifier's index).
  return One<Contact>(conn_.Query(std::string(kContactCols) + "WHERE workspace_id = $1 AND " +
                                      ContactColumn(ref.kind) + " = $2",
                                  Params().Add(workspace_id).Add(ref.value).PlanEachRun()),
                      ReadContact, "contact");
}

Status PgTxn::PrefetchHinted(const std::vector<const WriteHint*>& hints) {
  if (!cache_) return Status::Ok();
  for (core::ContactRef::Kind kind : kIdentifierKinds) {
    std::set<std::pair<int64_t, std::string>> wanted;
    for (const WriteHint* h : hints) {
      for (const core::ContactRef& ref : h->contacts) {
        if (ref.kind == kind) wanted.emplace(h->workspace_id, ref.value);
      }
    }
    if (wanted.empty()) continue;
    std::string ws_list = "{", value_list = "{";
    for (const auto& [ws, value] : wanted) {
      AppendArrayElement(ws_list, std::to_string(ws));
      AppendArrayElement(value_list, value);
      cache_->contacts.insert_or_assign({ws, kind, value}, std::nullopt);  // unless found below
    }
    ws_list += "}";
    value_list += "}";
    const std::string column = ContactColumn(kind);
    // One index probe per value (LATERAL … LIMIT 1): a join would let a cached generic plan
    // scan the whole table when it was planned small. Planned at each run all the same: with
    // a few hundred contacts and no statistics yet, PostgreSQL takes contacts_ws (all of the
    // workspace's contacts) for the identifier's index, and a cached plan would keep that.
    RIVULET_ASSIGN_OR_RETURN(
        Rows rows, conn_.Query("SELECT c.* FROM unnest($1::bigint[], $2::text[]) AS h(ws, v) "
                               "CROSS JOIN LATERAL (" +
                                   std::string(kContactCols) + "WHERE workspace_id = h.ws AND " +
                                   column + " = h.v LIMIT 1) c",
                               Params().Add(ws_list).Add(value_list).PlanEachRun()));
    for (int i = 0; i < rows.size(); ++i) {
      Contact c = ReadContact(rows, i);
      // Found by this identifier, so the contact has it.
      std::string value = IdentifierOf(c, kind).value_or("");
      cache_->contacts.insert_or_assign({c.workspace_id, kind, std::move(value)}, std::move(c));
    }
  }
  return Status::Ok();
}

Result<Contact> PgTxn::FindContactById(int64_t workspace_id, int64_t id) {
  if (auto it = contacts_.find(id);
      it != contacts_.end() && it->second.workspace_id == workspace_id)
    return it->second;
  return One<Contact>(conn_.Query(std::string(kContactCols) + "WHERE workspace_id = $1 AND id = $2",
                                  Params().Add(workspace_id).Add(id)),
                      ReadContact, "contact");
}

Status PgTxn::PrefetchContacts(const std::vector<int64_t>& ids) {
  if (ids.empty()) return Status::Ok();
  std::string list = "{";
  for (size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  list += "}";
  // Locked in id order, so that two processes prefetching overlapping sets cannot deadlock.
  RIVULET_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(std::string(kContactCols) + "WHERE id = ANY($1::bigint[]) ORDER BY id" + Lock(),
                  Params().Add(list)));
  for (int i = 0; i < rows.size(); ++i) {
    Contact c = ReadContact(rows, i);
    contacts_.insert_or_assign(c.id, std::move(c));
  }
  return Status::Ok();
}

Result<std::vector<Contact>> PgTxn::ListContacts(int64_t workspace_id, const ContactFilter& f) {
  // Absent filters bind NULL and match everything, so one prepared statement serves all.
  return All<Contact>(
      conn_.Query(std::string(kContactCols) +
                      "WHERE workspace_id = $1 AND id > $2 AND ($3::text IS NULL OR email = $3) "
                      "AND ($4::text IS NULL OR phone = $4) AND ($5::text IS NULL OR "
                      "external_id = $5) AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM "
                      "jsonb_array_elements_text(CASE jsonb_typeof(tags::jsonb) WHEN 'array' "
                      "THEN tags::jsonb ELSE '[]'::jsonb END) tag WHERE tag = $6)) "
                      "AND ($7::bigint IS NULL OR updated_at > $7) ORDER BY id LIMIT $8",
                  Params()
                      .Add(workspace_id)
                      .Add(f.after_id)
                      .Add(f.email)
                      .Add(f.phone)
                      .Add(f.external_id)
                      .Add(f.tag)
                      .Add(f.updated_after)
                      .Add(int64_t{f.limit})),
      ReadContact);
}

Result<int64_t> PgTxn::CountContacts(int64_t workspace_id) {
  return One<int64_t>(
      conn_.Query("SELECT COUNT(*) FROM contacts WHERE workspace_id = $1",
                  Params().Add(workspace_id)),
      [](const Rows& r, int i) { return r.Int(i, 0); }, "count");
}

Result<Event> PgTxn::FindEventByIdempotencyKey(int64_t workspace_id, const std::string& key) {
  // Rows not buffered cannot match: the lookup goes to the database without a flush.
  if (events_ && events_->HasKey(workspace_id, key)) RIVULET_RETURN_IF_ERROR(FlushEvents());
  return One<Event>(
      conn_.Query(std::string(kEventCols) + "WHERE e.workspace_id = $1 AND e.idempotency_key = $2",
                  Params().Add(workspace_id).Add(key)),
      ReadEvent, "event");
}

Result<std::vector<Event>> PgTxn::ListEvents(int64_t workspace_id, const EventFilter& f) {
  RIVULET_RETURN_IF_ERROR(FlushEvents());
  return All<Event>(
      conn_.Query(std::string(kEventCols) +
                      "WHERE e.workspace_id = $1 AND e.id > $2 AND ($3::bigint IS NULL OR "
                      "e.contact_id = $3) AND ($4::text IS NULL OR e.type = $4) "
                      "ORDER BY e.id LIMIT $5",
                  Params()
                      .Add(workspace_id)
                      .Add(f.after_id)
                      .Add(f.contact_id)
                      .Add(f.type)
                      .Add(int64_t{f.limit})),
      ReadEvent);
}

Status PgTxn::InsertWorkspace(Workspace& ws) {
  RIVULET_ASSIGN_OR_RETURN(
      ws.id, ReturnedId(conn_.Query("INSERT INTO workspaces (uuid, name, active, settings, "
                                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) "
                                    "RETURNING id",
                                    Params()
                                        .Add(ws.uuid)
                                        .Add(ws.name)
                                        .Add(ws.active)
                                        .Add(ws.settings_json)
                                        .Add(ws.created_at)
                                        .Add(ws.updated_at))));
  return Status::Ok();
}

Status PgTxn::UpdateWorkspace(const Workspace& ws) {
  return ExpectChange(
      conn_.Query(
          "UPDATE workspaces SET name = $1, active = $2, settings = $3, "
          "updated_at = $4 WHERE id = $5",
          Params().Add(ws.name).Add(ws.active).Add(ws.settings_json).Add(ws.updated_at).Add(ws.id)),
      "workspace");
}

Status PgTxn::DeleteWorkspace(int64_t id) {
  contacts_.clear();
  if (cache_) cache_->contacts.clear();
  ForgetTriggers();
  RIVULET_RETURN_IF_ERROR(FlushEvents());  // the delete cascades to events
  return ExpectChange(conn_.Query("DELETE FROM workspaces WHERE id = $1", Params().Add(id)),
                      "workspace");
}

Status PgTxn::InsertPrincipal(core::Principal& p) {
  RIVULET_ASSIGN_OR_RETURN(
      p.id, ReturnedId(conn_.Query("INSERT INTO principals (name, is_admin, created_at) "
                                   "VALUES ($1, $2, $3) RETURNING id",
                                   Params().Add(p.name).Add(p.is_admin).Add(p.created_at))));
  for (int64_t ws : p.workspace_ids) RIVULET_RETURN_IF_ERROR(GrantWorkspace(p.id, ws));
  return Status::Ok();
}

Status PgTxn::GrantWorkspace(int64_t principal_id, int64_t workspace_id) {
  return conn_
      .Query(
          "INSERT INTO principal_workspaces (principal_id, workspace_id) VALUES ($1, $2) "
          "ON CONFLICT DO NOTHING",
          Params().Add(principal_id).Add(workspace_id))
      .status();
}

Status PgTxn::InsertCredential(Credential& c) {
  RIVULET_ASSIGN_OR_RETURN(
      c.id, ReturnedId(conn_.Query(
                "INSERT INTO credentials (principal_id, kind, public_id, secret_hash, label, "
                "created_at) VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6) RETURNING id",
                Params()
                    .Add(c.principal_id)
                    .Add(core::CredentialKindName(c.kind))
                    .Add(c.public_id)
                    .AddHex(c.secret_hash)
                    .Add(c.label)
                    .Add(c.created_at))));
  return Status::Ok();
}

Status PgTxn::RevokeCredential(int64_t id, core::Millis at) {
  RIVULET_RETURN_IF_ERROR(ExpectChange(
      conn_.Query("UPDATE credentials SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2",
                  Params().Add(at).Add(id)),
      "credential"));
  return conn_.Query("DELETE FROM access_tokens WHERE credential_id = $1", Params().Add(id))
      .status();
}

Status PgTxn::InsertAccessToken(const core::AccessToken& t) {
  return conn_
      .Query(
          "INSERT INTO access_tokens (token_hash, credential_id, expires_at) "
          "VALUES (decode($1, 'hex'), $2, $3)",
          Params().AddHex(t.token_hash).Add(t.credential_id).Add(t.expires_at))
      .status();
}

Status PgTxn::DeleteExpiredAccessTokens(core::Millis now) {
  return conn_.Query("DELETE FROM access_tokens WHERE expires_at <= $1", Params().Add(now))
      .status();
}

Status PgTxn::InsertContact(Contact& c) {
  // Taken now, or (on a conflict) by a contact another writer inserted since the prefetch.
  if (cache_) cache_->ForgetIdentifiersOf(c);
  // ON CONFLICT DO NOTHING: a contact that exists already (perhaps inserted a moment ago by
  // another writer, whose commit this waits for) is AlreadyExists without aborting the
  // transaction, so that the caller can look it up and go on.
  RIVULET_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("INSERT INTO contacts (workspace_id, uuid, email, phone, external_id, "
                             "attributes, tags, timezone, subscriptions, created_at, updated_at) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                             "ON CONFLICT DO NOTHING RETURNING id",
                             Params()
                                 .Add(c.workspace_id)
                                 .Add(c.uuid)
                                 .Add(c.email)
                                 .Add(c.phone)
                                 .Add(c.external_id)
                                 .Add(c.attributes_json)
                                 .Add(c.tags_json)
                                 .Add(c.timezone)
                                 .Add(c.subscriptions_json)
                                 .Add(c.created_at)
                                 .Add(c.updated_at)));
  if (rows.size() == 0) return core::AlreadyExists("contact exists already");
  c.id = rows.Int(0, 0);
  return Status::Ok();
}

Status PgTxn::UpdateContact(const Contact& c) {
  if (auto it = contacts_.find(c.id); it != contacts_.end()) it->second = c;
  if (cache_) {
    cache_->ForgetContact(c.id);
    cache_->ForgetIdentifiersOf(c);  // identifiers it may have taken
  }
  return ExpectChange(conn_.Query("UPDATE contacts SET email = $1, phone = $2, external_id = $3, "
                                  "attributes = $4, tags = $5, timezone = $6, subscriptions = $7, "
                                  "updated_at = $8 WHERE workspace_id = $9 AND id = $10",
                                  Params()
                                      .Add(c.email)
                                      .Add(c.phone)
                                      .Add(c.external_id)
                                      .Add(c.attributes_json)
                                      .Add(c.tags_json)
                                      .Add(c.timezone)
                                      .Add(c.subscriptions_json)
                                      .Add(c.updated_at)
                                      .Add(c.workspace_id)
                                      .Add(c.id)),
                      "contact");
}

Status PgTxn::UpdateContactData(const Contact& c) {
  if (auto it = contacts_.find(c.id); it != contacts_.end()) {
    it->second.attributes_json = c.attributes_json;
    it->second.tags_json = c.tags_json;
    it->second.updated_at = c.updated_at;
  }
  if (cache_) cache_->ForgetContact(c.id);
  // Deferred and coalesced with the other contacts' data of the job (Connection::DeferRow).
  static const BulkForm kUpdateContactData{
      "UPDATE contacts AS c SET attributes = v.attributes, tags = v.tags, "
      "updated_at = v.updated_at FROM unnest($1::text[], $2::text[], $3::bigint[], "
      "$4::bigint[], $5::bigint[]) AS v(attributes, tags, updated_at, workspace_id, id) "
      "WHERE c.workspace_id = v.workspace_id AND c.id = v.id",
      /*key_param=*/4};
  conn_.DeferRow(kUpdateContactData,
                 Params()
                     .Add(c.attributes_json)
                     .Add(c.tags_json)
                     .Add(c.updated_at)
                     .Add(c.workspace_id)
                     .Add(c.id),
                 "contact");
  return Status::Ok();
}

Status PgTxn::DeleteContact(int64_t workspace_id, int64_t contact_id) {
  contacts_.erase(contact_id);
  if (cache_) cache_->ForgetContact(contact_id);
  // Everything that holds the contact's personal data goes with it; counters stay.
  RIVULET_RETURN_IF_ERROR(FlushEvents());
  for (const char* sql : {"DELETE FROM events WHERE contact_id = $1 AND workspace_id = $2",
                          "DELETE FROM outbox WHERE contact_id = $1 AND workspace_id = $2",
                          "DELETE FROM tokens WHERE contact_id = $1 AND workspace_id = $2"}) {
    RIVULET_RETURN_IF_ERROR(conn_.Query(sql, Params().Add(contact_id).Add(workspace_id)).status());
  }
  return ExpectChange(conn_.Query("DELETE FROM contacts WHERE workspace_id = $1 AND id = $2",
                                  Params().Add(workspace_id).Add(contact_id)),
                      "contact");
}

Status PgTxn::InsertEvent(Event& e) {
  if (events_) {
    // A key buffered already: written now, so that the duplicate fails here, as unbuffered.
    if (!e.idempotency_key || !events_->HasKey(e.workspace_id, *e.idempotency_key)) {
      return events_->Add(conn_, e);
    }
    RIVULET_RETURN_IF_ERROR(FlushEvents());
  }
  RIVULET_ASSIGN_OR_RETURN(
      e.id, ReturnedId(conn_.Query(
                "INSERT INTO events (workspace_id, uuid, contact_id, type, data, occurred_at, "
                "received_at, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                "RETURNING id",
                Params()
                    .Add(e.workspace_id)
                    .Add(e.uuid)
                    .Add(e.contact_id)
                    .Add(e.type)
                    .Add(e.data_json)
                    .Add(e.occurred_at)
                    .Add(e.received_at)
                    .Add(e.idempotency_key))));
  return Status::Ok();
}

}  // namespace rivulet::store::postgres
