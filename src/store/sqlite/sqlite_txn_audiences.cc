// Audiences (contact types, segments), unsubscribe groups and named sequences.
#include "store/sqlite/row_helpers.h"
#include "store/sqlite/sqlite_txn.h"

namespace rivulet::store::sqlite {

namespace {

constexpr const char* kAudienceCols =
    "SELECT id, workspace_id, kind, name, condition, created_at, updated_at FROM audiences ";

core::Audience ReadAudience(const Statement& s) {
  core::Audience a;
  a.id = s.Int(0);
  a.workspace_id = s.Int(1);
  a.kind = s.Text(2) == "contact_type" ? core::Audience::Kind::kContactType
                                       : core::Audience::Kind::kSegment;
  a.name = s.Text(3);
  a.condition_json = s.Text(4);
  a.created_at = s.Int(5);
  a.updated_at = s.Int(6);
  return a;
}

constexpr const char* kGroupCols =
    "SELECT id, workspace_id, name, description, created_at FROM unsubscribe_groups ";

core::UnsubscribeGroup ReadGroup(const Statement& s) {
  return core::UnsubscribeGroup{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Int(4)};
}

}  // namespace

Result<core::Audience> SqliteTxn::FindAudience(int64_t ws, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kAudienceCols) + "WHERE workspace_id = ? AND id = ?"));
  return One<core::Audience>(&st->Bind(1, ws).Bind(2, id), ReadAudience, "audience");
}

Result<std::vector<core::Audience>> SqliteTxn::ListAudiences(int64_t ws,
                                                             core::Audience::Kind kind) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kAudienceCols) + "WHERE workspace_id = ? AND kind = ? "
                                                           "ORDER BY id"));
  return All<core::Audience>(&st->Bind(1, ws).Bind(2, core::AudienceKindName(kind)), ReadAudience);
}

Result<core::UnsubscribeGroup> SqliteTxn::FindUnsubscribeGroup(int64_t ws, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kGroupCols) + "WHERE workspace_id = ? AND id = ?"));
  return One<core::UnsubscribeGroup>(&st->Bind(1, ws).Bind(2, id), ReadGroup, "unsubscribe group");
}

Result<std::vector<core::UnsubscribeGroup>> SqliteTxn::ListUnsubscribeGroups(int64_t ws) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kGroupCols) + "WHERE workspace_id = ? ORDER BY id"));
  return All<core::UnsubscribeGroup>(&st->Bind(1, ws), ReadGroup);
}

Status SqliteTxn::InsertAudience(core::Audience& a) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO audiences (workspace_id, kind, name, condition, "
                              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"));
  st->Bind(1, a.workspace_id).Bind(2, core::AudienceKindName(a.kind)).Bind(3, a.name);
  st->Bind(4, a.condition_json).Bind(5, a.created_at).Bind(6, a.updated_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  a.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::InsertUnsubscribeGroup(core::UnsubscribeGroup& g) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO unsubscribe_groups (workspace_id, name, description, "
                              "created_at) VALUES (?, ?, ?, ?)"));
  st->Bind(1, g.workspace_id).Bind(2, g.name).Bind(3, g.description).Bind(4, g.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  g.id = conn_.LastInsertId();
  return Status::Ok();
}

Result<int64_t> SqliteTxn::NextSequenceValue(const std::string& name) {
  RIVULET_ASSIGN_OR_RETURN(auto* up,
                           conn_.Prepare("INSERT INTO sequences (name, value) VALUES (?, 1) "
                                         "ON CONFLICT(name) DO UPDATE SET value = value + 1"));
  RIVULET_RETURN_IF_ERROR(up->Bind(1, name).Exec());
  RIVULET_ASSIGN_OR_RETURN(auto* sel, conn_.Prepare("SELECT value FROM sequences WHERE name = ?"));
  return One<int64_t>(
      &sel->Bind(1, name), [](const Statement& s) { return s.Int(0); }, "sequence");
}

}  // namespace rivulet::store::sqlite
