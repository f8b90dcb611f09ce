#include "store/sqlite/sqlite_txn.h"

#include <algorithm>
#include <array>
#include <string>

#include "store/sqlite/row_helpers.h"

namespace rivulet::store::sqlite {

using core::Contact;
using core::Credential;
using core::Event;
using core::Workspace;

namespace {

constexpr const char* kWorkspaceCols =
    "SELECT id, uuid, name, active, settings, created_at, updated_at FROM workspaces ";
constexpr const char* kCredentialCols =
    "SELECT id, principal_id, kind, public_id, secret_hash, label, created_at, revoked_at "
    "FROM credentials ";
constexpr const char* kContactCols =
    "SELECT id, workspace_id, uuid, email, phone, external_id, attributes, tags, timezone, "
    "subscriptions, created_at, updated_at FROM contacts ";
// What ReadEvent reads, of events `e` joined with contacts `c`.
constexpr std::string_view kEventColumns =
    "SELECT e.id, e.workspace_id, e.uuid, e.contact_id, c.uuid, e.type, e.data, e.occurred_at, "
    "e.received_at, e.idempotency_key ";
const std::string kEventCols =
    std::string(kEventColumns) + "FROM events e JOIN contacts c ON c.id = e.contact_id ";

// The indexed_through of the contact_events slot of the contact id bound as `param`.
std::string SlotMarkOf(const char* param) {
  return std::string("(SELECT indexed_through FROM contact_events_state WHERE slot = ") + param +
         " % " + std::to_string(ContactEventBacklog::kSlots) + ")";
}

Workspace ReadWorkspace(const Statement& s) {
  Workspace w;
  w.id = s.Int(0);
  w.uuid = s.Text(1);
  w.name = s.Text(2);
  w.active = s.Int(3) != 0;
  w.settings_json = s.Text(4);
  w.created_at = s.Int(5);
  w.updated_at = s.Int(6);
  return w;
}

Credential ReadCredential(const Statement& s) {
  Credential c;
  c.id = s.Int(0);
  c.principal_id = s.Int(1);
  c.kind = core::ParseCredentialKind(s.Text(2)).value_or(core::CredentialKind::kApiKey);
  c.public_id = s.Text(3);
  c.secret_hash = s.Text(4);
  c.label = s.Text(5);
  c.created_at = s.Int(6);
  c.revoked_at = s.OptInt(7);
  return c;
}

Contact ReadContact(const Statement& s) {
  Contact c;
  c.id = s.Int(0);
  c.workspace_id = s.Int(1);
  c.uuid = s.Text(2);
  c.email = s.OptText(3);
  c.phone = s.OptText(4);
  c.external_id = s.OptText(5);
  c.attributes_json = s.Text(6);
  c.tags_json = s.Text(7);
  c.timezone = s.Text(8);
  c.subscriptions_json = s.Text(9);
  c.created_at = s.Int(10);
  c.updated_at = s.Int(11);
  return c;
}

Event ReadEvent(const Statement& s) {
  Event e;
  e.id = s.Int(0);
  e.workspace_id = s.Int(1);
  e.uuid = s.Text(2);
  e.contact_id = s.Int(3);
  e.contact_uuid = s.Text(4);
  e.type = s.Text(5);
  e.data_json = s.Text(6);
  e.occurred_at = s.Int(7);
  e.received_at = s.Int(8);
  e.idempotency_key = s.OptText(9);
  return e;
}

}  // namespace

Result<Workspace> SqliteTxn::FindWorkspaceById(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kWorkspaceCols) + "WHERE id = ?"));
  return One<Workspace>(&st->Bind(1, id), ReadWorkspace, "workspace");
}

Result<Workspace> SqliteTxn::FindWorkspaceByUuid(const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare(std::string(kWorkspaceCols) + "WHERE uuid = ?"));
  return One<Workspace>(&st->Bind(1, uuid), ReadWorkspace, "workspace");
}

