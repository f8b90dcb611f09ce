// Audiences (contact types, segments), unsubscribe groups and named sequences on PostgreSQL.
#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_txn.h"

namespace rivulet::store::postgres {

namespace {

constexpr const char* kAudienceCols =
    "SELECT id, workspace_id, kind, name, condition, created_at, updated_at FROM audiences ";

core::Audience ReadAudience(const Rows& r, int i) {
  core::Audience a;
  a.id = r.Int(i, 0);
  a.workspace_id = r.Int(i, 1);
  a.kind = r.Text(i, 2) == "contact_type" ? core::Audience::Kind::kContactType
                                          : core::Audience::Kind::kSegment;
  a.name = r.Text(i, 3);
  a.condition_json = r.Text(i, 4);
  a.created_at = r.Int(i, 5);
  a.updated_at = r.Int(i, 6);
  return a;
}

constexpr const char* kGroupCols =
    "SELECT id, workspace_id, name, description, created_at FROM unsubscribe_groups ";

core::UnsubscribeGroup ReadGroup(const Rows& r, int i) {
  return core::UnsubscribeGroup{r.Int(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3), r.Int(i, 4)};
}

}  // namespace

Result<core::Audience> PgTxn::FindAudience(int64_t ws, int64_t id) {
  return One<core::Audience>(
      conn_.Query(std::string(kAudienceCols) + "WHERE workspace_id = $1 AND id = $2",
                  Params().Add(ws).Add(id)),
      ReadAudience, "audience");
}

Result<std::vector<core::Audience>> PgTxn::ListAudiences(int64_t ws, core::Audience::Kind kind) {
  return All<core::Audience>(
      conn_.Query(std::string(kAudienceCols) + "WHERE workspace_id = $1 AND kind = $2 ORDER BY id",
                  Params().Add(ws).Add(std::string(core::AudienceKindName(kind)))),
      ReadAudience);
}

Result<core::UnsubscribeGroup> PgTxn::FindUnsubscribeGroup(int64_t ws, int64_t id) {
  return One<core::UnsubscribeGroup>(
      conn_.Query(std::string(kGroupCols) + "WHERE workspace_id = $1 AND id = $2",
                  Params().Add(ws).Add(id)),
      ReadGroup, "unsubscribe group");
}

Result<std::vector<core::UnsubscribeGroup>> PgTxn::ListUnsubscribeGroups(int64_t ws) {
  return All<core::UnsubscribeGroup>(
      conn_.Query(std::string(kGroupCols) + "WHERE workspace_id = $1 ORDER BY id",
                  Params().Add(ws)),
      ReadGroup);
}

Status PgTxn::InsertAudience(core::Audience& a) {
  RIVULET_ASSIGN_OR_RETURN(
      a.id, ReturnedId(conn_.Query(
                "INSERT INTO audiences (workspace_id, kind, name, condition, created_at, "
                "updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                Params()
                    .Add(a.workspace_id)
                    .Add(std::string(core::AudienceKindName(a.kind)))
                    .Add(a.name)
                    .Add(a.condition_json)
                    .Add(a.created_at)
                    .Add(a.updated_at))));
  return Status::Ok();
}

Status PgTxn::InsertUnsubscribeGroup(core::UnsubscribeGroup& g) {
  RIVULET_ASSIGN_OR_RETURN(
      g.id, ReturnedId(conn_.Query(
                "INSERT INTO unsubscribe_groups (workspace_id, name, description, created_at) "
                "VALUES ($1, $2, $3, $4) RETURNING id",
                Params().Add(g.workspace_id).Add(g.name).Add(g.description).Add(g.created_at))));
  return Status::Ok();
}

Result<int64_t> PgTxn::NextSequenceValue(const std::string& name) {
  return One<int64_t>(
      conn_.Query("INSERT INTO sequences (name, value) VALUES ($1, 1) ON CONFLICT (name) "
                  "DO UPDATE SET value = sequences.value + 1 RETURNING value",
                  Params().Add(name)),
      [](const Rows& r, int i) { return r.Int(i, 0); }, "sequence");
}

}  // namespace rivulet::store::postgres
