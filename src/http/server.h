#ifndef RIVULET_HTTP_SERVER_H_
#define RIVULET_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/dispatcher.h"

namespace rivulet::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: pick a free port
  int threads = 2;
  int shutdown_grace_seconds = 10;
  bool access_log = true;
};

// HTTP/1.1 keep-alive server on Boost.Beast with C++20 coroutines and N I/O threads, each
// running its own share of the connections.
// Hides all of Asio and Beast behind this interface.
class Server {
 public:
  Server(ServerOptions options, Dispatcher& dispatcher);
  ~Server();

  // Binds and listens. Returns the bound port (useful with port 0).
  core::Result<unsigned short> Listen();
  // Serves until Shutdown() or SIGINT/SIGTERM; then stops accepting, lets in-flight requests
  // finish (up to the grace period) and returns.
  void Run();
  // Thread-safe; may be called from a signal-driven context or another thread.
  void Shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_SERVER_H_