Result<std::vector<Workspace>> SqliteTxn::ListWorkspaces() {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kWorkspaceCols) + "ORDER BY id"));
  return All<Workspace>(st, ReadWorkspace);
}

Result<core::Principal> SqliteTxn::FindPrincipal(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT id, name, is_admin, created_at FROM principals WHERE id = ?"));
  RIVULET_ASSIGN_OR_RETURN(
      core::Principal p, One<core::Principal>(&st->Bind(1, id), [](const Statement& s) {
        return core::Principal{s.Int(0), s.Text(1), s.Int(2) != 0, {}, s.Int(3)};
      }, "principal"));
  RIVULET_ASSIGN_OR_RETURN(
      auto* ws, conn_.Prepare("SELECT workspace_id FROM principal_workspaces "
                              "WHERE principal_id = ? ORDER BY workspace_id"));
  RIVULET_ASSIGN_OR_RETURN(p.workspace_ids, All<int64_t>(&ws->Bind(1, id), [](const Statement& s) {
                             return s.Int(0);
                           }));
  return p;
}

Result<Credential> SqliteTxn::FindCredentialById(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kCredentialCols) + "WHERE id = ?"));
  return One<Credential>(&st->Bind(1, id), ReadCredential, "credential");
}

Result<Credential> SqliteTxn::FindCredentialByPublicId(core::CredentialKind kind,
                                                       const std::string& public_id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kCredentialCols) + "WHERE kind = ? AND public_id = ?"));
  st->Bind(1, std::string_view(core::CredentialKindName(kind))).Bind(2, public_id);
  return One<Credential>(st, ReadCredential, "credential");
}

Result<Credential> SqliteTxn::FindCredentialBySecretHash(core::CredentialKind kind,
                                                         const std::string& hash) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kCredentialCols) + "WHERE kind = ? AND secret_hash = ?"));
  st->Bind(1, std::string_view(core::CredentialKindName(kind))).BindBlob(2, hash);
  return One<Credential>(st, ReadCredential, "credential");
}

Result<std::vector<Credential>> SqliteTxn::ListCredentials(int64_t workspace_id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kCredentialCols) +
                              "WHERE principal_id IN (SELECT principal_id FROM principal_workspaces "
                              "WHERE workspace_id = ?) ORDER BY id"));
  return All<Credential>(&st->Bind(1, workspace_id), ReadCredential);
}

Result<core::AccessToken> SqliteTxn::FindAccessToken(const std::string& token_hash) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT token_hash, credential_id, expires_at FROM access_tokens "
                              "WHERE token_hash = ?"));
  return One<core::AccessToken>(&st->BindBlob(1, token_hash), [](const Statement& s) {
    return core::AccessToken{s.Text(0), s.Int(1), s.Int(2)};
  }, "access token");
}

Result<Contact> SqliteTxn::FindContact(int64_t workspace_id, const core::ContactRef& ref) {
  if (contacts_) {
    if (const Contact* known = contacts_->Find(workspace_id, ref)) return *known;
  }
  const char* where = "uuid = ?";
  switch (ref.kind) {
    case core::ContactRef::Kind::kUuid: where = "uuid = ?"; break;
    case core::ContactRef::Kind::kEmail: where = "email = ?"; break;
    case core::ContactRef::Kind::kPhone: where = "phone = ?"; break;
    case core::ContactRef::Kind::kExternalId: where = "external_id = ?"; break;
  }
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kContactCols) +
                                                   "WHERE workspace_id = ? AND " + where));
  st->Bind(1, workspace_id).Bind(2, ref.value);
  auto found = One<Contact>(st, ReadContact, "contact");
  if (contacts_ && found.ok()) contacts_->Put(workspace_id, ref, *found);
  return found;
}

Result<Contact> SqliteTxn::FindContactById(int64_t workspace_id, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kContactCols) + "WHERE workspace_id = ? AND id = ?"));
  return One<Contact>(&st->Bind(1, workspace_id).Bind(2, id), ReadContact, "contact");
}

