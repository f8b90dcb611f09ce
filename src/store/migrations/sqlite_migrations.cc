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
      {2, "automations", R"sql(
CREATE TABLE automations (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT 'Custom',
  author TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  start_date INTEGER,
  end_date INTEGER,
  unique_token INTEGER NOT NULL DEFAULT 0,
  allow_reentry INTEGER NOT NULL DEFAULT 1,
  exit_condition TEXT NOT NULL DEFAULT '',
  unsubscribe_group TEXT NOT NULL DEFAULT '',
  remove_action_primary INTEGER NOT NULL DEFAULT 0,
  source_description TEXT NOT NULL DEFAULT '',
  graph TEXT NOT NULL,
  face_data TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX automations_ws ON automations(workspace_id, id);
CREATE TABLE automation_triggers (
  workspace_id INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  automation_id INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
  PRIMARY KEY (workspace_id, event_type, automation_id)
) WITHOUT ROWID;
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  automation_id INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  step_uuid TEXT NOT NULL,
  phase TEXT NOT NULL,
  wake_at INTEGER,
  waiting_event TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  run_data TEXT NOT NULL DEFAULT '{}',
  event TEXT NOT NULL DEFAULT '{}',
  step_data TEXT NOT NULL DEFAULT '{}',
  source_uuid TEXT NOT NULL DEFAULT '',
  entered_at INTEGER NOT NULL,
  step_entered_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  error_message TEXT NOT NULL DEFAULT '',
  error_at INTEGER
);
CREATE INDEX tokens_due ON tokens(wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX tokens_waiting ON tokens(contact_id, waiting_event) WHERE waiting_event != '';
CREATE INDEX tokens_automation_contact ON tokens(automation_id, contact_id, status);
CREATE INDEX tokens_ws ON tokens(workspace_id, id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  automation_id INTEGER NOT NULL,
  token_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  step_uuid TEXT NOT NULL,
  channel TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  opened_at INTEGER,
  clicked_at INTEGER,
  bounced_at INTEGER,
  unsubscribed_at INTEGER,
  open_count INTEGER NOT NULL DEFAULT 0,
  click_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_token ON outbox(token_id, step_uuid);
CREATE TABLE counters (
  automation_id INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
  step_uuid TEXT NOT NULL,
  name TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (automation_id, step_uuid, name)
) WITHOUT ROWID;
CREATE TABLE senders (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  from_name TEXT NOT NULL DEFAULT '',
  from_address TEXT NOT NULL,
  reply_to TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE templates (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  html TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE workspace_settings (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX workspace_settings_ws ON workspace_settings(workspace_id, type);
CREATE TABLE instance_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
      {3, "contactflow batch sources", R"sql(
CREATE TABLE batch_sources (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  automation_id INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  notification TEXT NOT NULL DEFAULT '',
  packets INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at INTEGER,
  UNIQUE (automation_id, uuid)
);
CREATE INDEX tokens_source ON tokens(automation_id, source_uuid) WHERE source_uuid != '';
)sql"},
      {4, "audiences", R"sql(
CREATE TABLE audiences (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  condition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX audiences_ws ON audiences(workspace_id, kind, id);
CREATE TABLE unsubscribe_groups (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX unsubscribe_groups_ws ON unsubscribe_groups(workspace_id, id);
CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
      {5, "waiting event types", R"sql(
-- Whether any token waits for an event type, in one index probe (PostgreSQL's group
-- commits ask it once per type instead of once per event).
CREATE INDEX tokens_waiting_type ON tokens(waiting_event) WHERE waiting_event != '';
)sql"},
      {6, "events reach their workspace through their contact", R"sql(
-- PostgreSQL drops the events -> workspaces foreign key (see its migration 6). SQLite keeps
-- it: dropping a constraint would rebuild the events table, and its check here is one
-- primary-key probe with no row lock.
SELECT 1;
)sql"},
      {7, "staged batch packets", R"sql(
-- A Contactflow batch packet is stored as one row when it is accepted and expanded into held
-- tokens in the background (decision 0022).
CREATE TABLE batch_packets (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  automation_id INTEGER NOT NULL,
  source_id INTEGER NOT NULL REFERENCES batch_sources(id) ON DELETE CASCADE,
  source_uuid TEXT NOT NULL,
  is_last INTEGER NOT NULL,
  customers INTEGER NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX batch_packets_source ON batch_packets(source_id, id);
ALTER TABLE batch_sources ADD COLUMN received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batch_sources ADD COLUMN packet_expanded INTEGER NOT NULL DEFAULT 0;
UPDATE batch_sources SET received = accepted + rejected;
)sql"},
      {8, "events keyed by workspace", R"sql(
-- PostgreSQL drops the events.uuid unique index and keys events by (workspace_id, id)
-- (see its migration 8). SQLite keeps its indexes: the rowid is its primary key, the uuid
-- index grows at its end (the uuids are time-ordered), and either change would rebuild
-- the events table.
SELECT 1;
)sql"},
      {9, "events indexed by contact in bulk", R"sql(
-- The events_contact index put every new event in a random leaf: one page written to the WAL
-- per event. contact_events replaces it and is filled in bulk by the writer (decision 0026):
-- the contacts are split into 16 slots (contact_id % 16), and every so many new events the
-- writer adds the events of the slot that waited longest, sorted by contact, so that each
-- leaf is written once for several events. A slot's events after its indexed_through are
-- found by scanning them. Rebuilding events drops its foreign key to contacts, whose cascade
-- would scan the whole table for each deleted contact without an index on contact_id;
-- DeleteContact removes a contact's events itself. The uuid's UNIQUE index goes as on
-- PostgreSQL (its migration 8): nothing looks an event up by it.
CREATE TABLE events_v9 (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  idempotency_key TEXT
);
INSERT INTO events_v9 (id, workspace_id, uuid, contact_id, type, data, occurred_at, received_at,
                       idempotency_key)
  SELECT id, workspace_id, uuid, contact_id, type, data, occurred_at, received_at,
         idempotency_key FROM events;
DROP TABLE events;
ALTER TABLE events_v9 RENAME TO events;
CREATE UNIQUE INDEX events_idempotency ON events(workspace_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_ws ON events(workspace_id, id);
CREATE TABLE contact_events (
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL,
  PRIMARY KEY (contact_id, event_id)
) WITHOUT ROWID;
INSERT INTO contact_events (contact_id, event_id)
  SELECT contact_id, id FROM events ORDER BY contact_id, id;
CREATE TABLE contact_events_state (
  slot INTEGER PRIMARY KEY,          -- contact_id % 16
  indexed_through INTEGER NOT NULL   -- the slot's events with a larger id are not indexed yet
);
WITH RECURSIVE slots(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM slots WHERE n < 15)
INSERT INTO contact_events_state (slot, indexed_through)
  SELECT n, (SELECT COALESCE(MAX(id), 0) FROM events) FROM slots;
)sql"},
      {10, "the newest events found by contact from an index", R"sql(
-- A contact's events after its slot's mark were found by scanning whole rows of events.
-- With contact_id in the per-workspace index, that scan reads index entries instead, about
-- a tenth of the pages, so the writer can leave four times as many events out of
-- contact_events and write a leaf of it once for more of them (decision 0030). New entries
-- still go at the index's end: it costs the writer no more pages than events_ws did.
CREATE INDEX events_ws_contact ON events(workspace_id, id, contact_id);
DROP INDEX events_ws;
)sql"},
  };
  return kMigrations;
}

}  // namespace rivulet::store
