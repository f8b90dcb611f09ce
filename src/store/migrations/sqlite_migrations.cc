#include "store/migrations/migrations.h"

namespace rivulet::store {

// Times are Unix milliseconds (INTEGER); JSON columns are TEXT.
const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "foundation", R"sql(
CREATE TABLE workspaces (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE principals (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE principal_workspaces (
  principal_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  PRIMARY KEY (principal_id, workspace_id)
);
CREATE INDEX principal_workspaces_ws ON principal_workspaces(workspace_id);
CREATE TABLE credentials (
  id INTEGER PRIMARY KEY,
  principal_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  public_id TEXT NOT NULL,
  secret_hash BLOB NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX credentials_public ON credentials(kind, public_id);
CREATE UNIQUE INDEX credentials_secret ON credentials(kind, secret_hash);
CREATE TABLE access_tokens (
  token_hash BLOB PRIMARY KEY,
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  email TEXT,
  phone TEXT,
  external_id TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]',
  timezone TEXT NOT NULL DEFAULT '',
  subscriptions TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts(workspace_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_phone ON contacts(workspace_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_external ON contacts(workspace_id, external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX contacts_ws ON contacts(workspace_id, id);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  idempotency_key TEXT
);
CREATE UNIQUE INDEX events_idempotency ON events(workspace_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_contact ON events(contact_id, id);
CREATE INDEX events_ws ON events(workspace_id, id);
)sql"},
  };
  return kMigrations;
}

}  // namespace rivulet::store
