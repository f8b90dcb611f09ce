#ifndef RIVULET_TEST_SUPPORT_PEER_PROCESS_H_
#define RIVULET_TEST_SUPPORT_PEER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rivulet::test_support {

// A real peer (an SMTP sink, an HTTP receiver, ...) run as a child process for the length of
// a test. The child must print a line containing "listening on <port>" on stdout once it
// accepts connections, and should print little else there (nobody reads stdout afterwards).
//
// The child's stdin is a pipe this object holds open: it reaches EOF when the object is
// destroyed or the test process dies, so a peer that watches stdin (--watch-stdin in
// test/support/*.py) never outlives its test. File descriptors other than 0-2 are closed in
// the child.
class PeerProcess {
 public:
  // Spawns argv (argv[0] is a path; no PATH lookup) and waits up to `timeout` for the
  // listening line. stderr goes to stderr_path (appended) or, when empty, to ours.
  // Unavailable when the child cannot be started, exits or stays silent; the message then
  // holds what it printed.
  static core::Result<std::unique_ptr<PeerProcess>> Start(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = std::chrono::seconds(15),
      const std::string& stderr_path = "");

  // Stop().
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Closes stdin, sends SIGTERM, waits up to 5 s, then SIGKILLs, and reaps the child.
  // Idempotent.
  void Stop();

 private:
  PeerProcess(pid_t pid, int stdin_fd, int stdout_fd, int port)
      : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd), port_(port) {}

  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  int port_;
};

// The interpreter for test peers: Debian's, which has python3-aiosmtpd (the python3 first on
// PATH may be another one).
inline constexpr const char* kPeerPython = "/usr/bin/python3";

// Absolute path of `relative` (e.g. "test/support/smtp_sink.py") in the source tree: under
// $RIVULET_SOURCE_DIR when set, else found from this file's compile-time path, else by
// walking up from the working directory.
std::string SourcePath(std::string_view relative);

// A loopback TCP port nothing listens on at the moment of the call (bound, then released).
int UnusedLoopbackPort();

// Polls `done` every few milliseconds until it returns true (then true) or `timeout` passes
// (then false). For waiting on effects of other processes, never for pacing.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A fresh directory under $RIVULET_TEST_TMP (or /tmp), removed with its contents on
// destruction.
class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// The whole file, or "" when it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace rivulet::test_support

#endif  // RIVULET_TEST_SUPPORT_PEER_PROCESS_H_