Result<std::vector<Contact>> SqliteTxn::ListContacts(int64_t workspace_id,
                                                     const ContactFilter& f) {
  // Absent filters bind NULL and match everything, so one cached statement serves all.
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare(std::string(kContactCols) +
                    "WHERE workspace_id = ?1 AND id > ?2 AND (?3 IS NULL OR email = ?3) "
                    "AND (?4 IS NULL OR phone = ?4) AND (?5 IS NULL OR external_id = ?5) "
                    "AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(contacts.tags) "
                    "WHERE json_each.value = ?6)) AND (?7 IS NULL OR updated_at > ?7) "
                    "ORDER BY id LIMIT ?8"));
  st->Bind(1, workspace_id).Bind(2, f.after_id).Bind(3, f.email).Bind(4, f.phone);
  st->Bind(5, f.external_id).Bind(6, f.tag);
  if (f.updated_after) st->Bind(7, *f.updated_after);
  st->Bind(8, static_cast<int64_t>(f.limit));
  return All<Contact>(st, ReadContact);
}

Result<int64_t> SqliteTxn::CountContacts(int64_t workspace_id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare("SELECT COUNT(*) FROM contacts WHERE workspace_id = ?"));
  return One<int64_t>(&st->Bind(1, workspace_id), [](const Statement& s) { return s.Int(0); },
                      "count");
}

Result<Event> SqliteTxn::FindEventByIdempotencyKey(int64_t workspace_id, const std::string& key) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(kEventCols + "WHERE e.workspace_id = ? AND e.idempotency_key = ?"));
  return One<Event>(&st->Bind(1, workspace_id).Bind(2, key), ReadEvent, "event");
}

Result<std::vector<Event>> SqliteTxn::ListEvents(int64_t workspace_id, const EventFilter& f) {
  if (f.contact_id) return ListContactEvents(workspace_id, *f.contact_id, f);
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare(kEventCols + "WHERE e.workspace_id = ?1 AND e.id > ?2 "
                                 "AND (?3 IS NULL OR e.type = ?3) ORDER BY e.id LIMIT ?4"));
  st->Bind(1, workspace_id).Bind(2, f.after_id).Bind(3, f.type);
  st->Bind(4, static_cast<int64_t>(f.limit));
  return All<Event>(st, ReadEvent);
}

// A contact's events are in contact_events up to indexed_through and found by a scan of the
// newer ones after it (decision 0026), which reads events_ws_contact's entries and only the
// contact's rows (decision 0030). Both arms come out in id order (the first one's event_id
// is e.id), so SQLite merges them and stops at the limit. CROSS JOIN, the unary plus and
// INDEXED BY keep the planner on those orders and indexes.
Result<std::vector<Event>> SqliteTxn::ListContactEvents(int64_t workspace_id, int64_t contact_id,
                                                        const EventFilter& f) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare(
          "SELECT x.event_id, e.workspace_id, e.uuid, e.contact_id, c.uuid, e.type, e.data, "
          "e.occurred_at, e.received_at, e.idempotency_key FROM contact_events x "
          "CROSS JOIN events e ON e.id = x.event_id CROSS JOIN contacts c ON c.id = e.contact_id "
          "WHERE x.contact_id = ?3 AND x.event_id > ?2 AND +e.workspace_id = ?1 "
          "AND (?4 IS NULL OR e.type = ?4) "
          "UNION ALL " +
          std::string(kEventColumns) +
          "FROM events e INDEXED BY events_ws_contact CROSS JOIN contacts c ON c.id = e.contact_id "
          "WHERE e.workspace_id = ?1 AND e.id > MAX(?2, " +
          SlotMarkOf("?3") +
          ") AND e.contact_id = ?3 AND (?4 IS NULL OR e.type = ?4) "
          "ORDER BY 1 LIMIT ?5"));
  st->Bind(1, workspace_id).Bind(2, f.after_id).Bind(3, contact_id).Bind(4, f.type);
  st->Bind(5, static_cast<int64_t>(f.limit));
  return All<Event>(st, ReadEvent);
}

