// Automations, tokens, outbox, counters and workspace resources on SQLite.
#include "store/sqlite/row_helpers.h"
#include "store/sqlite/sqlite_txn.h"

namespace rivulet::store::sqlite {

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

constexpr const char* kOutboxCols =
    "SELECT id, workspace_id, automation_id, token_id, contact_id, uuid, step_uuid, channel, "
    "idempotency_key, payload, status, attempts, next_attempt_at, lease_until, last_error, "
    "created_at, sent_at, opened_at, clicked_at, bounced_at, unsubscribed_at, open_count, "
    "click_count FROM outbox ";

Automation ReadAutomation(const Statement& s) {
  Automation a;
  a.id = s.Int(0);
  a.workspace_id = s.Int(1);
  a.uuid = s.Text(2);
  a.name = s.Text(3);
  a.description = s.Text(4);
  a.category = s.Text(5);
  a.author = s.Text(6);
  a.status = core::ParseAutomationStatus(s.Text(7)).value_or(core::AutomationStatus::kError);
  a.timezone = s.Text(8);
  a.start_date = s.OptInt(9);
  a.end_date = s.OptInt(10);
  a.unique_token = s.Int(11) != 0;
  a.allow_reentry = s.Int(12) != 0;
  a.exit_condition_json = s.Text(13);
  a.unsubscribe_group = s.Text(14);
  a.remove_action_primary = s.Int(15) != 0;
  a.source_description = s.Text(16);
  // A graph that does not decode leaves the automation without steps; it cannot run.
  (void)core::DecodeAutomationGraph(s.Text(17), a);
  a.face_data_json = s.Text(18);
  a.created_at = s.Int(19);
  a.updated_at = s.Int(20);
  return a;
}

Token ReadToken(const Statement& s) {
  Token t;
  t.id = s.Int(0);
  t.workspace_id = s.Int(1);
  t.automation_id = s.Int(2);
  t.uuid = s.Text(3);
  t.contact_id = s.Int(4);
  t.step_uuid = s.Text(5);
  t.phase = core::ParseStepPhase(s.Text(6)).value_or(core::StepPhase::kEnter);
  t.wake_at = s.OptInt(7);
  t.waiting_event = s.Text(8);
  t.status = core::ParseTokenStatus(s.Text(9)).value_or(core::TokenStatus::kError);
  t.run_data_json = s.Text(10);
  t.event_json = s.Text(11);
  t.step_data_json = s.Text(12);
  t.source_uuid = s.Text(13);
  t.entered_at = s.Int(14);
  t.step_entered_at = s.Int(15);
  t.updated_at = s.Int(16);
  t.error_message = s.Text(17);
  t.error_at = s.OptInt(18);
  return t;
}

OutboxMessage ReadOutbox(const Statement& s) {
  OutboxMessage m;
  m.id = s.Int(0);
  m.workspace_id = s.Int(1);
  m.automation_id = s.Int(2);
  m.token_id = s.Int(3);
  m.contact_id = s.Int(4);
  m.uuid = s.Text(5);
  m.step_uuid = s.Text(6);
  m.channel = s.Text(7);
  m.idempotency_key = s.Text(8);
  m.payload_json = s.Text(9);
  m.status = s.Text(10);
  m.attempts = static_cast<int>(s.Int(11));
  m.next_attempt_at = s.Int(12);
  m.lease_until = s.Int(13);
  m.last_error = s.Text(14);
  m.created_at = s.Int(15);
  m.sent_at = s.OptInt(16);
  m.opened_at = s.OptInt(17);
  m.clicked_at = s.OptInt(18);
  m.bounced_at = s.OptInt(19);
  m.unsubscribed_at = s.OptInt(20);
  m.open_count = s.Int(21);
  m.click_count = s.Int(22);
  return m;
}

void BindOpt(Statement* st, int i, const std::optional<core::Millis>& v) {
  if (v) {
    st->Bind(i, *v);
  } else {
    st->BindNull(i);
  }
}

void BindAutomation(Statement* st, const Automation& a) {
  st->Bind(1, a.name).Bind(2, a.description).Bind(3, a.category).Bind(4, a.author);
  st->Bind(5, std::string_view(core::AutomationStatusName(a.status))).Bind(6, a.timezone);
  BindOpt(st, 7, a.start_date);
  BindOpt(st, 8, a.end_date);
  st->Bind(9, int64_t{a.unique_token}).Bind(10, int64_t{a.allow_reentry});
  st->Bind(11, a.exit_condition_json).Bind(12, a.unsubscribe_group);
  st->Bind(13, int64_t{a.remove_action_primary}).Bind(14, a.source_description);
  st->Bind(15, core::EncodeAutomationGraph(a)).Bind(16, a.face_data_json).Bind(17, a.updated_at);
}

// Binds without copying: the caller executes the statement while t is alive.
void BindToken(Statement* st, const Token& t) {
  st->BindView(1, t.step_uuid).BindView(2, core::StepPhaseName(t.phase));
  BindOpt(st, 3, t.wake_at);
  st->BindView(4, t.waiting_event).BindView(5, core::TokenStatusName(t.status));
  st->BindView(6, t.run_data_json).BindView(7, t.event_json).BindView(8, t.step_data_json);
  st->BindView(9, t.source_uuid).Bind(10, t.step_entered_at).Bind(11, t.updated_at);
  st->BindView(12, t.error_message);
  BindOpt(st, 13, t.error_at);
}

}  // namespace

