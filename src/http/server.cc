#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "core/thread_name.h"
#include "engine/secret_redaction.h"
#include "http/response_head.h"

namespace rivulet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

// How often an I/O thread's watchdog looks for connections past their deadline: the
// resolution of every timeout (idle, read, handler, write).
constexpr auto kWatchdogTick = 250ms;

// The answer to one request, handed from whichever thread the handler answers on to the
// connection's thread, where the session waits for it.
struct Answer {
  std::optional<Response> response;
  asio::any_completion_handler<void()> resume;  // the waiting session; empty otherwise
};

struct Shard;

// One open connection as its thread's watchdog and shutdown see it. It lives in the
// session's coroutine frame and is touched only on the connection's own thread.
struct Connection {
  Connection(Shard& shard, tcp::socket& socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Shard& shard;
  tcp::socket& socket;
  bool idle = true;                          // waiting for the next request's headers
  Clock::time_point deadline = kNoDeadline;  // of what the session waits for now
  std::shared_ptr<Answer> awaited;           // set while the session waits for its handler
  Connection* prev = nullptr;                // in the shard's list
  Connection* next = nullptr;
};

// An I/O thread: its own io_context, run by that thread alone, and the connections it
// serves. A connection stays on the thread that accepted it, so its coroutine needs no
// strand and the threads never contend for one scheduler (decision 0025). One watchdog timer
// per thread enforces the connections' deadlines, rather than a timer per operation.
struct Shard final : core::Executor {
  void Post(std::function<void()> work) override { asio::post(*context, std::move(work)); }

