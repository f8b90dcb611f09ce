#include "support/postgres_cluster.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <mutex>

namespace rivulet::test_support {

namespace {

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

core::Result<PgConnPtr> Connect(const std::string& url) {
  PgConnPtr conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return core::Unavailable("cannot connect to " + url + ": " +
                             (conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  return conn;
}

}  // namespace

PostgresCluster* PostgresCluster::Shared(std::string* why_not) {
  static std::mutex mu;
  static std::unique_ptr<PostgresCluster> shared;
  static std::string failure;
  std::lock_guard lock(mu);
  if (!shared && failure.empty()) {
    auto peer =
        PeerProcess::Start({kPeerPython, SourcePath("test/support/pg_cluster.py"), "--watch-stdin"},
                           std::chrono::seconds(90));
    if (peer.ok()) {
      shared.reset(new PostgresCluster(std::move(peer).value()));
    } else {
      failure = peer.status().message();
    }
  }
  if (!shared && why_not) *why_not = failure;
  return shared.get();
}

std::string PostgresCluster::Url(const std::string& database) const {
  return "postgres://rivulet@127.0.0.1:" + std::to_string(port()) + "/" + database;
}

core::Result<std::string> PostgresCluster::CreateDatabase() {
  std::string name = "t_" + std::to_string(::getpid()) + "_" + std::to_string(++next_db_);
  RIVULET_RETURN_IF_ERROR(PgExec(Url("postgres"), "CREATE DATABASE " + name));
  return Url(name);
}

core::Status PgExec(const std::string& url, const std::string& sql) {
  RIVULET_ASSIGN_OR_RETURN(PgConnPtr conn, Connect(url));
  PGresult* res = PQexec(conn.get(), sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  std::string err = PQresultErrorMessage(res);
  PQclear(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return core::Internal(sql + ": " + err);
  return core::Status::Ok();
}

core::Result<int64_t> PgQueryInt(const std::string& url, const std::string& sql) {
  RIVULET_ASSIGN_OR_RETURN(PgConnPtr conn, Connect(url));
  PGresult* res = PQexec(conn.get(), sql.c_str());
  if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1) {
    std::string err = PQresultErrorMessage(res);
    PQclear(res);
    return core::Internal(sql + ": " + err);
  }
  int64_t v = std::strtoll(PQgetvalue(res, 0, 0), nullptr, 10);
  PQclear(res);
  return v;
}

}  // namespace rivulet::test_support