Result<Automation> SqliteTxn::FindAutomation(int64_t ws, const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kAutomationCols) +
                                                   "WHERE workspace_id = ? AND uuid = ?"));
  return One<Automation>(&st->Bind(1, ws).Bind(2, uuid), ReadAutomation, "automation");
}

Result<Automation> SqliteTxn::FindAutomationById(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kAutomationCols) + "WHERE id = ?"));
  return One<Automation>(&st->Bind(1, id), ReadAutomation, "automation");
}

Result<std::vector<Automation>> SqliteTxn::ListAutomations(int64_t ws, const AutomationFilter& f) {
  std::string statuses;
  for (auto s : f.statuses) {
    statuses += std::string(statuses.empty() ? "" : ",") + core::AutomationStatusName(s);
  }
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kAutomationCols) +
                              "WHERE workspace_id = ?1 AND id > ?2 AND (?3 = '' OR instr(',' || ?3 "
                              "|| ',', ',' || status || ',') > 0) ORDER BY id LIMIT ?4"));
  st->Bind(1, ws).Bind(2, f.after_id).Bind(3, statuses).Bind(4, static_cast<int64_t>(f.limit));
  return All<Automation>(st, ReadAutomation);
}

Result<std::vector<int64_t>> SqliteTxn::AutomationsTriggeredBy(int64_t ws,
                                                              const std::string& event_type) {
  if (routes_) {
    if (const std::vector<int64_t>* known = routes_->Triggered(ws, event_type)) return *known;
  }
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT t.automation_id FROM automation_triggers t JOIN automations a "
                              "ON a.id = t.automation_id WHERE t.workspace_id = ? AND "
                              "t.event_type = ? AND a.status = 'RUNNING' ORDER BY t.automation_id"));
  auto ids = All<int64_t>(&st->Bind(1, ws).Bind(2, event_type),
                          [](const Statement& s) { return s.Int(0); });
  if (routes_ && ids.ok()) routes_->PutTriggered(ws, event_type, *ids);
  return ids;
}

Result<Token> SqliteTxn::FindToken(int64_t ws, const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kTokenCols) +
                                                   "WHERE t.workspace_id = ? AND t.uuid = ?"));
  return One<Token>(&st->Bind(1, ws).Bind(2, uuid), ReadToken, "token");
}

Result<Token> SqliteTxn::FindTokenById(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kTokenCols) + "WHERE t.id = ?"));
  return One<Token>(&st->Bind(1, id), ReadToken, "token");
}

namespace {
// The WHERE clause shared by ListTokens and CountTokens; binds ?1..?6.
constexpr const char* kTokenFilterWhere =
    "WHERE t.workspace_id = ?1 AND t.id > ?2 AND (?3 IS NULL OR t.automation_id = ?3) AND "
    "(?4 IS NULL OR t.step_uuid = ?4) AND (?5 IS NULL OR t.contact_id = ?5) AND "
    "(?6 = '' OR instr(',' || ?6 || ',', ',' || t.status || ',') > 0) ";

void BindTokenFilter(Statement* st, int64_t ws, const TokenFilter& f, int64_t after_id) {
  std::string statuses;
  for (auto s : f.statuses) {
    statuses += std::string(statuses.empty() ? "" : ",") + core::TokenStatusName(s);
  }
  st->Bind(1, ws).Bind(2, after_id);
  if (f.automation_id) st->Bind(3, *f.automation_id);
  st->Bind(4, f.step_uuid);
  if (f.contact_id) st->Bind(5, *f.contact_id);
  st->Bind(6, statuses);
}
}  // namespace