  // Declared first, destroyed last: the context's destruction ends the coroutines it still
  // owns, and each unlinks its Connection from here.
  Connection* connections = nullptr;
  std::unique_ptr<asio::io_context> context = std::make_unique<asio::io_context>(1);
  asio::steady_timer watchdog{*context};
  bool watching = false;  // the watchdog is armed
};

Connection::Connection(Shard& s, tcp::socket& sock) : shard(s), socket(sock) {
  next = shard.connections;
  if (next) next->prev = this;
  shard.connections = this;
}

Connection::~Connection() {
  (prev ? prev->next : shard.connections) = next;
  if (next) next->prev = prev;
}

std::vector<std::unique_ptr<Shard>> MakeShards(int threads) {
  std::vector<std::unique_ptr<Shard>> shards;
  for (int i = 0; i < std::max(threads, 1); ++i) shards.push_back(std::make_unique<Shard>());
  return shards;
}

// A streamed body is written in pieces of this size, each as one chunk.
constexpr size_t kStreamChunkBytes = 64 * 1024;

// Beast's parser writing a request straight into a Request, without a Beast message in
// between: its field container costs an allocation per header field, and copying its fields
// into Request::headers another. The limits (header size, body size) are the parser's own.
class RequestReader final : public bhttp::basic_parser<true> {
 public:
  explicit RequestReader(Request& out) : out_(out) {}
  unsigned version() const { return version_; }
  // The request's (first) Expect field asks for "100 Continue".
  bool expects_continue() const { return expects_continue_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code&) override {
    out_.method.assign(method.data(), method.size());
    out_.target.assign(target.data(), target.size());
    version_ = static_cast<unsigned>(version);
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_method;  // a request parser never sees a status line
  }
  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code&) override {
    if (name == bhttp::field::expect && !seen_expect_) {
      seen_expect_ = true;
      expects_continue_ = bhttp::token_list(value).exists("100-continue");
    }
    out_.headers.Add(std::string_view(name_string.data(), name_string.size()),
                     std::string_view(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    // The parser has checked a declared length against the body limit by now.
    if (length) out_.body.reserve(static_cast<size_t>(*length));
  }
  size_t on_body_impl(beast::string_view piece, beast::error_code&) override {
    out_.body.append(piece.data(), piece.size());
    return piece.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view piece, beast::error_code&) override {
    out_.body.append(piece.data(), piece.size());
    return piece.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  Request& out_;
  unsigned version_ = 11;
  bool seen_expect_ = false;
  bool expects_continue_ = false;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Dispatcher& dispatcher)
      : options_(std::move(options)),
        dispatcher_(dispatcher),
        shards_(MakeShards(options_.threads)),
        acceptor_(*shards_[0]->context),
        signals_(*shards_[0]->context, SIGINT, SIGTERM) {}

  core::Result<unsigned short> Listen() {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(options_.address, ec);
    if (ec) return core::InvalidArgument("bad listen address '" + options_.address + "'");
    tcp::endpoint ep(addr, options_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return core::Unavailable("cannot listen on " + options_.address + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void Run() {
    signals_.async_wait([this](boost::system::error_code ec, int sig) {
      if (!ec) {
        spdlog::info("received signal {}, shutting down", sig);
        BeginShutdown();
      }
    });
    asio::co_spawn(*shards_[0]->context, Accept(), asio::detached);
    // The other threads keep running while their contexts are idle, until StopAll().
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    std::vector<std::thread> threads;
    for (size_t i = 1; i < shards_.size(); ++i) {
      keep_running.push_back(asio::make_work_guard(*shards_[i]->context));
      threads.emplace_back([this, i] {
        core::NameThisThread("rivulet-http");
        shards_[i]->context->run();
      });
    }
    shards_[0]->context->run();
    StopAll();
    for (auto& t : threads) t.join();
    // A session still waiting for its handler belongs to its answer, which the handler
    // may never give: hand the session to its (stopped) context, whose destruction ends it.
    for (auto& shard : shards_) {
      for (Connection* c = shard->connections; c; c = c->next) {
        if (c->awaited) c->awaited->resume = nullptr;
      }
    }
  }

  void BeginShutdown() {
    asio::post(*shards_[0]->context, [this] {
      if (draining_.exchange(true)) return;
      boost::system::error_code ec;
      acceptor_.close(ec);
      signals_.cancel();
      // Each thread ends its own idle connections.
      for (auto& shard : shards_) {
        asio::post(*shard->context, [s = shard.get()] {
          for (Connection* c = s->connections; c; c = c->next) {
            boost::system::error_code ignored;
            if (c->idle) c->socket.cancel(ignored);
          }
        });
      }
      // Give in-flight requests the grace period, then stop regardless.
      auto timer = std::make_shared<asio::steady_timer>(*shards_[0]->context);
      auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(options_.shutdown_grace_seconds);
      WaitDrained(timer, deadline);
    });
  }

 private:
  void StopAll() {
    for (auto& shard : shards_) shard->context->stop();
  }

  void WaitDrained(std::shared_ptr<asio::steady_timer> timer,
                   std::chrono::steady_clock::time_point deadline) {
    size_t open = open_connections_.load();
    if (open == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (open > 0) spdlog::warn("{} connections still open at shutdown", open);
      StopAll();
      return;
    }
    timer->expires_after(20ms);
    timer->async_wait([this, timer, deadline](auto) { WaitDrained(timer, deadline); });
  }

  asio::awaitable<void> Accept() {
    size_t next = 0;
    while (!draining_) {
      boost::system::error_code ec;
      // Connections are dealt to the I/O threads in turn.
      Shard& home = *shards_[next++ % shards_.size()];
      tcp::socket socket = co_await acceptor_.async_accept(
          *home.context, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (draining_ || ec == asio::error::operation_aborted) break;
        spdlog::warn("accept failed: {}", ec.message());
        // Back off briefly on e.g. EMFILE so the loop does not spin.
        asio::steady_timer t(*shards_[0]->context, 50ms);
        co_await t.async_wait(asio::use_awaitable);
        continue;
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Session(std::move(socket), home), asio::detached);
    }
  }

  asio::awaitable<void> Session(tcp::socket socket, Shard& shard) {
    asio::any_io_executor executor = socket.get_executor();  // the connection's thread
    Connection conn(shard, socket);
    OpenConnections open(*this);
    Watch(shard);
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = socket.remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    const Limits& limits = dispatcher_.limits();
    // Holds a request header (up to the header limit) plus one read ahead; the parser bounds
    // what it takes from it. (A smaller buffer turned large valid headers into 400s.)
    beast::flat_buffer buffer(limits.max_header_bytes + 65536);
    boost::system::error_code ec;
    while (!draining_) {
      Request request;
      RequestReader parser(request);
      parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
      // The body limit depends on the route, known only once the header is in; until then
      // Beast must not judge Content-Length.
      parser.body_limit(boost::none);
      conn.idle = true;
      if (buffer.size() == 0) {
        // Idle until the first byte of a request; from then on the request has the (shorter)
        // read timeout, so a client trickling its request (slow loris) is cut off there.
        conn.deadline = Clock::now() + std::chrono::seconds(limits.idle_timeout_seconds);
        size_t n = co_await socket.async_read_some(buffer.prepare(8192),
                                                   asio::redirect_error(asio::use_awaitable, ec));
        buffer.commit(n);
      }
      conn.deadline = Clock::now() + std::chrono::seconds(limits.read_timeout_seconds);
      // A request usually arrives whole in one read: parse what is buffered at once, and read
      // (asynchronously) only for what is missing.
      if (!ec) ParseBuffered(parser, buffer, ec);
      if (!ec && !parser.is_header_done()) {
        co_await bhttp::async_read_header(socket, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
      }
      conn.idle = false;
      if (ec) {
        if (ec == bhttp::error::header_limit) {
          co_await WriteError(
              conn, "/", 431,
              core::PayloadTooLarge("request headers exceed " +
                                    std::to_string(limits.max_header_bytes) + " bytes"));
        } else if (!EndedOrTimedOut(ec)) {
          co_await WriteError(conn, "/", 400,
                              core::InvalidArgument("malformed request: " + ec.message()));
        }
        break;
      }
      const std::string& target = request.target;
      // Only a body larger than the default needs the route's own (larger) limit.
      auto length = parser.content_length();
      size_t body_limit = limits.max_body_bytes;
      if ((length && *length > body_limit) || parser.chunked()) {
        body_limit = dispatcher_.BodyLimitFor(request.method, target);
      }
      if (length && *length > body_limit) {
        co_await WriteError(
            conn, target, 413,
            core::PayloadTooLarge("request body exceeds " + std::to_string(body_limit) + " bytes"));
        break;
      }
      parser.body_limit(body_limit);  // enforced while reading a chunked body
      if (parser.expects_continue() && !parser.is_done()) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.version()};
        co_await bhttp::async_write(socket, cont, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
      }
      if (!parser.is_done()) {
        parser.eager(true);  // from now on a put() goes on into the body
        ParseBuffered(parser, buffer, ec);
      }
      if (!ec && !parser.is_done()) {
        co_await bhttp::async_read(socket, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec) {
        if (ec == bhttp::error::body_limit) {
          co_await WriteError(conn, target, 413,
                              core::PayloadTooLarge("request body exceeds " +
                                                    std::to_string(body_limit) + " bytes"));
        } else if (!EndedOrTimedOut(ec)) {
          co_await WriteError(conn, target, 400,
                              core::InvalidArgument("malformed request body: " + ec.message()));
        }
        break;
      }
      bool keep_alive = parser.keep_alive() && !draining_;
      unsigned version = parser.version();
      request.remote_address = remote;
      request.thread = &shard;
      if (auto id = request.headers.Get("X-Request-Id");
          id && id->size() <= 64 &&
          id->find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
              std::string_view::npos) {
        request.request_id = std::string(*id);
      }
      std::string log_method = request.method, log_target = request.target.substr(0, 200);
      auto started = std::chrono::steady_clock::now();

      // The handler may answer from another thread; the answer hops back to this one. An
      // answer given on this thread (a synchronous handler's, or one passed back through
      // Request::thread) is taken at once.
      auto answer = std::make_shared<Answer>();
      dispatcher_.Dispatch(std::move(request), [answer, executor](Response r) {
        asio::dispatch(executor, [answer, r = std::move(r)]() mutable {
          answer->response = std::move(r);
          if (answer->resume) std::move(answer->resume)();
        });
      });
      if (!answer->response) {
        // Resumed by the answer, or by the watchdog at the handler timeout.
        conn.awaited = answer;
        conn.deadline = Clock::now() + std::chrono::seconds(limits.handler_timeout_seconds);
        co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
            [&answer](auto resume) {
              // Not `answer->resume = std::move(resume)`: Boost 1.81's move assignment of an
              // any_completion_handler wraps it in itself, recursing without end.
              asio::any_completion_handler<void()>(std::move(resume)).swap(answer->resume);
            },
            asio::use_awaitable);
        conn.awaited.reset();
      }
      Response response =
          answer->response
              ? std::move(*answer->response)
              : dispatcher_.ErrorFor(log_target, core::Unavailable("request timed out"));
      int status = response.status;
      size_t bytes = 0;
      // An HTTP/1.0 client learns where a streamed body ends only when the connection closes.
      if (response.stream && version < 11) keep_alive = false;
      // A client must take the response within the read timeout (each piece of a streamed one).
      const auto write_timeout = std::chrono::seconds(limits.read_timeout_seconds);
      if (response.stream) {
        bool complete = co_await WriteStreamed(conn, std::move(response), version, keep_alive,
                                               write_timeout, bytes, ec);
        if (!complete) keep_alive = false;
      } else {
        bytes = response.body.size();
        conn.deadline = Clock::now() + write_timeout;
        co_await WriteResponse(socket, response, version, keep_alive, ec);
      }
      if (options_.access_log) {
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
        spdlog::info("access remote={} method={} target=\"{}\" status={} bytes={} ms={:.2f}",
                     remote, log_method, engine::RedactSecrets(log_target), status, bytes, ms);
      }
      if (ec || !keep_alive) break;
    }
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }

  // The connection's client left, or the watchdog cancelled a read past its deadline (or
  // shutdown an idle connection's): nothing to answer.
  static bool EndedOrTimedOut(const boost::system::error_code& ec) {
    return ec == asio::error::operation_aborted || ec == asio::error::eof ||
           ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset;
  }

  // Counts a session among the open connections for as long as it lives.
  struct OpenConnections {
    explicit OpenConnections(Impl& impl) : impl(impl) {
      impl.open_connections_++;
      impl.dispatcher_.metrics().open_connections++;
    }
    ~OpenConnections() {
      impl.dispatcher_.metrics().open_connections--;
      impl.open_connections_--;
    }
    Impl& impl;
  };

  // Arms the shard's watchdog unless it is: every kWatchdogTick while the shard has
  // connections, it ends what each waits for past its deadline. A read or write is
  // cancelled (again at every tick, should it start late); a session waiting for its
  // handler is resumed without an answer.
  static void Watch(Shard& shard) {
    if (shard.watching) return;
    shard.watching = true;
    shard.watchdog.expires_after(kWatchdogTick);
    shard.watchdog.async_wait([&shard](boost::system::error_code ec) {
      shard.watching = false;
      if (ec) return;
      std::vector<asio::any_completion_handler<void()>> late;
      auto now = Clock::now();
      for (Connection* c = shard.connections; c; c = c->next) {
        if (now < c->deadline) continue;
        if (c->awaited) {
          late.push_back(std::move(c->awaited->resume));
          c->awaited.reset();
          c->deadline = kNoDeadline;
        } else {
          boost::system::error_code ignored;
          c->socket.cancel(ignored);
        }
      }
      // Resumed sessions may end, and leave the list, only now.
      for (auto& resume : late) {
        if (resume) std::move(resume)();
      }
      if (shard.connections) Watch(shard);
    });
  }

  // Feeds the buffered bytes to the parser (up to the end of the header, or with eager() as
  // far as they go) and drops what it used. Running out of bytes is no error: the caller
  // reads more. Any other error is the parser's (malformed input, a limit).
  static void ParseBuffered(RequestReader& parser, beast::flat_buffer& buffer,
                            boost::system::error_code& ec) {
    while (buffer.size() > 0 && !parser.is_done()) {
      boost::system::error_code put_ec;
      size_t used = parser.put(buffer.data(), put_ec);
      buffer.consume(used);
      if (put_ec == bhttp::error::need_more) return;
      if (put_ec) {
        ec = put_ec;
        return;
      }
      if (used == 0 || (parser.is_header_done() && !parser.eager())) return;
    }
  }

  // Writes a response whose body comes from its producer, one piece at a time, so at most
  // one piece is in memory: as chunks (chunked transfer encoding) to an HTTP/1.1 client, as
  // they come to an HTTP/1.0 one, whose body ends when the connection closes (the caller
  // closes it). Each piece must be taken by the client within `timeout`. Returns false when
  // the body was cut short (producer error or a write failure); the connection must then be
  // closed.
  static asio::awaitable<bool> WriteStreamed(Connection& conn, Response&& r, unsigned version,
                                             bool keep_alive, std::chrono::seconds timeout,
                                             size_t& bytes, boost::system::error_code& ec) {
    const bool chunked = version >= 11;
    std::string head = ResponseHead(r, version, keep_alive);
    BodyProducer produce = std::move(r.stream);
    conn.deadline = Clock::now() + timeout;
    co_await asio::async_write(conn.socket, asio::buffer(head),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    std::vector<char> piece(kStreamChunkBytes);
    while (true) {
      std::ptrdiff_t n = produce(piece.data(), piece.size());
      if (n < 0) {
        spdlog::error("streamed response body failed after {} bytes; closing the connection",
                      bytes);
        co_return false;
      }
      // A chunk is "<size in hex>\r\n<data>\r\n"; the last one, of size 0, ends the body.
      char size_line[24];
      int size_len =
          chunked ? std::snprintf(size_line, sizeof size_line, "%zx\r\n", static_cast<size_t>(n))
                  : 0;
      std::array<asio::const_buffer, 3> parts{
          asio::buffer(size_line, static_cast<size_t>(size_len)),
          asio::buffer(piece.data(), static_cast<size_t>(n)),
          asio::buffer("\r\n", chunked ? 2 : 0)};
      conn.deadline = Clock::now() + timeout;
      co_await asio::async_write(conn.socket, parts, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
      bytes += static_cast<size_t>(n);
      if (n == 0) co_return true;
    }
  }

  asio::awaitable<void> WriteError(Connection& conn, std::string_view target, int status,
                                   const core::Status& error) {
    Response r = dispatcher_.ErrorFor(target, error);
    r.status = status;
    boost::system::error_code ec;
    conn.deadline = Clock::now() + 5s;
    co_await WriteResponse(conn.socket, r, 11, false, ec);
  }

  // Writes the head and the body of a whole response with one gathered write (one system
  // call when the socket takes it all), without building Beast's header container.
  static asio::awaitable<void> WriteResponse(tcp::socket& socket, const Response& r,
                                             unsigned version, bool keep_alive,
                                             boost::system::error_code& ec) {
    std::string head = ResponseHead(r, version, keep_alive);
    std::array<asio::const_buffer, 2> pieces{asio::buffer(head), StatusHasNoBody(r.status)
                                                                     ? asio::const_buffer()
                                                                     : asio::buffer(r.body)};
    co_await asio::async_write(socket, pieces, asio::redirect_error(asio::use_awaitable, ec));
  }

  ServerOptions options_;
  Dispatcher& dispatcher_;
  std::vector<std::unique_ptr<Shard>> shards_;  // [0] also accepts and signals
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  std::atomic<bool> draining_{false};
  std::atomic<size_t> open_connections_{0};
};

Server::Server(ServerOptions options, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}
Server::~Server() = default;
core::Result<unsigned short> Server::Listen() { return impl_->Listen(); }
void Server::Run() { impl_->Run(); }
void Server::Shutdown() { impl_->BeginShutdown(); }

}  // namespace rivulet::http
