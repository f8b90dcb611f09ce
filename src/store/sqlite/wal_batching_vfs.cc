#include "store/sqlite/wal_batching_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

namespace rivulet::store::sqlite {

namespace {

// A commit writes every page it changed once; 1 MiB holds 250 frames of 4 KiB.
constexpr size_t kMaxPending = size_t{1} << 20;
// The default unix VFS writes at most 128 KiB - 1 bytes a call (it masks the length).
constexpr size_t kMaxWrite = 124 * 1024;
// The WAL format's frame header: page number, then the database size in pages after a
// commit (zero for the other frames of a transaction), then salts and checksums.
constexpr size_t kFrameHeaderBytes = 24;
constexpr char kVfsName[] = "rivulet-wal-batching";

std::atomic<uint64_t> writes_requested{0};
std::atomic<uint64_t> writes_issued{0};

sqlite3_vfs* root_vfs = nullptr;  // the default VFS, set once before registration

struct PendingRun {
  std::string bytes;
  sqlite3_int64 offset = 0;          // file offset of bytes[0]
  bool after_commit_header = false;  // the last write was a commit frame's header
};

// The file SQLite sees; the default VFS's file follows it in the same allocation
// (szOsFile covers both).
struct WalFile {
  sqlite3_file base;
  PendingRun* run;
  sqlite3_file* Real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(WalFile) % 8 == 0, "the default VFS's file must stay aligned");

WalFile* AsWal(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }

int Flush(WalFile* wal) {
  PendingRun& run = *wal->run;
  if (run.bytes.empty()) return SQLITE_OK;
  sqlite3_file* real = wal->Real();
  int rc = SQLITE_OK;
  for (size_t at = 0; at < run.bytes.size() && rc == SQLITE_OK; at += kMaxWrite) {
    size_t n = std::min(kMaxWrite, run.bytes.size() - at);
    rc = real->pMethods->xWrite(real, run.bytes.data() + at, static_cast<int>(n),
                                run.offset + static_cast<sqlite3_int64>(at));
    writes_issued.fetch_add(1, std::memory_order_relaxed);
  }
  // On failure the bytes are dropped with the transaction SQLite is about to roll back.
  run.bytes.clear();
  return rc;
}

// Whether a write starts with a commit frame's header. SQLite writes a frame's header and
// page as two calls; a single call of header and page (24 + a power of two from 512 to
// 65,536 bytes) is recognised too.
bool StartsACommitFrame(const void* data, size_t amount) {
  const size_t page = amount - kFrameHeaderBytes;
  if (amount != kFrameHeaderBytes &&
      (amount < kFrameHeaderBytes + 512 || page > 65536 || (page & (page - 1)) != 0)) {
    return false;
  }
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

int Write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* wal = AsWal(f);
  PendingRun& run = *wal->run;
  writes_requested.fetch_add(1, std::memory_order_relaxed);
  const size_t n = static_cast<size_t>(amount);
  // This write is the page of a commit frame, or a whole commit frame.
  const bool ends_commit =
      run.after_commit_header || (n != kFrameHeaderBytes && StartsACommitFrame(data, n));
  run.after_commit_header = n == kFrameHeaderBytes && StartsACommitFrame(data, n);
  bool continues =
      !run.bytes.empty() && offset == run.offset + static_cast<sqlite3_int64>(run.bytes.size());
  if (!run.bytes.empty() && (!continues || run.bytes.size() + n > kMaxPending || n > kMaxWrite)) {
    if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
  }
  auto write_through = [&] {
    writes_issued.fetch_add(1, std::memory_order_relaxed);
    return wal->Real()->pMethods->xWrite(wal->Real(), data, amount, offset);
  };
  if (n > kMaxWrite) return write_through();  // larger than any frame: not ours to split
  if (run.bytes.empty()) run.offset = offset;
  try {
    run.bytes.append(static_cast<const char*>(data), n);
  } catch (const std::bad_alloc&) {  // out of memory: write what is kept, then this
    if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
    return write_through();
  }
  return ends_commit ? Flush(wal) : SQLITE_OK;
}

int Close(sqlite3_file* f) {
  WalFile* wal = AsWal(f);
  int flushed = Flush(wal);
  sqlite3_file* real = wal->Real();
  int rc = real->pMethods->xClose(real);
  delete wal->run;
  wal->run = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

int Read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
  WalFile* wal = AsWal(f);
  if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
  return wal->Real()->pMethods->xRead(wal->Real(), data, amount, offset);
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  WalFile* wal = AsWal(f);
  if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
  return wal->Real()->pMethods->xTruncate(wal->Real(), size);
}

int Sync(sqlite3_file* f, int flags) {
  WalFile* wal = AsWal(f);
  if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
  return wal->Real()->pMethods->xSync(wal->Real(), flags);
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  WalFile* wal = AsWal(f);
  if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
  return wal->Real()->pMethods->xFileSize(wal->Real(), size);
}

int FileControl(sqlite3_file* f, int op, void* arg) {
  WalFile* wal = AsWal(f);
  if (int rc = Flush(wal); rc != SQLITE_OK) return rc;
  return wal->Real()->pMethods->xFileControl(wal->Real(), op, arg);
}

int Lock(sqlite3_file* f, int level) {
  return AsWal(f)->Real()->pMethods->xLock(AsWal(f)->Real(), level);
}
int Unlock(sqlite3_file* f, int level) {
  return AsWal(f)->Real()->pMethods->xUnlock(AsWal(f)->Real(), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return AsWal(f)->Real()->pMethods->xCheckReservedLock(AsWal(f)->Real(), out);
}
int SectorSize(sqlite3_file* f) {
  return AsWal(f)->Real()->pMethods->xSectorSize(AsWal(f)->Real());
}
int DeviceCharacteristics(sqlite3_file* f) {
  return AsWal(f)->Real()->pMethods->xDeviceCharacteristics(AsWal(f)->Real());
}

// Version 1: SQLite uses shared memory and memory maps on the database file, never on its
// write-ahead log.
sqlite3_io_methods MakeWalMethods() {
  sqlite3_io_methods m{};
  m.iVersion = 1;
  m.xClose = Close;
  m.xRead = Read;
  m.xWrite = Write;
  m.xTruncate = Truncate;
  m.xSync = Sync;
  m.xFileSize = FileSize;
  m.xLock = Lock;
  m.xUnlock = Unlock;
  m.xCheckReservedLock = CheckReservedLock;
  m.xFileControl = FileControl;
  m.xSectorSize = SectorSize;
  m.xDeviceCharacteristics = DeviceCharacteristics;
  return m;
}
const sqlite3_io_methods kWalMethods = MakeWalMethods();

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return root_vfs->xOpen(root_vfs, name, file, flags, out_flags);
  WalFile* wal = AsWal(file);
  wal->base.pMethods = nullptr;
  sqlite3_file* real = wal->Real();
  int rc = root_vfs->xOpen(root_vfs, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (real->pMethods != nullptr) real->pMethods->xClose(real);
    return rc;
  }
  wal->run = new (std::nothrow) PendingRun;
  if (wal->run == nullptr) {
    real->pMethods->xClose(real);
    return SQLITE_NOMEM;
  }
  wal->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

// Everything but opening is the default VFS's, called with the default VFS.
int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return root_vfs->xDelete(root_vfs, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return root_vfs->xAccess(root_vfs, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return root_vfs->xFullPathname(root_vfs, name, size, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return root_vfs->xDlOpen(root_vfs, name); }
void DlError(sqlite3_vfs*, int size, char* out) { root_vfs->xDlError(root_vfs, size, out); }
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return root_vfs->xDlSym(root_vfs, handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) { root_vfs->xDlClose(root_vfs, handle); }
int Randomness(sqlite3_vfs*, int size, char* out) {
  return root_vfs->xRandomness(root_vfs, size, out);
}
int Sleep(sqlite3_vfs*, int micros) { return root_vfs->xSleep(root_vfs, micros); }
int CurrentTime(sqlite3_vfs*, double* out) { return root_vfs->xCurrentTime(root_vfs, out); }
int GetLastError(sqlite3_vfs*, int size, char* out) {
  return root_vfs->xGetLastError(root_vfs, size, out);
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return root_vfs->xCurrentTimeInt64(root_vfs, out);
}

sqlite3_vfs batching_vfs;

}  // namespace

const char* WalBatchingVfsName() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    root_vfs = sqlite3_vfs_find(nullptr);
    batching_vfs = sqlite3_vfs{};
    batching_vfs.iVersion = 2;
    batching_vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + root_vfs->szOsFile;
    batching_vfs.mxPathname = root_vfs->mxPathname;
    batching_vfs.zName = kVfsName;
    batching_vfs.xOpen = Open;
    batching_vfs.xDelete = Delete;
    batching_vfs.xAccess = Access;
    batching_vfs.xFullPathname = FullPathname;
    batching_vfs.xDlOpen = DlOpen;
    batching_vfs.xDlError = DlError;
    batching_vfs.xDlSym = DlSym;
    batching_vfs.xDlClose = DlClose;
    batching_vfs.xRandomness = Randomness;
    batching_vfs.xSleep = Sleep;
    batching_vfs.xCurrentTime = CurrentTime;
    batching_vfs.xGetLastError = GetLastError;
    batching_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    sqlite3_vfs_register(&batching_vfs, /*makeDflt=*/0);
  });
  return kVfsName;
}

WalBatchingStats GetWalBatchingStats() {
  return {writes_requested.load(std::memory_order_relaxed),
          writes_issued.load(std::memory_order_relaxed)};
}

}  // namespace rivulet::store::sqlite