Result<std::vector<Token>> SqliteTxn::ListTokens(int64_t ws, const TokenFilter& f) {
  std::string join, order = "t.id";
  switch (f.order) {
    case TokenOrder::kId: break;
    case TokenOrder::kAutomation:
      join = "JOIN automations a ON a.id = t.automation_id ";
      order = "a.uuid, t.id";
      break;
    case TokenOrder::kContact:
      join = "JOIN contacts c ON c.id = t.contact_id ";
      order = "c.uuid, t.id";
      break;
    case TokenOrder::kRecipient:
      join = "JOIN contacts c ON c.id = t.contact_id ";
      order = "c.email IS NULL, c.email, t.id";
      break;
    case TokenOrder::kStep: order = "t.step_uuid, t.id"; break;
    case TokenOrder::kStatus: order = "t.status, t.id"; break;
  }
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kTokenCols) + join +
                                                   kTokenFilterWhere + "ORDER BY " + order +
                                                   " LIMIT ?7 OFFSET ?8"));
  BindTokenFilter(st, ws, f, f.after_id);
  st->Bind(7, static_cast<int64_t>(f.limit)).Bind(8, f.offset);
  return All<Token>(st, ReadToken);
}

Result<int64_t> SqliteTxn::CountTokens(int64_t ws, const TokenFilter& f) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string("SELECT COUNT(*) FROM tokens t ") + kTokenFilterWhere));
  BindTokenFilter(st, ws, f, 0);
  return One<int64_t>(st, [](const Statement& s) { return s.Int(0); }, "count");
}

Result<std::vector<Token>> SqliteTxn::TokensOfContact(int64_t automation_id, int64_t contact_id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare(std::string(kTokenCols) +
                                         "WHERE t.automation_id = ? AND t.contact_id = ? "
                                         "ORDER BY t.id DESC LIMIT 100"));
  return All<Token>(&st->Bind(1, automation_id).Bind(2, contact_id), ReadToken);
}

Result<std::vector<Token>> SqliteTxn::TokensWaitingFor(int64_t contact_id,
                                                      const std::string& event_type) {
  if (routes_) {
    std::optional<bool> waited_for = routes_->WaitedFor(event_type);
    if (!waited_for) {
      RIVULET_ASSIGN_OR_RETURN(
          auto* any, conn_.Prepare("SELECT EXISTS (SELECT 1 FROM tokens WHERE waiting_event = ? "
                                   "AND waiting_event != '')"));
      RIVULET_ASSIGN_OR_RETURN(waited_for, Exists(&any->Bind(1, event_type)));
      routes_->PutWaitedFor(event_type, *waited_for);
    }
    if (!*waited_for) return std::vector<Token>{};
  }
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kTokenCols) +
                                                   "WHERE t.contact_id = ? AND t.waiting_event = ? "
                                                   "AND t.waiting_event != ''"));
  return All<Token>(&st->Bind(1, contact_id).Bind(2, event_type), ReadToken);
}

Result<std::optional<core::Millis>> SqliteTxn::NextWakeAt() {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT MIN(t.wake_at) FROM tokens t JOIN automations a ON "
                              "a.id = t.automation_id JOIN workspaces w ON w.id = t.workspace_id "
                              "WHERE t.wake_at IS NOT NULL AND a.status = 'RUNNING' AND "
                              "w.active = 1"));
  return One<std::optional<core::Millis>>(st, [](const Statement& s) { return s.OptInt(0); },
                                          "wake");
}

Result<OutboxMessage> SqliteTxn::FindOutboxMessage(const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kOutboxCols) + "WHERE uuid = ?"));
  return One<OutboxMessage>(&st->Bind(1, uuid), ReadOutbox, "message");
}

Result<std::vector<OutboxMessage>> SqliteTxn::MessagesOfToken(int64_t token_id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare(std::string(kOutboxCols) + "WHERE token_id = ? ORDER BY id"));
  return All<OutboxMessage>(&st->Bind(1, token_id), ReadOutbox);
}

