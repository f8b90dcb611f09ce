#include "http/file_body.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace rivulet::http {

namespace {

// Owns a file descriptor; closes it when the last copy of the producer goes.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

core::Result<BodyProducer> FileBody(const std::string& path, bool unlink_now) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string why = std::strerror(errno);
    if (errno == ENOENT) return core::NotFound("no such file: " + path);
    return core::Internal("cannot open " + path + ": " + why);
  }
  auto file = std::make_shared<Fd>(fd);
  if (unlink_now) unlink(path.c_str());
  return BodyProducer([file](char* buf, size_t cap) -> std::ptrdiff_t {
    while (true) {
      ssize_t n = read(file->fd, buf, cap);
      if (n >= 0) return n;
      if (errno != EINTR) return -1;
    }
  });
}

}  // namespace rivulet::http
