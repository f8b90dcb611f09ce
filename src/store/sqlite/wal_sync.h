#ifndef RIVULET_STORE_SQLITE_WAL_SYNC_H_
#define RIVULET_STORE_SQLITE_WAL_SYNC_H_

#include <sys/types.h>

#include <mutex>
#include <string>

#include "core/status.h"

namespace rivulet::store::sqlite {

// Makes what SQLite has written to a database's write-ahead log durable, with fdatasync of
// the "-wal" file. The writer commits with synchronous=NORMAL (no sync inside COMMIT) and a
// group commit is acknowledged only after a Sync() that started after it committed: as
// durable as synchronous=FULL, but the next group commit runs while this one is synced.
// One thread (the store's completion thread) calls Sync(); any one other thread (the
// writer) may call StartWriteback() meanwhile.
class WalSync {
 public:
  explicit WalSync(std::string database_path);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Syncs everything written to the WAL before the call. Reopens the file if SQLite has
  // replaced it; with no WAL file, syncs the database file instead.
  core::Status Sync();

  // Starts the write-out of what the file holds (sync_file_range, without waiting), so that
  // the next Sync() finds the pages on their way and mostly waits for the disk's cache flush.
  // Otherwise fdatasync writes the pages, sleeps until they are written and only then asks
  // for the flush: one more wake-up of the syncing thread on the sync's critical path, which
  // on a busy machine can take longer than the write itself. Best effort: a failure is
  // ignored here and reported by the next Sync(). Before the first Sync(), does nothing.
  void StartWriteback();

 private:
  core::Status Reopen(const std::string& path);
  static bool Identify(const std::string& path, dev_t& dev, ino_t& ino);

  const std::string database_path_;
  const std::string wal_path_;
  std::string open_path_;
  std::mutex fd_mu_;  // Reopen (by the syncing thread) against StartWriteback's use of fd_
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_WAL_SYNC_H_