Result<std::optional<core::Millis>> SqliteTxn::NextOutboxAttemptAt() {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT MIN(CASE status WHEN 'pending' THEN next_attempt_at ELSE "
                              "lease_until END) FROM outbox WHERE status IN ('pending', 'sending')"));
  return One<std::optional<core::Millis>>(st, [](const Statement& s) { return s.OptInt(0); },
                                          "attempt");
}

Result<std::vector<CounterValue>> SqliteTxn::ReadCounters(int64_t automation_id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT step_uuid, name, value FROM counters WHERE automation_id = ? "
                              "ORDER BY step_uuid, name"));
  return All<CounterValue>(&st->Bind(1, automation_id), [](const Statement& s) {
    return CounterValue{s.Text(0), s.Text(1), s.Int(2)};
  });
}

Result<core::Sender> SqliteTxn::FindSender(int64_t ws, const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT id, workspace_id, uuid, name, from_name, from_address, "
                              "reply_to, created_at FROM senders WHERE workspace_id = ? AND uuid = ?"));
  return One<core::Sender>(&st->Bind(1, ws).Bind(2, uuid), [](const Statement& s) {
    return core::Sender{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                        s.Int(7)};
  }, "sender");
}

Result<std::vector<core::Sender>> SqliteTxn::ListSenders(int64_t ws) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("SELECT id, workspace_id, uuid, name, from_name, from_address, "
                              "reply_to, created_at FROM senders WHERE workspace_id = ? ORDER BY id"));
  return All<core::Sender>(&st->Bind(1, ws), [](const Statement& s) {
    return core::Sender{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                        s.Int(7)};
  });
}

namespace {
core::MessageTemplate ReadTemplate(const Statement& s) {
  return core::MessageTemplate{s.Int(0),  s.Int(1),  s.Text(2), s.Text(3), s.Text(4),
                               s.Text(5), s.Text(6), s.Text(7), s.Int(8),  s.Int(9)};
}
constexpr const char* kTemplateCols =
    "SELECT id, workspace_id, uuid, name, kind, subject, html, text, created_at, updated_at "
    "FROM templates ";
core::WorkspaceSetting ReadSetting(const Statement& s) {
  return core::WorkspaceSetting{s.Int(0),  s.Int(1),  s.Text(2), s.Text(3),
                                s.Text(4), s.Text(5), s.Text(6)};
}
constexpr const char* kSettingCols =
    "SELECT id, workspace_id, uuid, label, category, type, value FROM workspace_settings ";
}  // namespace

Result<core::MessageTemplate> SqliteTxn::FindTemplate(int64_t ws, const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kTemplateCols) +
                                                   "WHERE workspace_id = ? AND uuid = ?"));
  return One<core::MessageTemplate>(&st->Bind(1, ws).Bind(2, uuid), ReadTemplate, "template");
}

Result<std::vector<core::MessageTemplate>> SqliteTxn::ListTemplates(int64_t ws) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kTemplateCols) + "WHERE workspace_id = ? ORDER BY id"));
  return All<core::MessageTemplate>(&st->Bind(1, ws), ReadTemplate);
}

Result<std::vector<core::WorkspaceSetting>> SqliteTxn::ListSettings(int64_t ws) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kSettingCols) + "WHERE workspace_id = ? ORDER BY id"));
  return All<core::WorkspaceSetting>(&st->Bind(1, ws), ReadSetting);
}

Result<core::WorkspaceSetting> SqliteTxn::FindSetting(int64_t ws, const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(std::string(kSettingCols) +
                                                   "WHERE workspace_id = ? AND uuid = ?"));
  return One<core::WorkspaceSetting>(&st->Bind(1, ws).Bind(2, uuid), ReadSetting, "setting");
}

