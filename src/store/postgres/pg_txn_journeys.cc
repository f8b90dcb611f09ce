// Automations, tokens, outbox, counters and workspace resources on PostgreSQL.
#include <algorithm>
#include <map>
#include <tuple>

#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_txn.h"

namespace rivulet::store::postgres {

using core::Automation;
using core::OutboxMessage;
using core::Token;

namespace {

constexpr const char* kAutomationCols =
    "SELECT id, workspace_id, uuid, name, description, category, author, status, timezone, "
    "start_date, end_date, unique_token, allow_reentry, exit_condition, unsubscribe_group, "
    "remove_action_primary, source_description, graph, face_data, created_at, updated_at "
    "FROM automations ";

constexpr const char* kTokenCols =
    "SELECT t.id, t.workspace_id, t.automation_id, t.uuid, t.contact_id, t.step_uuid, t.phase, "
    "t.wake_at, t.waiting_event, t.status, t.run_data, t.event, t.step_data, t.source_uuid, "
    "t.entered_at, t.step_entered_at, t.updated_at, t.error_message, t.error_at FROM tokens t ";

constexpr const char* kOutboxFields =
    "id, workspace_id, automation_id, token_id, contact_id, uuid, step_uuid, channel, "
    "idempotency_key, payload, status, attempts, next_attempt_at, lease_until, last_error, "
    "created_at, sent_at, opened_at, clicked_at, bounced_at, unsubscribed_at, open_count, "
    "click_count";

std::string OutboxSelect() { return std::string("SELECT ") + kOutboxFields + " FROM outbox "; }

Automation ReadAutomation(const Rows& r, int i) {
  Automation a;
  a.id = r.Int(i, 0);
  a.workspace_id = r.Int(i, 1);
  a.uuid = r.Text(i, 2);
  a.name = r.Text(i, 3);
  a.description = r.Text(i, 4);
  a.category = r.Text(i, 5);
  a.author = r.Text(i, 6);
  a.status = core::ParseAutomationStatus(r.Text(i, 7)).value_or(core::AutomationStatus::kError);
  a.timezone = r.Text(i, 8);
  a.start_date = r.OptInt(i, 9);
  a.end_date = r.OptInt(i, 10);
  a.unique_token = r.Int(i, 11) != 0;
  a.allow_reentry = r.Int(i, 12) != 0;
  a.exit_condition_json = r.Text(i, 13);
  a.unsubscribe_group = r.Text(i, 14);
  a.remove_action_primary = r.Int(i, 15) != 0;
  a.source_description = r.Text(i, 16);
  // A graph that does not decode leaves the automation without steps; it cannot run.
  (void)core::DecodeAutomationGraph(r.Text(i, 17), a);
  a.face_data_json = r.Text(i, 18);
  a.created_at = r.Int(i, 19);
  a.updated_at = r.Int(i, 20);
  return a;
}

Token ReadToken(const Rows& r, int i) {
  Token t;
  t.id = r.Int(i, 0);
  t.workspace_id = r.Int(i, 1);
  t.automation_id = r.Int(i, 2);
  t.uuid = r.Text(i, 3);
  t.contact_id = r.Int(i, 4);
  t.step_uuid = r.Text(i, 5);
  t.phase = core::ParseStepPhase(r.Text(i, 6)).value_or(core::StepPhase::kEnter);
  t.wake_at = r.OptInt(i, 7);
  t.waiting_event = r.Text(i, 8);
  t.status = core::ParseTokenStatus(r.Text(i, 9)).value_or(core::TokenStatus::kError);
  t.run_data_json = r.Text(i, 10);
  t.event_json = r.Text(i, 11);
  t.step_data_json = r.Text(i, 12);
  t.source_uuid = r.Text(i, 13);
  t.entered_at = r.Int(i, 14);
  t.step_entered_at = r.Int(i, 15);
  t.updated_at = r.Int(i, 16);
  t.error_message = r.Text(i, 17);
  t.error_at = r.OptInt(i, 18);
  return t;
}

OutboxMessage ReadOutbox(const Rows& r, int i) {
  OutboxMessage m;
  m.id = r.Int(i, 0);
  m.workspace_id = r.Int(i, 1);
  m.automation_id = r.Int(i, 2);
  m.token_id = r.Int(i, 3);
  m.contact_id = r.Int(i, 4);
  m.uuid = r.Text(i, 5);
  m.step_uuid = r.Text(i, 6);
  m.channel = r.Text(i, 7);
  m.idempotency_key = r.Text(i, 8);
  m.payload_json = r.Text(i, 9);
  m.status = r.Text(i, 10);
  m.attempts = static_cast<int>(r.Int(i, 11));
  m.next_attempt_at = r.Int(i, 12);
  m.lease_until = r.Int(i, 13);
  m.last_error = r.Text(i, 14);
  m.created_at = r.Int(i, 15);
  m.sent_at = r.OptInt(i, 16);
  m.opened_at = r.OptInt(i, 17);
  m.clicked_at = r.OptInt(i, 18);
  m.bounced_at = r.OptInt(i, 19);
  m.unsubscribed_at = r.OptInt(i, 20);
  m.open_count = r.Int(i, 21);
  m.click_count = r.Int(i, 22);
  return m;
}

// $1..$17 in the column order of the INSERT and UPDATE statements below.
Params AutomationParams(const Automation& a) {
  Params p;
  p.Add(a.name).Add(a.description).Add(a.category).Add(a.author);
  p.Add(core::AutomationStatusName(a.status)).Add(a.timezone).Add(a.start_date).Add(a.end_date);
  p.Add(a.unique_token).Add(a.allow_reentry).Add(a.exit_condition_json).Add(a.unsubscribe_group);
  p.Add(a.remove_action_primary).Add(a.source_description).Add(core::EncodeAutomationGraph(a));
  p.Add(a.face_data_json).Add(a.updated_at);
  return p;
}

// $1..$13 in the column order of the INSERT and UPDATE statements below.
Params TokenParams(const Token& t) {
  Params p;
  p.Add(t.step_uuid).Add(core::StepPhaseName(t.phase)).Add(t.wake_at).Add(t.waiting_event);
  p.Add(core::TokenStatusName(t.status)).Add(t.run_data_json).Add(t.event_json);
  p.Add(t.step_data_json).Add(t.source_uuid).Add(t.step_entered_at).Add(t.updated_at);
  p.Add(t.error_message).Add(t.error_at);
  return p;
}

std::string StatusList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

Result<Automation> PgTxn::FindAutomation(int64_t ws, const std::string& uuid) {
  return One<Automation>(
      conn_.Query(std::string(kAutomationCols) + "WHERE workspace_id = $1 AND uuid = $2",
                  Params().Add(ws).Add(uuid)),
      ReadAutomation, "automation");
}

Result<Automation> PgTxn::FindAutomationById(int64_t id) {
  return One<Automation>(
      conn_.Query(std::string(kAutomationCols) + "WHERE id = $1", Params().Add(id)), ReadAutomation,
      "automation");
}

Result<std::vector<Automation>> PgTxn::ListAutomations(int64_t ws, const AutomationFilter& f) {
  std::vector<std::string> names;
  for (auto s : f.statuses) names.emplace_back(core::AutomationStatusName(s));
  return All<Automation>(
      conn_.Query(std::string(kAutomationCols) +
                      "WHERE workspace_id = $1 AND id > $2 AND ($3::text = '' OR "
                      "status = ANY (string_to_array($3, ','))) ORDER BY id LIMIT $4",
                  Params().Add(ws).Add(f.after_id).Add(StatusList(names)).Add(int64_t{f.limit})),
      ReadAutomation);
}

Result<std::vector<int64_t>> PgTxn::AutomationsTriggeredBy(int64_t ws,
                                                           const std::string& event_type) {
  if (cache_) {
    if (auto it = cache_->triggers.find({ws, event_type}); it != cache_->triggers.end())
      return it->second;
  }
  RIVULET_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids,
      All<int64_t>(
          conn_.Query("SELECT t.automation_id FROM automation_triggers t JOIN automations a "
                      "ON a.id = t.automation_id WHERE t.workspace_id = $1 AND t.event_type = $2 "
                      "AND a.status = 'RUNNING' ORDER BY t.automation_id",
                      Params().Add(ws).Add(event_type)),
          [](const Rows& r, int i) { return r.Int(i, 0); }));
  if (cache_) cache_->triggers.emplace(std::make_pair(ws, event_type), ids);
  return ids;
}

Result<Token> PgTxn::FindToken(int64_t ws, const std::string& uuid) {
  return One<Token>(conn_.Query(std::string(kTokenCols) +
                                    "WHERE t.workspace_id = $1 AND "
                                    "t.uuid = $2" +
                                    Lock(),
                                Params().Add(ws).Add(uuid)),
                    ReadToken, "token");
}

Result<Token> PgTxn::FindTokenById(int64_t id) {
  return One<Token>(
      conn_.Query(std::string(kTokenCols) + "WHERE t.id = $1" + Lock(), Params().Add(id)),
      ReadToken, "token");
}

namespace {
// The WHERE clause shared by ListTokens and CountTokens; $1..$6.
constexpr const char* kTokenFilterWhere =
    "WHERE t.workspace_id = $1 AND t.id > $2 AND ($3::bigint IS NULL OR t.automation_id = $3) "
    "AND ($4::text IS NULL OR t.step_uuid = $4) AND ($5::bigint IS NULL OR t.contact_id = $5) "
    "AND ($6::text = '' OR t.status = ANY (string_to_array($6, ','))) ";

Params TokenFilterParams(int64_t ws, const TokenFilter& f, int64_t after_id) {
  std::vector<std::string> names;
  for (auto s : f.statuses) names.emplace_back(core::TokenStatusName(s));
  Params p;
  p.Add(ws).Add(after_id).Add(f.automation_id).Add(f.step_uuid).Add(f.contact_id);
  p.Add(StatusList(names));
  return p;
}
}  // namespace

Result<std::vector<Token>> PgTxn::ListTokens(int64_t ws, const TokenFilter& f) {
  // COLLATE "C": text sorts by bytes, as with SQLite's BINARY collation.
  std::string join, order = "t.id";
  switch (f.order) {
    case TokenOrder::kId:
      break;
    case TokenOrder::kAutomation:
      join = "JOIN automations a ON a.id = t.automation_id ";
      order = "a.uuid COLLATE \"C\", t.id";
      break;
    case TokenOrder::kContact:
      join = "JOIN contacts c ON c.id = t.contact_id ";
      order = "c.uuid COLLATE \"C\", t.id";
      break;
    case TokenOrder::kRecipient:
      join = "JOIN contacts c ON c.id = t.contact_id ";
      order = "c.email IS NULL, c.email COLLATE \"C\", t.id";
      break;
    case TokenOrder::kStep:
      order = "t.step_uuid COLLATE \"C\", t.id";
      break;
    case TokenOrder::kStatus:
      order = "t.status COLLATE \"C\", t.id";
      break;
  }
  Params p = TokenFilterParams(ws, f, f.after_id);
  p.Add(int64_t{f.limit}).Add(f.offset);
  return All<Token>(conn_.Query(std::string(kTokenCols) + join + kTokenFilterWhere + "ORDER BY " +
                                    order + " LIMIT $7 OFFSET $8",
                                p),
                    ReadToken);
}

Result<int64_t> PgTxn::CountTokens(int64_t ws, const TokenFilter& f) {
  return One<int64_t>(
      conn_.Query(std::string("SELECT COUNT(*) FROM tokens t ") + kTokenFilterWhere,
                  TokenFilterParams(ws, f, 0)),
      [](const Rows& r, int i) { return r.Int(i, 0); }, "count");
}

Result<std::vector<Token>> PgTxn::TokensOfContact(int64_t automation_id, int64_t contact_id) {
  std::string select = std::string(kTokenCols) +
                       "WHERE t.automation_id = $1 AND t.contact_id = $2 "
                       "ORDER BY t.id DESC LIMIT 100";
  Params params = Params().Add(automation_id).Add(contact_id);
  if (!for_write_) return All<Token>(conn_.Query(select, params), ReadToken);
  // Enrollment reads this to enforce uniqueToken and re-entry rules; the lock makes two
  // processes enrolling the same contact take turns, as SQLite's single writer does. The
  // SELECT runs after the lock is granted (so it sees the other's commit), in the same
  // round trip.
  RIVULET_ASSIGN_OR_RETURN(
      std::vector<Rows> rows,
      conn_.QueryPipelined({{"SELECT pg_advisory_xact_lock(hashint8($1), hashint8($2))", params},
                            {select, params}}));
  return All<Token>(std::move(rows[1]), ReadToken);
}

Result<std::vector<Token>> PgTxn::TokensWaitingFor(int64_t contact_id,
                                                   const std::string& event_type) {
  if (cache_ && !event_type.empty()) {
    auto it = cache_->waited_for.find(event_type);
    if (it == cache_->waited_for.end()) {
      RIVULET_ASSIGN_OR_RETURN(
          Rows rows, conn_.Query("SELECT EXISTS (SELECT 1 FROM tokens WHERE waiting_event = $1 "
                                 "AND waiting_event <> '')",  // index tokens_waiting_type
                                 Params().Add(event_type)));
      it = cache_->waited_for.emplace(event_type, rows.Bool(0, 0)).first;
    }
    if (!it->second) return std::vector<Token>{};
  }
  // Locks (waiting if another process advances one of them), then re-checks the condition
  // on the newest row version, so a token that moved on meanwhile is not returned.
  return All<Token>(conn_.Query(std::string(kTokenCols) +
                                    "WHERE t.contact_id = $1 AND t.waiting_event = $2 AND "
                                    "t.waiting_event <> '' ORDER BY t.id" +
                                    Lock(),
                                Params().Add(contact_id).Add(event_type)),
                    ReadToken);
}

Result<std::optional<core::Millis>> PgTxn::NextWakeAt() {
  return One<std::optional<core::Millis>>(
      conn_.Query("SELECT MIN(t.wake_at) FROM tokens t JOIN automations a ON "
                  "a.id = t.automation_id JOIN workspaces w ON w.id = t.workspace_id "
                  "WHERE t.wake_at IS NOT NULL AND a.status = 'RUNNING' AND w.active = 1"),
      [](const Rows& r, int i) { return r.OptInt(i, 0); }, "wake");
}

Result<OutboxMessage> PgTxn::FindOutboxMessage(const std::string& uuid) {
  return One<OutboxMessage>(
      conn_.Query(OutboxSelect() + "WHERE uuid = $1" + Lock(), Params().Add(uuid)), ReadOutbox,
      "message");
}

Result<std::vector<OutboxMessage>> PgTxn::MessagesOfToken(int64_t token_id) {
  return All<OutboxMessage>(
      conn_.Query(OutboxSelect() + "WHERE token_id = $1 ORDER BY id", Params().Add(token_id)),
      ReadOutbox);
}

Result<std::optional<core::Millis>> PgTxn::NextOutboxAttemptAt() {
  return One<std::optional<core::Millis>>(
      conn_.Query("SELECT MIN(CASE status WHEN 'pending' THEN next_attempt_at ELSE lease_until "
                  "END) FROM outbox WHERE status IN ('pending', 'sending')"),
      [](const Rows& r, int i) { return r.OptInt(i, 0); }, "attempt");
}

Result<std::vector<CounterValue>> PgTxn::ReadCounters(int64_t automation_id) {
  return All<CounterValue>(
      conn_.Query("SELECT step_uuid, name, SUM(value)::bigint FROM counters WHERE "
                  "automation_id = $1 GROUP BY step_uuid, name ORDER BY step_uuid, name",
                  Params().Add(automation_id)),
      [](const Rows& r, int i) {
        return CounterValue{r.Text(i, 0), r.Text(i, 1), r.Int(i, 2)};
      });
}

namespace {
constexpr const char* kSenderCols =
    "SELECT id, workspace_id, uuid, name, from_name, from_address, reply_to, created_at "
    "FROM senders ";
core::Sender ReadSender(const Rows& r, int i) {
  return core::Sender{r.Int(i, 0),  r.Int(i, 1),  r.Text(i, 2), r.Text(i, 3),
                      r.Text(i, 4), r.Text(i, 5), r.Text(i, 6), r.Int(i, 7)};
}
core::MessageTemplate ReadTemplate(const Rows& r, int i) {
  return core::MessageTemplate{r.Int(i, 0),  r.Int(i, 1),  r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
                               r.Text(i, 5), r.Text(i, 6), r.Text(i, 7), r.Int(i, 8),  r.Int(i, 9)};
}
constexpr const char* kTemplateCols =
    "SELECT id, workspace_id, uuid, name, kind, subject, html, text, created_at, updated_at "
    "FROM templates ";
core::WorkspaceSetting ReadSetting(const Rows& r, int i) {
  return core::WorkspaceSetting{r.Int(i, 0),  r.Int(i, 1),  r.Text(i, 2), r.Text(i, 3),
                                r.Text(i, 4), r.Text(i, 5), r.Text(i, 6)};
}
constexpr const char* kSettingCols =
    "SELECT id, workspace_id, uuid, label, category, type, value FROM workspace_settings ";
}  // namespace

Result<core::Sender> PgTxn::FindSender(int64_t ws, const std::string& uuid) {
  return One<core::Sender>(
      conn_.Query(std::string(kSenderCols) + "WHERE workspace_id = $1 AND uuid = $2",
                  Params().Add(ws).Add(uuid)),
      ReadSender, "sender");
}

Result<std::vector<core::Sender>> PgTxn::ListSenders(int64_t ws) {
  return All<core::Sender>(
      conn_.Query(std::string(kSenderCols) + "WHERE workspace_id = $1 ORDER BY id",
                  Params().Add(ws)),
      ReadSender);
}

Result<core::MessageTemplate> PgTxn::FindTemplate(int64_t ws, const std::string& uuid) {
  return One<core::MessageTemplate>(
      conn_.Query(std::string(kTemplateCols) + "WHERE workspace_id = $1 AND uuid = $2",
                  Params().Add(ws).Add(uuid)),
      ReadTemplate, "template");
}

Result<std::vector<core::MessageTemplate>> PgTxn::ListTemplates(int64_t ws) {
  return All<core::MessageTemplate>(
      conn_.Query(std::string(kTemplateCols) + "WHERE workspace_id = $1 ORDER BY id",
                  Params().Add(ws)),
      ReadTemplate);
}

Result<std::vector<core::WorkspaceSetting>> PgTxn::ListSettings(int64_t ws) {
  return All<core::WorkspaceSetting>(
      conn_.Query(std::string(kSettingCols) + "WHERE workspace_id = $1 ORDER BY id",
                  Params().Add(ws)),
      ReadSetting);
}

Result<core::WorkspaceSetting> PgTxn::FindSetting(int64_t ws, const std::string& uuid) {
  return One<core::WorkspaceSetting>(
      conn_.Query(std::string(kSettingCols) + "WHERE workspace_id = $1 AND uuid = $2",
                  Params().Add(ws).Add(uuid)),
      ReadSetting, "setting");
}

Status PgTxn::IndexTriggers(const Automation& a) {
  ForgetTriggers();  // new triggers, or a status that (de)activates the old ones
  RIVULET_RETURN_IF_ERROR(
      conn_.Query("DELETE FROM automation_triggers WHERE automation_id = $1", Params().Add(a.id))
          .status());
  for (const auto& t : a.triggers) {
    RIVULET_RETURN_IF_ERROR(
        conn_
            .Query("INSERT INTO automation_triggers (workspace_id, event_type, automation_id) "
                   "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                   Params().Add(a.workspace_id).Add(t.event_type).Add(a.id))
            .status());
  }
  // An automation with an audience is "triggered" by its contacts' changes (OnEvent enrolls
  // a contact that joins the audience), indexed under a key no event type can have.
  if (a.audience_id != 0) {
    RIVULET_RETURN_IF_ERROR(
        conn_
            .Query(
                "INSERT INTO automation_triggers (workspace_id, event_type, automation_id) "
                "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                Params().Add(a.workspace_id).Add(std::string(core::kAudienceTriggerKey)).Add(a.id))
            .status());
  }
  return Status::Ok();
}

Status PgTxn::InsertAutomation(Automation& a) {
  Params p = AutomationParams(a);
  p.Add(a.workspace_id).Add(a.uuid).Add(a.created_at);
  RIVULET_ASSIGN_OR_RETURN(
      a.id, ReturnedId(conn_.Query(
                "INSERT INTO automations (name, description, category, author, status, "
                "timezone, start_date, end_date, unique_token, allow_reentry, exit_condition, "
                "unsubscribe_group, remove_action_primary, source_description, graph, "
                "face_data, updated_at, workspace_id, uuid, created_at) VALUES ($1, $2, $3, $4, "
                "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) "
                "RETURNING id",
                p)));
  return IndexTriggers(a);
}

Status PgTxn::UpdateAutomation(const Automation& a) {
  Params p = AutomationParams(a);
  p.Add(a.workspace_id).Add(a.id);
  RIVULET_RETURN_IF_ERROR(ExpectChange(
      conn_.Query("UPDATE automations SET name = $1, description = $2, category = $3, "
                  "author = $4, status = $5, timezone = $6, start_date = $7, end_date = $8, "
                  "unique_token = $9, allow_reentry = $10, exit_condition = $11, "
                  "unsubscribe_group = $12, remove_action_primary = $13, "
                  "source_description = $14, graph = $15, face_data = $16, updated_at = $17 "
                  "WHERE workspace_id = $18 AND id = $19",
                  p),
      "automation"));
  // Resuming an automation can make its tokens due at once: let other processes know.
  Signal(a.status == core::AutomationStatus::kRunning, false);
  return IndexTriggers(a);
}

Status PgTxn::DeleteAutomation(int64_t ws, int64_t id) {
  ForgetTriggers();
  for (const char* sql : {"DELETE FROM outbox WHERE automation_id = $2 AND workspace_id = $1",
                          "DELETE FROM tokens WHERE automation_id = $2 AND workspace_id = $1"}) {
    RIVULET_RETURN_IF_ERROR(conn_.Query(sql, Params().Add(ws).Add(id)).status());
  }
  return ExpectChange(conn_.Query("DELETE FROM automations WHERE workspace_id = $1 AND id = $2",
                                  Params().Add(ws).Add(id)),
                      "automation");
}

Status PgTxn::InsertToken(Token& t) {
  NoteWaiting(t);
  Params p = TokenParams(t);
  p.Add(t.workspace_id).Add(t.automation_id).Add(t.uuid).Add(t.contact_id).Add(t.entered_at);
  RIVULET_ASSIGN_OR_RETURN(
      t.id, ReturnedId(conn_.Query(
                "INSERT INTO tokens (step_uuid, phase, wake_at, waiting_event, status, "
                "run_data, event, step_data, source_uuid, step_entered_at, updated_at, "
                "error_message, error_at, workspace_id, automation_id, uuid, contact_id, "
                "entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                "$14, $15, $16, $17, $18) RETURNING id",
                p)));
  Signal(t.wake_at.has_value(), false);
  return Status::Ok();
}

Status PgTxn::UpdateToken(const Token& t) {
  NoteWaiting(t);
  Params p = TokenParams(t);
  p.Add(t.id);
  // Deferred and coalesced (Connection::DeferRow): a scheduler batch updates thousands of
  // tokens in one statement, and reads none of them back.
  static const BulkForm kUpdateTokens{
      "UPDATE tokens AS t SET step_uuid = v.step_uuid, phase = v.phase, wake_at = v.wake_at, "
      "waiting_event = v.waiting_event, status = v.status, run_data = v.run_data, "
      "event = v.event, step_data = v.step_data, source_uuid = v.source_uuid, "
      "step_entered_at = v.step_entered_at, updated_at = v.updated_at, "
      "error_message = v.error_message, error_at = v.error_at "
      "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], "
      "$7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], "
      "$13::bigint[], $14::bigint[]) AS v(step_uuid, phase, wake_at, waiting_event, status, "
      "run_data, event, step_data, source_uuid, step_entered_at, updated_at, error_message, "
      "error_at, id) WHERE t.id = v.id",
      /*key_param=*/13};
  conn_.DeferRow(kUpdateTokens, std::move(p), "token");
  Signal(t.wake_at.has_value(), false);
  return Status::Ok();
}

Result<std::vector<Token>> PgTxn::ClaimDueTokens(core::Millis now, int limit) {
  // The row locks are the claim: they last until this transaction commits, which is also
  // when the tokens' new state becomes visible, and vanish with a process that dies.
  return All<Token>(
      conn_.Query(std::string(kTokenCols) +
                      "JOIN automations a ON a.id = t.automation_id "
                      "JOIN workspaces w ON w.id = t.workspace_id "
                      "WHERE t.wake_at IS NOT NULL AND t.wake_at <= $1 AND "
                      "a.status = 'RUNNING' AND w.active = 1 ORDER BY t.wake_at LIMIT $2 "
                      "FOR UPDATE OF t SKIP LOCKED",
                  Params().Add(now).Add(int64_t{limit})),
      ReadToken);
}

Result<int64_t> PgTxn::ExitExpiredTokens(int64_t automation_id, core::Millis now) {
  RIVULET_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("UPDATE tokens SET status = 'EXITED', wake_at = NULL, waiting_event = '', "
                  "updated_at = $1 WHERE automation_id = $2 AND status = 'ACTIVE' AND "
                  "phase = 'waiting' AND wake_at IS NOT NULL AND wake_at < $1 AND "
                  "COALESCE(step_data::jsonb -> 'triggered' IN ('true'::jsonb, '1'::jsonb), "
                  "false) = false",
                  Params().Add(now).Add(automation_id)));
  return rows.affected();
}

Status PgTxn::InsertOutboxMessage(OutboxMessage& m) {
  RIVULET_ASSIGN_OR_RETURN(
      m.id, ReturnedId(conn_.Query(
                "INSERT INTO outbox (workspace_id, automation_id, token_id, contact_id, uuid, "
                "step_uuid, channel, idempotency_key, payload, status, attempts, "
                "next_attempt_at, lease_until, last_error, created_at) VALUES ($1, $2, $3, $4, "
                "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                Params()
                    .Add(m.workspace_id)
                    .Add(m.automation_id)
                    .Add(m.token_id)
                    .Add(m.contact_id)
                    .Add(m.uuid)
                    .Add(m.step_uuid)
                    .Add(m.channel)
                    .Add(m.idempotency_key)
                    .Add(m.payload_json)
                    .Add(m.status)
                    .Add(int64_t{m.attempts})
                    .Add(m.next_attempt_at)
                    .Add(m.lease_until)
                    .Add(m.last_error)
                    .Add(m.created_at))));
  Signal(false, m.status == "pending");
  return Status::Ok();
}

Status PgTxn::UpdateOutboxMessage(const OutboxMessage& m) {
  RIVULET_RETURN_IF_ERROR(ExpectChange(
      conn_.Query("UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, "
                  "lease_until = $4, last_error = $5, sent_at = $6, opened_at = $7, "
                  "clicked_at = $8, bounced_at = $9, unsubscribed_at = $10, open_count = $11, "
                  "click_count = $12, lease_owner = CASE WHEN $1 = 'sending' THEN lease_owner "
                  "ELSE '' END WHERE id = $13",
                  Params()
                      .Add(m.status)
                      .Add(int64_t{m.attempts})
                      .Add(m.next_attempt_at)
                      .Add(m.lease_until)
                      .Add(m.last_error)
                      .Add(m.sent_at)
                      .Add(m.opened_at)
                      .Add(m.clicked_at)
                      .Add(m.bounced_at)
                      .Add(m.unsubscribed_at)
                      .Add(m.open_count)
                      .Add(m.click_count)
                      .Add(m.id)),
      "message"));
  Signal(false, m.status == "pending");
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> PgTxn::ClaimOutbox(core::Millis now, int limit,
                                                      core::Millis lease_until) {
  // Takes the lease in the claiming statement: rows another process is claiming right now
  // are skipped, and a lease that ran out (its owner died or stalled) is taken over.
  RIVULET_ASSIGN_OR_RETURN(
      std::vector<OutboxMessage> due,
      All<OutboxMessage>(
          conn_.Query(std::string("UPDATE outbox SET status = 'sending', lease_until = $3, "
                                  "lease_owner = $4 WHERE id IN (SELECT id FROM outbox WHERE "
                                  "(status = 'pending' AND next_attempt_at <= $1) OR "
                                  "(status = 'sending' AND lease_until <= $1) "
                                  "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
                                  "RETURNING ") +
                          kOutboxFields,
                      Params().Add(now).Add(int64_t{limit}).Add(lease_until).Add(owner_)),
          ReadOutbox));
  std::sort(due.begin(), due.end(), [](const OutboxMessage& a, const OutboxMessage& b) {
    return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
  });
  return due;
}

Status PgTxn::AddCounters(const std::vector<CounterDelta>& deltas) {
  // Summed per counter first (one upsert may not touch a row twice), then multi-row upserts
  // into this process's shard, in key order so that statements lock rows in one order.
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> sum;
  for (const auto& d : deltas) {
    if (d.delta != 0) sum[{d.automation_id, d.step_uuid, d.name}] += d.delta;
  }
  constexpr size_t kRowsPerStatement = 64;
  auto it = sum.begin();
  while (it != sum.end()) {
    std::string sql = "INSERT INTO counters (automation_id, step_uuid, name, shard, value) VALUES ";
    Params p;
    size_t rows = 0;
    for (; it != sum.end() && rows < kRowsPerStatement; ++it) {
      if (it->second == 0) continue;
      int base = static_cast<int>(rows) * 5;
      sql += (rows ? ", (" : "(") + ("$" + std::to_string(base + 1)) + ", $" +
             std::to_string(base + 2) + ", $" + std::to_string(base + 3) + ", $" +
             std::to_string(base + 4) + ", $" + std::to_string(base + 5) + ")";
      p.Add(std::get<0>(it->first)).Add(std::get<1>(it->first)).Add(std::get<2>(it->first));
      p.Add(counter_shard_).Add(it->second);
      ++rows;
    }
    if (rows == 0) break;
    sql +=
        " ON CONFLICT (automation_id, step_uuid, name, shard) DO UPDATE SET value = "
        "counters.value + excluded.value";
    RIVULET_RETURN_IF_ERROR(conn_.Query(sql, p).status());
  }
  return Status::Ok();
}

Result<std::string> PgTxn::GetOrCreateSecret(const std::string& name,
                                             const std::string& candidate) {
  RIVULET_RETURN_IF_ERROR(conn_
                              .Query("INSERT INTO instance_secrets (name, value) VALUES ($1, $2) "
                                     "ON CONFLICT DO NOTHING",
                                     Params().Add(name).Add(candidate))
                              .status());
  return One<std::string>(
      conn_.Query("SELECT value FROM instance_secrets WHERE name = $1", Params().Add(name)),
      [](const Rows& r, int i) { return r.Text(i, 0); }, "secret");
}

Status PgTxn::InsertSender(core::Sender& s) {
  RIVULET_ASSIGN_OR_RETURN(
      s.id, ReturnedId(conn_.Query("INSERT INTO senders (workspace_id, uuid, name, from_name, "
                                   "from_address, reply_to, created_at) VALUES ($1, $2, $3, $4, "
                                   "$5, $6, $7) RETURNING id",
                                   Params()
                                       .Add(s.workspace_id)
                                       .Add(s.uuid)
                                       .Add(s.name)
                                       .Add(s.from_name)
                                       .Add(s.from_address)
                                       .Add(s.reply_to)
                                       .Add(s.created_at))));
  return Status::Ok();
}

Status PgTxn::InsertTemplate(core::MessageTemplate& t) {
  RIVULET_ASSIGN_OR_RETURN(
      t.id, ReturnedId(conn_.Query("INSERT INTO templates (workspace_id, uuid, name, kind, "
                                   "subject, html, text, created_at, updated_at) VALUES ($1, $2, "
                                   "$3, $4, $5, $6, $7, $8, $9) RETURNING id",
                                   Params()
                                       .Add(t.workspace_id)
                                       .Add(t.uuid)
                                       .Add(t.name)
                                       .Add(t.kind)
                                       .Add(t.subject)
                                       .Add(t.html)
                                       .Add(t.text)
                                       .Add(t.created_at)
                                       .Add(t.updated_at))));
  return Status::Ok();
}

Status PgTxn::UpdateTemplate(const core::MessageTemplate& t) {
  return ExpectChange(conn_.Query("UPDATE templates SET name = $1, kind = $2, subject = $3, "
                                  "html = $4, text = $5, updated_at = $6 WHERE workspace_id = $7 "
                                  "AND id = $8",
                                  Params()
                                      .Add(t.name)
                                      .Add(t.kind)
                                      .Add(t.subject)
                                      .Add(t.html)
                                      .Add(t.text)
                                      .Add(t.updated_at)
                                      .Add(t.workspace_id)
                                      .Add(t.id)),
                      "template");
}

Status PgTxn::InsertSetting(core::WorkspaceSetting& s) {
  RIVULET_ASSIGN_OR_RETURN(
      s.id, ReturnedId(conn_.Query("INSERT INTO workspace_settings (workspace_id, uuid, label, "
                                   "category, type, value) VALUES ($1, $2, $3, $4, $5, $6) "
                                   "RETURNING id",
                                   Params()
                                       .Add(s.workspace_id)
                                       .Add(s.uuid)
                                       .Add(s.label)
                                       .Add(s.category)
                                       .Add(s.type)
                                       .Add(s.value_json))));
  return Status::Ok();
}

Status PgTxn::UpdateSetting(const core::WorkspaceSetting& s) {
  return ExpectChange(conn_.Query("UPDATE workspace_settings SET label = $1, category = $2, "
                                  "type = $3, value = $4 WHERE workspace_id = $5 AND id = $6",
                                  Params()
                                      .Add(s.label)
                                      .Add(s.category)
                                      .Add(s.type)
                                      .Add(s.value_json)
                                      .Add(s.workspace_id)
                                      .Add(s.id)),
                      "setting");
}

Status PgTxn::DeleteSetting(int64_t ws, int64_t id) {
  return ExpectChange(conn_.Query("DELETE FROM workspace_settings WHERE workspace_id = $1 AND "
                                  "id = $2",
                                  Params().Add(ws).Add(id)),
                      "setting");
}

}  // namespace rivulet::store::postgres
