// Batch enrollment sources (Contactflow customer batches) on PostgreSQL.
#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_txn.h"

namespace rivulet::store::postgres {

namespace {

constexpr const char* kBatchCols =
    "SELECT id, workspace_id, automation_id, uuid, label, status, notification, packets, "
    "accepted, rejected, last_error, created_at, updated_at, closed_at, received, "
    "packet_expanded FROM batch_sources ";

core::BatchSource ReadBatch(const Rows& r, int i) {
  core::BatchSource b;
  b.id = r.Int(i, 0);
  b.workspace_id = r.Int(i, 1);
  b.automation_id = r.Int(i, 2);
  b.uuid = r.Text(i, 3);
  b.label = r.Text(i, 4);
  b.status = core::ParseBatchStatus(r.Text(i, 5)).value_or(core::BatchStatus::kOpen);
  b.notification_json = r.Text(i, 6);
  b.packets = r.Int(i, 7);
  b.accepted = r.Int(i, 8);
  b.rejected = r.Int(i, 9);
  b.last_error = r.Text(i, 10);
  b.created_at = r.Int(i, 11);
  b.updated_at = r.Int(i, 12);
  b.closed_at = r.OptInt(i, 13);
  b.received = r.Int(i, 14);
  b.packet_expanded = r.Int(i, 15);
  return b;
}

core::StagedPacket ReadPacket(const Rows& r, int i) {
  core::StagedPacket p;
  p.id = r.Int(i, 0);
  p.workspace_id = r.Int(i, 1);
  p.automation_id = r.Int(i, 2);
  p.source_id = r.Int(i, 3);
  p.source_uuid = r.Text(i, 4);
  p.last = r.Int(i, 5) != 0;
  p.customers = r.Int(i, 6);
  p.payload = r.Text(i, 7);
  p.created_at = r.Int(i, 8);
  return p;
}

}  // namespace

Result<core::BatchSource> PgTxn::FindBatchSource(int64_t ws, int64_t automation_id,
                                                 const std::string& uuid) {
  return One<core::BatchSource>(
      conn_.Query(std::string(kBatchCols) +
                      "WHERE workspace_id = $1 AND automation_id = $2 AND uuid = $3" + Lock(),
                  Params().Add(ws).Add(automation_id).Add(uuid)),
      ReadBatch, "batch source");
}

Status PgTxn::InsertBatchSource(core::BatchSource& b) {
  RIVULET_ASSIGN_OR_RETURN(
      b.id, ReturnedId(conn_.Query(
                "INSERT INTO batch_sources (workspace_id, automation_id, uuid, label, status, "
                "notification, packets, accepted, rejected, last_error, created_at, updated_at, "
                "closed_at, received, packet_expanded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                "$10, $11, $12, $13, $14, $15) RETURNING id",
                Params()
                    .Add(b.workspace_id)
                    .Add(b.automation_id)
                    .Add(b.uuid)
                    .Add(b.label)
                    .Add(core::BatchStatusName(b.status))
                    .Add(b.notification_json)
                    .Add(int64_t{b.packets})
                    .Add(int64_t{b.accepted})
                    .Add(int64_t{b.rejected})
                    .Add(b.last_error)
                    .Add(b.created_at)
                    .Add(b.updated_at)
                    .Add(b.closed_at)
                    .Add(int64_t{b.received})
                    .Add(int64_t{b.packet_expanded}))));
  return Status::Ok();
}

Status PgTxn::UpdateBatchSource(const core::BatchSource& b) {
  return ExpectChange(
      conn_.Query("UPDATE batch_sources SET label = $1, status = $2, notification = $3, "
                  "packets = $4, accepted = $5, rejected = $6, last_error = $7, updated_at = $8, "
                  "closed_at = $9, received = $10, packet_expanded = $11 WHERE id = $12 AND "
                  "workspace_id = $13",
                  Params()
                      .Add(b.label)
                      .Add(core::BatchStatusName(b.status))
                      .Add(b.notification_json)
                      .Add(int64_t{b.packets})
                      .Add(int64_t{b.accepted})
                      .Add(int64_t{b.rejected})
                      .Add(b.last_error)
                      .Add(b.updated_at)
                      .Add(b.closed_at)
                      .Add(int64_t{b.received})
                      .Add(int64_t{b.packet_expanded})
                      .Add(b.id)
                      .Add(b.workspace_id)),
      "batch source");
}

Status PgTxn::DeleteBatchSource(int64_t ws, int64_t id) {
  return ExpectChange(conn_.Query("DELETE FROM batch_sources WHERE workspace_id = $1 AND id = $2",
                                  Params().Add(ws).Add(id)),
                      "batch source");
}

Result<int64_t> PgTxn::ReleaseHeldTokens(int64_t automation_id, const std::string& source_uuid,
                                         core::Millis wake_at) {
  RIVULET_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("UPDATE tokens SET wake_at = $1 WHERE automation_id = $2 AND source_uuid = $3 "
                  "AND status = 'ACTIVE' AND wake_at IS NULL AND phase = 'enter'",
                  Params().Add(wake_at).Add(automation_id).Add(source_uuid)));
  if (rows.affected() > 0) Signal(true, false);
  return rows.affected();
}

Result<int64_t> PgTxn::DeleteHeldTokens(int64_t automation_id, const std::string& source_uuid) {
  RIVULET_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("DELETE FROM tokens WHERE automation_id = $1 AND source_uuid = $2 AND "
                             "status = 'ACTIVE' AND wake_at IS NULL AND phase = 'enter'",
                             Params().Add(automation_id).Add(source_uuid)));
  return rows.affected();
}

Status PgTxn::InsertStagedPacket(core::StagedPacket& p) {
  RIVULET_ASSIGN_OR_RETURN(
      p.id, ReturnedId(conn_.Query(
                "INSERT INTO batch_packets (workspace_id, automation_id, source_id, source_uuid, "
                "is_last, customers, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                "RETURNING id",
                Params()
                    .Add(p.workspace_id)
                    .Add(p.automation_id)
                    .Add(p.source_id)
                    .Add(p.source_uuid)
                    .Add(int64_t{p.last ? 1 : 0})
                    .Add(p.customers)
                    .Add(p.payload)
                    .Add(p.created_at))));
  return Status::Ok();
}

// An older packet of the same source that another process is expanding is still visible
// (its DELETE is not committed), so packets of one source are expanded one
// at a time, in order. Locking the source too means DeleteOpen and AddPacket (which lock it) never
// wait on a packet lock while the expander waits on theirs.
Result<std::optional<core::StagedPacket>> PgTxn::ClaimStagedPacket() {
  RIVULET_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT p.id, p.workspace_id, p.automation_id, p.source_id, p.source_uuid, "
                  "p.is_last, p.customers, p.payload, p.created_at FROM batch_packets p "
                  "JOIN batch_sources s ON s.id = p.source_id WHERE NOT EXISTS (SELECT 1 FROM "
                  "batch_packets q WHERE q.source_id = p.source_id AND q.id < p.id) "
                  "ORDER BY p.id LIMIT 1 FOR UPDATE OF p, s SKIP LOCKED",
                  Params()));
  if (rows.size() == 0) return std::optional<core::StagedPacket>();
  return std::optional<core::StagedPacket>(ReadPacket(rows, 0));
}

Status PgTxn::DeleteStagedPacket(int64_t id) {
  return ExpectChange(conn_.Query("DELETE FROM batch_packets WHERE id = $1", Params().Add(id)),
                      "staged packet");
}

}  // namespace rivulet::store::postgres
