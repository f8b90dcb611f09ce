#include "support/peer_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace rivulet::test_support {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// Reaps pid if it has exited; true when it has.
bool Reaped(pid_t pid) {
  int status = 0;
  pid_t r = ::waitpid(pid, &status, WNOHANG);
  return r == pid || (r < 0 && errno == ECHILD);
}

}  // namespace

core::Result<std::unique_ptr<PeerProcess>> PeerProcess::Start(const std::vector<std::string>& argv,
                                                              std::chrono::milliseconds timeout,
                                                              const std::string& stderr_path) {
  if (argv.empty()) return core::InvalidArgument("empty argv");
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return core::Unavailable("pipe2 failed");
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return core::Unavailable("pipe2 failed");
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (err != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    return core::Unavailable("posix_spawn " + argv[0] + ": " + std::strerror(err));
  }
  // From here on the destructor cleans up, whatever happens.
  std::unique_ptr<PeerProcess> peer(new PeerProcess(pid, in_pipe[1], out_pipe[0], 0));

  static const std::regex kListening("listening on ([0-9]+)\r?\n");
  std::string output;
  auto deadline = Clock::now() + timeout;
  while (true) {
    std::smatch m;
    if (std::regex_search(output, m, kListening)) {
      peer->port_ = std::stoi(m[1].str());
      return peer;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return core::Unavailable(argv[0] + " did not report a port in time; stdout: " + output);
    }
    pollfd p{peer->stdout_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[1024];
    ssize_t n = ::read(peer->stdout_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return core::Unavailable(argv[0] + " exited early; stdout: " + output);
    output.append(buf, static_cast<size_t>(n));
  }
}

PeerProcess::~PeerProcess() { Stop(); }

void PeerProcess::Stop() {
  CloseFd(&stdin_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(5);
    bool gone = Reaped(pid_);
    while (!gone && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      gone = Reaped(pid_);
    }
    if (!gone) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  CloseFd(&stdout_fd_);
}

std::string SourcePath(std::string_view relative) {
  std::string rel(relative);
  if (const char* env = std::getenv("RIVULET_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return (fs::path(env) / rel).string();
  }
  std::error_code ec;
  // This file is <root>/test/support/peer_process.cc; __FILE__ is absolute in CMake builds
  // and relative to the compiler's working directory in standalone ones.
  fs::path root = fs::path(__FILE__).parent_path().parent_path().parent_path();
  if (fs::exists(root / rel, ec)) return fs::absolute(root / rel, ec).string();
  for (fs::path dir = fs::current_path(ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / rel, ec)) return (dir / rel).string();
    if (dir == dir.root_path()) break;
  }
  return (root / rel).string();
}

int UnusedLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ScopedTempDir::ScopedTempDir() {
  const char* env = std::getenv("RIVULET_TEST_TMP");
  std::string base = env != nullptr && *env != '\0' ? env : "/tmp";
  std::error_code ec;
  fs::create_directories(base, ec);
  std::string templ = base + "/rivulet-test-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    std::fprintf(stderr, "mkdtemp under %s failed: %s\n", base.c_str(), std::strerror(errno));
    std::abort();
  }
  path_ = buf.data();
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace rivulet::test_support