Status SqliteTxn::IndexTriggers(const Automation& a) {
  ForgetTriggers();
  RIVULET_ASSIGN_OR_RETURN(auto* del,
                           conn_.Prepare("DELETE FROM automation_triggers WHERE automation_id = ?"));
  RIVULET_RETURN_IF_ERROR(del->Bind(1, a.id).Exec());
  RIVULET_ASSIGN_OR_RETURN(
      auto* ins, conn_.Prepare("INSERT OR IGNORE INTO automation_triggers (workspace_id, "
                               "event_type, automation_id) VALUES (?, ?, ?)"));
  for (const auto& t : a.triggers) {
    RIVULET_RETURN_IF_ERROR(ins->Bind(1, a.workspace_id).Bind(2, t.event_type).Bind(3, a.id).Exec());
  }
  if (a.audience_id != 0) {
    RIVULET_RETURN_IF_ERROR(
        ins->Bind(1, a.workspace_id).Bind(2, core::kAudienceTriggerKey).Bind(3, a.id).Exec());
  }
  return Status::Ok();
}

Status SqliteTxn::InsertAutomation(Automation& a) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("INSERT INTO automations (name, description, category, author, status, "
                    "timezone, start_date, end_date, unique_token, allow_reentry, exit_condition, "
                    "unsubscribe_group, remove_action_primary, source_description, graph, "
                    "face_data, updated_at, workspace_id, uuid, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                    "?16, ?17, ?18, ?19, ?20)"));
  BindAutomation(st, a);
  st->Bind(18, a.workspace_id).Bind(19, a.uuid).Bind(20, a.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  a.id = conn_.LastInsertId();
  return IndexTriggers(a);
}

Status SqliteTxn::UpdateAutomation(const Automation& a) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("UPDATE automations SET name = ?1, description = ?2, category = ?3, "
                    "author = ?4, status = ?5, timezone = ?6, start_date = ?7, end_date = ?8, "
                    "unique_token = ?9, allow_reentry = ?10, exit_condition = ?11, "
                    "unsubscribe_group = ?12, remove_action_primary = ?13, "
                    "source_description = ?14, graph = ?15, face_data = ?16, updated_at = ?17 "
                    "WHERE workspace_id = ?18 AND id = ?19"));
  BindAutomation(st, a);
  st->Bind(18, a.workspace_id).Bind(19, a.id);
  RIVULET_RETURN_IF_ERROR(ExpectChange(conn_, st, "automation"));
  return IndexTriggers(a);
}

Status SqliteTxn::DeleteAutomation(int64_t ws, int64_t id) {
  ForgetTriggers();
  for (const char* sql : {"DELETE FROM outbox WHERE automation_id = ?2 AND workspace_id = ?1",
                          "DELETE FROM tokens WHERE automation_id = ?2 AND workspace_id = ?1"}) {
    RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare(sql));
    RIVULET_RETURN_IF_ERROR(st->Bind(1, ws).Bind(2, id).Exec());
  }
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare("DELETE FROM automations WHERE workspace_id = ? AND id = ?"));
  return ExpectChange(conn_, &st->Bind(1, ws).Bind(2, id), "automation");
}

Status SqliteTxn::InsertToken(Token& t) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("INSERT INTO tokens (step_uuid, phase, wake_at, waiting_event, status, "
                    "run_data, event, step_data, source_uuid, step_entered_at, updated_at, "
                    "error_message, error_at, workspace_id, automation_id, uuid, contact_id, "
                    "entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                    "?14, ?15, ?16, ?17, ?18)"));
  BindToken(st, t);
  st->Bind(14, t.workspace_id).Bind(15, t.automation_id).Bind(16, t.uuid);
  st->Bind(17, t.contact_id).Bind(18, t.entered_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  t.id = conn_.LastInsertId();
  NoteWaiting(t);
  return Status::Ok();
}

Status SqliteTxn::UpdateToken(const Token& t) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("UPDATE tokens SET step_uuid = ?1, phase = ?2, wake_at = ?3, "
                    "waiting_event = ?4, status = ?5, run_data = ?6, event = ?7, step_data = ?8, "
                    "source_uuid = ?9, step_entered_at = ?10, updated_at = ?11, "
                    "error_message = ?12, error_at = ?13 WHERE id = ?14"));
  BindToken(st, t);
  st->Bind(14, t.id);
  NoteWaiting(t);
  return ExpectChange(conn_, st, "token");
}