Status SqliteTxn::InsertWorkspace(Workspace& ws) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO workspaces (uuid, name, active, settings, created_at, "
                              "updated_at) VALUES (?, ?, ?, ?, ?, ?)"));
  st->Bind(1, ws.uuid).Bind(2, ws.name).Bind(3, int64_t{ws.active}).Bind(4, ws.settings_json);
  st->Bind(5, ws.created_at).Bind(6, ws.updated_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  ws.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::UpdateWorkspace(const Workspace& ws) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE workspaces SET name = ?, active = ?, settings = ?, "
                              "updated_at = ? WHERE id = ?"));
  st->Bind(1, ws.name).Bind(2, int64_t{ws.active}).Bind(3, ws.settings_json);
  st->Bind(4, ws.updated_at).Bind(5, ws.id);
  return ExpectChange(conn_, st, "workspace");
}

Status SqliteTxn::DeleteWorkspace(int64_t id) {
  if (backlog_) backlog_->Invalidate();  // its events go too
  ForgetContacts();
  ForgetTriggers();  // and its automations
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare("DELETE FROM workspaces WHERE id = ?"));
  return ExpectChange(conn_, &st->Bind(1, id), "workspace");
}

Status SqliteTxn::InsertPrincipal(core::Principal& p) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("INSERT INTO principals (name, is_admin, created_at) VALUES (?, ?, ?)"));
  st->Bind(1, p.name).Bind(2, int64_t{p.is_admin}).Bind(3, p.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  p.id = conn_.LastInsertId();
  for (int64_t ws : p.workspace_ids) RIVULET_RETURN_IF_ERROR(GrantWorkspace(p.id, ws));
  return Status::Ok();
}

Status SqliteTxn::GrantWorkspace(int64_t principal_id, int64_t workspace_id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT OR IGNORE INTO principal_workspaces (principal_id, "
                              "workspace_id) VALUES (?, ?)"));
  return st->Bind(1, principal_id).Bind(2, workspace_id).Exec();
}

Status SqliteTxn::InsertCredential(Credential& c) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO credentials (principal_id, kind, public_id, "
                              "secret_hash, label, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
  st->Bind(1, c.principal_id).Bind(2, std::string_view(core::CredentialKindName(c.kind)));
  st->Bind(3, c.public_id).BindBlob(4, c.secret_hash).Bind(5, c.label).Bind(6, c.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  c.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::RevokeCredential(int64_t id, core::Millis at) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE credentials SET revoked_at = COALESCE(revoked_at, ?) "
                              "WHERE id = ?"));
  RIVULET_RETURN_IF_ERROR(ExpectChange(conn_, &st->Bind(1, at).Bind(2, id), "credential"));
  RIVULET_ASSIGN_OR_RETURN(auto* del,
                           conn_.Prepare("DELETE FROM access_tokens WHERE credential_id = ?"));
  return del->Bind(1, id).Exec();
}

Status SqliteTxn::InsertAccessToken(const core::AccessToken& t) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO access_tokens (token_hash, credential_id, expires_at) "
                              "VALUES (?, ?, ?)"));
  return st->BindBlob(1, t.token_hash).Bind(2, t.credential_id).Bind(3, t.expires_at).Exec();
}

Status SqliteTxn::DeleteExpiredAccessTokens(core::Millis now) {
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare("DELETE FROM access_tokens WHERE expires_at <= ?"));
  return st->Bind(1, now).Exec();
}

