#ifndef RIVULET_STORE_SQLITE_WAL_BATCHING_VFS_H_
#define RIVULET_STORE_SQLITE_WAL_BATCHING_VFS_H_

#include <cstdint>

namespace rivulet::store::sqlite {

// An SQLite VFS over the default one that turns a commit's WAL frame writes into one
// write() (decision 0029). SQLite writes every frame as two calls, its 24-byte header and
// then its page; a group commit of 20 pages was 40 system calls, and on a VM each costs
// microseconds on the writer's critical path.
//
// Contract, for files SQLite opens as a write-ahead log (every other file passes through):
// - a write that continues the pending run is kept in memory (up to 1 MiB);
//   any other write, a read, a sync, a truncate, a size query, a file control and closing
//   the file first write the pending run out;
// - the write that completes a commit frame (a frame whose "database size after commit"
//   field is not zero: its page after its header, or header and page in one call) is
//   written out with the run before the call returns, and its error is the call's error. SQLite
//   publishes a commit to other connections (in the wal-index) only after that call succeeds, so no
//   reader can see a commit whose frames are not in the file, and WalSync's fdatasync, which runs
//   after COMMIT returns, covers every frame;
// - bytes reach the file in the order SQLite wrote them, so what is on disk is what the
//   default VFS would have left there.
// Uncommitted frames (a spilled page cache) may stay in memory until the next flush point;
// a crash loses them, as it loses any uncommitted transaction.
// Each pending run belongs to one open file, used by one connection's thread at a time.

// Registers the VFS with SQLite once (thread-safe) and returns its name for
// sqlite3_open_v2.
const char* WalBatchingVfsName();

struct WalBatchingStats {
  uint64_t writes_requested = 0;  // WAL writes SQLite asked for
  uint64_t writes_issued = 0;     // write() calls that reached the file
};
// Process-wide totals since start, for tests and benchmarks.
WalBatchingStats GetWalBatchingStats();

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_WAL_BATCHING_VFS_H_
