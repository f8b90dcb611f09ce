#ifndef RIVULET_TEST_SUPPORT_POSTGRES_CLUSTER_H_
#define RIVULET_TEST_SUPPORT_POSTGRES_CLUSTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "support/peer_process.h"

namespace rivulet::test_support {

// A throw-away PostgreSQL 15 cluster for the tests of this process: test/support/pg_cluster.py
// run as a peer (initdb/pg_ctl under a temporary directory, a free loopback port, as the
// `postgres` user when we are root). Started on first use, stopped and removed when the
// process exits (the peer also cleans up if we die: it watches its stdin).
class PostgresCluster {
 public:
  // The shared cluster, or nullptr with *why_not set when none can be started here (e.g.
  // PostgreSQL 15 is not installed): callers skip their PostgreSQL tests then.
  static PostgresCluster* Shared(std::string* why_not);

  int port() const { return peer_->port(); }
  // postgres://rivulet@127.0.0.1:<port>/<database>
  std::string Url(const std::string& database) const;
  // A fresh, empty database; its URL.
  core::Result<std::string> CreateDatabase();

 private:
  explicit PostgresCluster(std::unique_ptr<PeerProcess> peer) : peer_(std::move(peer)) {}
  std::unique_ptr<PeerProcess> peer_;
  int next_db_ = 0;
};

// Runs SQL (several statements allowed) through a separate connection to url.
core::Status PgExec(const std::string& url, const std::string& sql);
// Runs one integer-valued query through a separate connection to url.
core::Result<int64_t> PgQueryInt(const std::string& url, const std::string& sql);

}  // namespace rivulet::test_support

#endif  // RIVULET_TEST_SUPPORT_POSTGRES_CLUSTER_H_