Status SqliteTxn::InsertContact(Contact& c) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("INSERT INTO contacts (workspace_id, uuid, email, phone, external_id, "
                    "attributes, tags, timezone, subscriptions, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, c.workspace_id).Bind(2, c.uuid).Bind(3, c.email).Bind(4, c.phone);
  st->Bind(5, c.external_id).Bind(6, c.attributes_json).Bind(7, c.tags_json);
  st->Bind(8, c.timezone).Bind(9, c.subscriptions_json).Bind(10, c.created_at);
  st->Bind(11, c.updated_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  c.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::UpdateContact(const Contact& c) {
  ForgetContacts();
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE contacts SET email = ?, phone = ?, external_id = ?, "
                              "attributes = ?, tags = ?, timezone = ?, subscriptions = ?, "
                              "updated_at = ? WHERE workspace_id = ? AND id = ?"));
  st->Bind(1, c.email).Bind(2, c.phone).Bind(3, c.external_id).Bind(4, c.attributes_json);
  st->Bind(5, c.tags_json).Bind(6, c.timezone).Bind(7, c.subscriptions_json);
  st->Bind(8, c.updated_at).Bind(9, c.workspace_id).Bind(10, c.id);
  return ExpectChange(conn_, st, "contact");
}

Status SqliteTxn::UpdateContactData(const Contact& c) {
  ForgetContacts();
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE contacts SET attributes = ?, tags = ?, updated_at = ? "
                              "WHERE workspace_id = ? AND id = ?"));
  st->Bind(1, c.attributes_json).Bind(2, c.tags_json).Bind(3, c.updated_at);
  st->Bind(4, c.workspace_id).Bind(5, c.id);
  return ExpectChange(conn_, st, "contact");
}

Status SqliteTxn::DeleteContact(int64_t workspace_id, int64_t contact_id) {
  if (backlog_) backlog_->Invalidate();  // its events go
  ForgetContacts();
  // Everything that holds the contact's personal data goes with it; counters stay. Its
  // events are those in contact_events and the newer ones not indexed yet; its
  // contact_events rows go with the contact (ON DELETE CASCADE).
  static const std::string kDeletes[] = {
      "DELETE FROM events WHERE id IN (SELECT event_id FROM contact_events WHERE contact_id = ?1) "
      "AND +workspace_id = ?2",
      "DELETE FROM events INDEXED BY events_ws_contact WHERE workspace_id = ?2 AND id > " +
          SlotMarkOf("?1") + " AND contact_id = ?1",
      "DELETE FROM outbox WHERE contact_id = ?1 AND workspace_id = ?2",
      "DELETE FROM tokens WHERE contact_id = ?1 AND workspace_id = ?2"};
  for (const std::string& sql : kDeletes) {
    RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(sql));
    RIVULET_RETURN_IF_ERROR(st->Bind(1, contact_id).Bind(2, workspace_id).Exec());
  }
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("DELETE FROM contacts WHERE workspace_id = ? AND id = ?"));
  return ExpectChange(conn_, &st->Bind(1, workspace_id).Bind(2, contact_id), "contact");
}

Status SqliteTxn::LoadContactEventBacklog() {
  std::array<int64_t, ContactEventBacklog::kSlots> through{};
  std::array<bool, ContactEventBacklog::kSlots> seen{};
  RIVULET_ASSIGN_OR_RETURN(auto* slots,
                           conn_.Prepare("SELECT slot, indexed_through FROM contact_events_state"));
  while (true) {
    RIVULET_ASSIGN_OR_RETURN(bool row, slots->Step());
    if (!row) break;
    int64_t slot = slots->Int(0);
    if (slot < 0 || slot >= ContactEventBacklog::kSlots) continue;
    through[slot] = slots->Int(1);
    seen[slot] = true;
  }
  slots->Reset();
  if (std::find(seen.begin(), seen.end(), false) != seen.end()) {
    return core::Internal("contact_events_state lacks a slot");
  }
  backlog_->Load(through);
  RIVULET_ASSIGN_OR_RETURN(
      auto* pending, conn_.Prepare("SELECT contact_id, id FROM events WHERE id > ? ORDER BY id"));
  pending->Bind(1, *std::min_element(through.begin(), through.end()));
  while (true) {
    RIVULET_ASSIGN_OR_RETURN(bool row, pending->Step());
    if (!row) break;
    backlog_->Add(pending->Int(0), pending->Int(1));
  }
  pending->Reset();
  return Status::Ok();
}

