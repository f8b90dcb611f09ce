// The ceiling for HTTP benchmarks: a minimal Boost.Beast keep-alive server on the same
// threading model as rivulet's server (C++20 coroutines, one io_context per thread), answering
// every request with a small JSON body and doing nothing else.
//
// Usage: bare_beast_server PORT THREADS
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

asio::awaitable<void> Session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    http::request<http::string_body> req;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    http::response<http::string_body> res{http::status::created, req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"ok":true})";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !req.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

// Deals connections to the threads' io_contexts in turn, as rivulet's server does.
asio::awaitable<void> Listen(tcp::acceptor& acceptor,
                             std::vector<std::unique_ptr<asio::io_context>>& contexts) {
  for (size_t next = 0;; ++next) {
    auto socket =
        co_await acceptor.async_accept(*contexts[next % contexts.size()], asio::use_awaitable);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, Session(std::move(socket)), asio::detached);
  }
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
    return 2;
  }
  int threads = std::max(1, std::atoi(argv[2]));
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  asio::io_context& ioc = *contexts[0];
  tcp::acceptor acceptor(
      ioc, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::atoi(argv[1]))});
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](auto, auto) {
    for (auto& c : contexts) c->stop();
  });
  asio::co_spawn(ioc, Listen(acceptor, contexts), asio::detached);
  std::printf("bare beast listening on %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) {
    keep_running.push_back(asio::make_work_guard(*contexts[i]));
    pool.emplace_back([&contexts, i] { contexts[i]->run(); });
  }
  ioc.run();
  for (auto& t : pool) t.join();
}