// Tokens of a disabled workspace (a Contactflow node with active=false) are neither due nor
// claimed: a disabled node is not operational until it is enabled again.
Result<std::vector<Token>> SqliteTxn::ClaimDueTokens(core::Millis now, int limit) {
  // SQLite serializes writers, so reading inside the write transaction is the claim.
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kTokenCols) +
                              "JOIN automations a ON a.id = t.automation_id "
                              "JOIN workspaces w ON w.id = t.workspace_id "
                              "WHERE t.wake_at IS NOT NULL AND t.wake_at <= ? AND "
                              "a.status = 'RUNNING' AND w.active = 1 ORDER BY t.wake_at LIMIT ?"));
  return All<Token>(&st->Bind(1, now).Bind(2, static_cast<int64_t>(limit)), ReadToken);
}

Result<int64_t> SqliteTxn::ExitExpiredTokens(int64_t automation_id, core::Millis now) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE tokens SET status = 'EXITED', wake_at = NULL, "
                              "waiting_event = '', updated_at = ?1 WHERE automation_id = ?2 AND "
                              "status = 'ACTIVE' AND phase = 'waiting' AND wake_at IS NOT NULL AND "
                              "wake_at < ?1 AND json_extract(step_data, '$.triggered') IS NOT 1"));
  RIVULET_RETURN_IF_ERROR(st->Bind(1, now).Bind(2, automation_id).Exec());
  return static_cast<int64_t>(conn_.Changes());
}

Status SqliteTxn::InsertOutboxMessage(OutboxMessage& m) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("INSERT INTO outbox (workspace_id, automation_id, token_id, contact_id, uuid, "
                    "step_uuid, channel, idempotency_key, payload, status, attempts, "
                    "next_attempt_at, lease_until, last_error, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, m.workspace_id).Bind(2, m.automation_id).Bind(3, m.token_id).Bind(4, m.contact_id);
  st->Bind(5, m.uuid).Bind(6, m.step_uuid).Bind(7, m.channel).Bind(8, m.idempotency_key);
  st->Bind(9, m.payload_json).Bind(10, m.status).Bind(11, int64_t{m.attempts});
  st->Bind(12, m.next_attempt_at).Bind(13, m.lease_until).Bind(14, m.last_error);
  st->Bind(15, m.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  m.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::UpdateOutboxMessage(const OutboxMessage& m) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, "
                    "lease_until = ?, last_error = ?, sent_at = ?, opened_at = ?, clicked_at = ?, "
                    "bounced_at = ?, unsubscribed_at = ?, open_count = ?, click_count = ? "
                    "WHERE id = ?"));
  st->Bind(1, m.status).Bind(2, int64_t{m.attempts}).Bind(3, m.next_attempt_at);
  st->Bind(4, m.lease_until).Bind(5, m.last_error);
  BindOpt(st, 6, m.sent_at);
  BindOpt(st, 7, m.opened_at);
  BindOpt(st, 8, m.clicked_at);
  BindOpt(st, 9, m.bounced_at);
  BindOpt(st, 10, m.unsubscribed_at);
  st->Bind(11, m.open_count).Bind(12, m.click_count).Bind(13, m.id);
  return ExpectChange(conn_, st, "message");
}

Result<bool> SqliteTxn::FinishOutboxAttempt(const OutboxMessage& m, int claimed_attempts) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, "
                              "lease_until = ?, last_error = ?, sent_at = ? "
                              "WHERE id = ? AND status = 'sending' AND attempts = ?"));
  st->Bind(1, m.status).Bind(2, int64_t{m.attempts}).Bind(3, m.next_attempt_at);
  st->Bind(4, m.lease_until).Bind(5, m.last_error);
  BindOpt(st, 6, m.sent_at);
  st->Bind(7, m.id).Bind(8, int64_t{claimed_attempts});
  RIVULET_RETURN_IF_ERROR(st->Exec());
  return conn_.Changes() == 1;
}

Result<std::vector<OutboxMessage>> SqliteTxn::ClaimOutbox(core::Millis now, int limit,
                                                         core::Millis lease_until) {
  // The status IN (...) term lets SQLite walk the partial index outbox_due in order instead of
  // scanning (and sorting) the whole outbox, sent messages included, on every claim.
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kOutboxCols) +
                              "WHERE status IN ('pending', 'sending') AND "
                              "((status = 'pending' AND next_attempt_at <= ?1) OR "
                              "(status = 'sending' AND lease_until <= ?1)) "
                              "ORDER BY next_attempt_at LIMIT ?2"));
  RIVULET_ASSIGN_OR_RETURN(std::vector<OutboxMessage> due,
                           All<OutboxMessage>(&st->Bind(1, now).Bind(2, static_cast<int64_t>(limit)),
                                              ReadOutbox));
  RIVULET_ASSIGN_OR_RETURN(
      auto* claim,
      conn_.Prepare("UPDATE outbox SET status = 'sending', lease_until = ? WHERE id = ?"));
  for (auto& m : due) {
    m.status = "sending";
    m.lease_until = lease_until;
    RIVULET_RETURN_IF_ERROR(ExpectChange(conn_, &claim->Bind(1, lease_until).Bind(2, m.id),
                                         "message"));
  }
  return due;
}

