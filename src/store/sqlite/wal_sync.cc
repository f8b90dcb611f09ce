#include "store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace rivulet::store::sqlite {

namespace {
core::Status SyncError(const std::string& what, const std::string& path) {
  return core::Status(core::Code::kUnavailable, what + " " + path + ": " + std::strerror(errno),
                      /*retryable=*/true);
}
}  // namespace

WalSync::WalSync(std::string database_path)
    : database_path_(std::move(database_path)), wal_path_(database_path_ + "-wal") {}

WalSync::~WalSync() {
  if (fd_ >= 0) ::close(fd_);
}

core::Status WalSync::Reopen(const std::string& path) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) return SyncError("cannot open", path);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return SyncError("cannot stat", path);
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  open_path_ = path;
  // A newly created file is durable only once its directory entry is.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return SyncError("cannot open directory of", path);
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return SyncError("cannot sync directory of", path);
  return core::Status::Ok();
}

core::Status WalSync::Sync() {
  struct stat st {};
  const std::string* path = &wal_path_;
  if (::stat(wal_path_.c_str(), &st) != 0) {
    if (errno != ENOENT) return SyncError("cannot stat", wal_path_);
    path = &database_path_;  // no WAL (yet): what was written went to the database file
    if (::stat(database_path_.c_str(), &st) != 0) return SyncError("cannot stat", database_path_);
  }
  if (fd_ < 0 || open_path_ != *path || st.st_dev != dev_ || st.st_ino != ino_) {
    RIVULET_RETURN_IF_ERROR(Reopen(*path));
  }
  if (::fdatasync(fd_) != 0) return SyncError("cannot sync", *path);
  return core::Status::Ok();
}

}  // namespace rivulet::store::sqlite