Result<int64_t> SqliteTxn::IndexContactEvents(int64_t lag) {
  if (!backlog_) return core::FailedPrecondition("only the writer indexes events by contact");
  if (!backlog_->loaded()) {
    Status loaded = LoadContactEventBacklog();
    if (!loaded.ok()) {
      backlog_->Invalidate();
      return loaded;
    }
  }
  // A slot's turn comes every lag/kSlots events; with lag 0 every slot's turn is due at once.
  const int64_t every = lag / ContactEventBacklog::kSlots;
  if (backlog_->Due(every) < 0) return int64_t{0};
  // In a savepoint, so that a failure leaves the rest of the transaction as it was.
  RIVULET_RETURN_IF_ERROR(conn_.Exec("SAVEPOINT contact_events"));
  int64_t added = 0;
  auto index = [&]() -> Status {
    RIVULET_ASSIGN_OR_RETURN(
        auto* add,
        conn_.Prepare("INSERT INTO contact_events (contact_id, event_id) VALUES (?, ?)"));
    RIVULET_ASSIGN_OR_RETURN(
        auto* mark,
        conn_.Prepare("UPDATE contact_events_state SET indexed_through = ? WHERE slot = ?"));
    for (int turn = 0; turn < ContactEventBacklog::kSlots; ++turn) {
      int slot = backlog_->Due(every);
      if (slot < 0) break;
      int64_t through = 0;
      for (const auto& [contact_id, event_id] : backlog_->TakeSorted(slot, &through)) {
        RIVULET_RETURN_IF_ERROR(add->Bind(1, contact_id).Bind(2, event_id).Exec());
        ++added;
      }
      RIVULET_RETURN_IF_ERROR(mark->Bind(1, through).Bind(2, int64_t{slot}).Exec());
    }
    return Status::Ok();
  };
  Status indexed = index();
  if (!indexed.ok()) {
    conn_.Exec("ROLLBACK TO contact_events");
    backlog_->Invalidate();
  }
  Status released = conn_.Exec("RELEASE contact_events");
  if (!indexed.ok()) return indexed;
  if (!released.ok()) {
    backlog_->Invalidate();
    return released;
  }
  return added;
}

Status SqliteTxn::InsertEvent(Event& e) {
  // events.contact_id has no foreign key since migration 9; this checks it instead, unless
  // the writer's memo holds the contact (the event's job has just found it there, as a
  // known contact's events do). Not as INSERT … SELECT … WHERE EXISTS: SQLite gives an
  // INSERT … SELECT a statement journal, which copies every page the insert touches.
  if (!contacts_ || !contacts_->Holds(e.contact_id)) {
    RIVULET_ASSIGN_OR_RETURN(auto* exists,
                             conn_.Prepare("SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?)"));
    RIVULET_ASSIGN_OR_RETURN(bool contact_exists, Exists(&exists->Bind(1, e.contact_id)));
    if (!contact_exists) return core::FailedPrecondition("the event's contact does not exist");
  }
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO events (workspace_id, uuid, contact_id, type, data, "
                              "occurred_at, received_at, idempotency_key) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  // uuid, type and data are bound without copies: e outlives the statement's execution.
  st->Bind(1, e.workspace_id).BindView(2, e.uuid).Bind(3, e.contact_id).BindView(4, e.type);
  st->BindView(5, e.data_json).Bind(6, e.occurred_at).Bind(7, e.received_at);
  st->Bind(8, e.idempotency_key);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  e.id = conn_.LastInsertId();
  if (backlog_) backlog_->Add(e.contact_id, e.id);
  return Status::Ok();
}

}  // namespace rivulet::store::sqlite