Status SqliteTxn::AddCounters(const std::vector<CounterDelta>& deltas) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO counters (automation_id, step_uuid, name, value) "
                              "VALUES (?, ?, ?, ?) ON CONFLICT (automation_id, step_uuid, name) "
                              "DO UPDATE SET value = value + excluded.value"));
  for (const auto& d : deltas) {
    if (d.delta == 0) continue;
    RIVULET_RETURN_IF_ERROR(
        st->Bind(1, d.automation_id).Bind(2, d.step_uuid).Bind(3, d.name).Bind(4, d.delta).Exec());
  }
  return Status::Ok();
}

Result<std::string> SqliteTxn::GetOrCreateSecret(const std::string& name,
                                                 const std::string& candidate) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* ins, conn_.Prepare("INSERT OR IGNORE INTO instance_secrets (name, value) VALUES (?, ?)"));
  RIVULET_RETURN_IF_ERROR(ins->Bind(1, name).Bind(2, candidate).Exec());
  RIVULET_ASSIGN_OR_RETURN(auto* sel,
                           conn_.Prepare("SELECT value FROM instance_secrets WHERE name = ?"));
  return One<std::string>(&sel->Bind(1, name), [](const Statement& s) { return s.Text(0); },
                          "secret");
}

Status SqliteTxn::InsertSender(core::Sender& s) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO senders (workspace_id, uuid, name, from_name, "
                              "from_address, reply_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, s.workspace_id).Bind(2, s.uuid).Bind(3, s.name).Bind(4, s.from_name);
  st->Bind(5, s.from_address).Bind(6, s.reply_to).Bind(7, s.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  s.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::InsertTemplate(core::MessageTemplate& t) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO templates (workspace_id, uuid, name, kind, subject, "
                              "html, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, t.workspace_id).Bind(2, t.uuid).Bind(3, t.name).Bind(4, t.kind).Bind(5, t.subject);
  st->Bind(6, t.html).Bind(7, t.text).Bind(8, t.created_at).Bind(9, t.updated_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  t.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::UpdateTemplate(const core::MessageTemplate& t) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE templates SET name = ?, kind = ?, subject = ?, html = ?, "
                              "text = ?, updated_at = ? WHERE workspace_id = ? AND id = ?"));
  st->Bind(1, t.name).Bind(2, t.kind).Bind(3, t.subject).Bind(4, t.html).Bind(5, t.text);
  st->Bind(6, t.updated_at).Bind(7, t.workspace_id).Bind(8, t.id);
  return ExpectChange(conn_, st, "template");
}

Status SqliteTxn::InsertSetting(core::WorkspaceSetting& s) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO workspace_settings (workspace_id, uuid, label, "
                              "category, type, value) VALUES (?, ?, ?, ?, ?, ?)"));
  st->Bind(1, s.workspace_id).Bind(2, s.uuid).Bind(3, s.label).Bind(4, s.category);
  st->Bind(5, s.type).Bind(6, s.value_json);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  s.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::UpdateSetting(const core::WorkspaceSetting& s) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE workspace_settings SET label = ?, category = ?, type = ?, "
                              "value = ? WHERE workspace_id = ? AND id = ?"));
  st->Bind(1, s.label).Bind(2, s.category).Bind(3, s.type).Bind(4, s.value_json);
  st->Bind(5, s.workspace_id).Bind(6, s.id);
  return ExpectChange(conn_, st, "setting");
}

Status SqliteTxn::DeleteSetting(int64_t ws, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("DELETE FROM workspace_settings WHERE workspace_id = ? AND id = ?"));
  return ExpectChange(conn_, &st->Bind(1, ws).Bind(2, id), "setting");
}

}  // namespace rivulet::store::sqlite
