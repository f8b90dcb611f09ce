// Batch enrollment sources (Contactflow customer batches) on SQLite.
#include "store/sqlite/row_helpers.h"
#include "store/sqlite/sqlite_txn.h"

namespace rivulet::store::sqlite {

namespace {

constexpr const char* kBatchCols =
    "SELECT id, workspace_id, automation_id, uuid, label, status, notification, packets, "
    "accepted, rejected, last_error, created_at, updated_at, closed_at, received, "
    "packet_expanded FROM batch_sources ";
constexpr const char* kPacketCols =
    "SELECT id, workspace_id, automation_id, source_id, source_uuid, is_last, customers, payload, "
    "created_at FROM batch_packets ";

core::BatchSource ReadBatch(const Statement& s) {
  core::BatchSource b;
  b.id = s.Int(0);
  b.workspace_id = s.Int(1);
  b.automation_id = s.Int(2);
  b.uuid = s.Text(3);
  b.label = s.Text(4);
  b.status = core::ParseBatchStatus(s.Text(5)).value_or(core::BatchStatus::kOpen);
  b.notification_json = s.Text(6);
  b.packets = s.Int(7);
  b.accepted = s.Int(8);
  b.rejected = s.Int(9);
  b.last_error = s.Text(10);
  b.created_at = s.Int(11);
  b.updated_at = s.Int(12);
  b.closed_at = s.OptInt(13);
  b.received = s.Int(14);
  b.packet_expanded = s.Int(15);
  return b;
}

core::StagedPacket ReadPacket(const Statement& s) {
  core::StagedPacket p;
  p.id = s.Int(0);
  p.workspace_id = s.Int(1);
  p.automation_id = s.Int(2);
  p.source_id = s.Int(3);
  p.source_uuid = s.Text(4);
  p.last = s.Int(5) != 0;
  p.customers = s.Int(6);
  p.payload = s.Text(7);
  p.created_at = s.Int(8);
  return p;
}

void BindClosedAt(Statement* st, int index, const std::optional<core::Millis>& at) {
  if (at) {
    st->Bind(index, *at);
  } else {
    st->BindNull(index);
  }
}

}  // namespace

Result<core::BatchSource> SqliteTxn::FindBatchSource(int64_t ws, int64_t automation_id,
                                                     const std::string& uuid) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare(std::string(kBatchCols) +
                              "WHERE workspace_id = ? AND automation_id = ? AND uuid = ?"));
  return One<core::BatchSource>(&st->Bind(1, ws).Bind(2, automation_id).Bind(3, uuid), ReadBatch,
                                "batch source");
}

Status SqliteTxn::InsertBatchSource(core::BatchSource& b) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st,
      conn_.Prepare("INSERT INTO batch_sources (workspace_id, automation_id, uuid, label, status, "
                    "notification, packets, accepted, rejected, last_error, created_at, "
                    "updated_at, closed_at, received, packet_expanded) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, b.workspace_id).Bind(2, b.automation_id).Bind(3, b.uuid).Bind(4, b.label);
  st->Bind(5, core::BatchStatusName(b.status)).Bind(6, b.notification_json).Bind(7, b.packets);
  st->Bind(8, b.accepted).Bind(9, b.rejected).Bind(10, b.last_error).Bind(11, b.created_at);
  st->Bind(12, b.updated_at);
  BindClosedAt(st, 13, b.closed_at);
  st->Bind(14, b.received).Bind(15, b.packet_expanded);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  b.id = conn_.LastInsertId();
  return Status::Ok();
}

Status SqliteTxn::UpdateBatchSource(const core::BatchSource& b) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE batch_sources SET label = ?, status = ?, notification = ?, "
                              "packets = ?, accepted = ?, rejected = ?, last_error = ?, "
                              "updated_at = ?, closed_at = ?, received = ?, "
                              "packet_expanded = ? WHERE id = ? AND workspace_id = ?"));
  st->Bind(1, b.label).Bind(2, core::BatchStatusName(b.status)).Bind(3, b.notification_json);
  st->Bind(4, b.packets).Bind(5, b.accepted).Bind(6, b.rejected).Bind(7, b.last_error);
  st->Bind(8, b.updated_at);
  BindClosedAt(st, 9, b.closed_at);
  st->Bind(10, b.received).Bind(11, b.packet_expanded).Bind(12, b.id).Bind(13, b.workspace_id);
  return ExpectChange(conn_, st, "batch source");
}

Status SqliteTxn::DeleteBatchSource(int64_t ws, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("DELETE FROM batch_sources WHERE workspace_id = ? AND id = ?"));
  return ExpectChange(conn_, &st->Bind(1, ws).Bind(2, id), "batch source");
}

Result<int64_t> SqliteTxn::ReleaseHeldTokens(int64_t automation_id, const std::string& source_uuid,
                                             core::Millis wake_at) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("UPDATE tokens SET wake_at = ? WHERE automation_id = ? AND "
                              "source_uuid = ? AND status = 'ACTIVE' AND wake_at IS NULL AND "
                              "phase = 'enter'"));
  RIVULET_RETURN_IF_ERROR(st->Bind(1, wake_at).Bind(2, automation_id).Bind(3, source_uuid).Exec());
  return static_cast<int64_t>(conn_.Changes());
}

Result<int64_t> SqliteTxn::DeleteHeldTokens(int64_t automation_id, const std::string& source_uuid) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("DELETE FROM tokens WHERE automation_id = ? AND source_uuid = ? AND "
                              "status = 'ACTIVE' AND wake_at IS NULL AND phase = 'enter'"));
  RIVULET_RETURN_IF_ERROR(st->Bind(1, automation_id).Bind(2, source_uuid).Exec());
  return static_cast<int64_t>(conn_.Changes());
}

Status SqliteTxn::InsertStagedPacket(core::StagedPacket& p) {
  RIVULET_ASSIGN_OR_RETURN(
      auto* st, conn_.Prepare("INSERT INTO batch_packets (workspace_id, automation_id, source_id, "
                              "source_uuid, is_last, customers, payload, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, p.workspace_id).Bind(2, p.automation_id).Bind(3, p.source_id);
  st->Bind(4, p.source_uuid).Bind(5, int64_t{p.last ? 1 : 0}).Bind(6, p.customers);
  st->Bind(7, p.payload).Bind(8, p.created_at);
  RIVULET_RETURN_IF_ERROR(st->Exec());
  p.id = conn_.LastInsertId();
  return Status::Ok();
}

// The single writer needs no row locks: the oldest packet is the oldest of its source.
Result<std::optional<core::StagedPacket>> SqliteTxn::ClaimStagedPacket() {
  RIVULET_ASSIGN_OR_RETURN(auto* st,
                           conn_.Prepare(std::string(kPacketCols) + "ORDER BY id LIMIT 1"));
  auto found = One<core::StagedPacket>(st, ReadPacket, "staged packet");
  if (found.ok()) return std::optional<core::StagedPacket>(std::move(found).value());
  if (found.status().code() == core::Code::kNotFound) return std::optional<core::StagedPacket>();
  return found.status();
}

Status SqliteTxn::DeleteStagedPacket(int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto* st, conn_.Prepare("DELETE FROM batch_packets WHERE id = ?"));
  return ExpectChange(conn_, &st->Bind(1, id), "staged packet");
}

}  // namespace rivulet::store::sqlite
