#ifndef RIVULET_HTTP_MESSAGE_H_
#define RIVULET_HTTP_MESSAGE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/executor.h"

// Plain request/response types. Handlers and faces see only these; Boost.Beast stays in
// server.cc so that it is compiled once.
namespace rivulet::http {

// Header list with case-insensitive lookup, in arrival order. Names and values are kept
// back to back in one string, so a request's headers cost two allocations, not two each.
class Headers {
 public:
  using Field = std::pair<std::string_view, std::string_view>;  // name, value

  void Add(std::string_view name, std::string_view value);
  // First value of the header, if present.
  std::optional<std::string_view> Get(std::string_view name) const;
  size_t size() const { return fields_.size(); }
  Field operator[](size_t i) const {
    const Span& f = fields_[i];
    return {std::string_view(text_).substr(f.name_at, f.name_size),
            std::string_view(text_).substr(f.name_at + f.name_size, f.value_size)};
  }

  class Iterator {
   public:
    Iterator(const Headers* headers, size_t i) : headers_(headers), i_(i) {}
    Field operator*() const { return (*headers_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return i_ != other.i_; }

   private:
    const Headers* headers_;
    size_t i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, fields_.size()); }

 private:
  struct Span {
    size_t name_at;  // the value follows the name in text_
    size_t name_size;
    size_t value_size;
  };
  std::string text_;
  std::vector<Span> fields_;
};

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as received, path and query
  std::string path;    // path as received, without the query (the router decodes segments)
  std::string query;   // raw query string, without '?'
  Headers headers;
  std::string body;
  std::string remote_address;
  std::string request_id;
  // The I/O thread serving the connection, set by the server; outlives the request. A
  // handler has its write's completion run here (store::WriteHint::complete_on), so that
  // the response is built here, and the server sends it from here without another hop.
  core::Executor* thread = nullptr;
};

// Produces a streamed body piece by piece while it is written: fills buf with up to cap
// bytes and returns how many, 0 at the end, or a negative value on an error (the server then
// closes the connection mid-body, so the client never sees a complete-looking body). Called
// on the connection's strand, one call at a time, only when the previous piece has been
// written (so the body is never held whole); it must not block for long (a local file read
// is fine). Destroyed when the response is done or the connection is gone.
using BodyProducer = std::function<std::ptrdiff_t(char* buf, size_t cap)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  BodyProducer stream;  // when set, the body is this, sent with chunked transfer encoding

  static Response Json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response Text(int status, std::string body,
                       std::string type = "text/plain; charset=utf-8") {
    Response r;
    r.status = status;
    r.content_type = std::move(type);
    r.body = std::move(body);
    return r;
  }
  static Response NoContent() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
};

// Called exactly once with the response, from any thread.
using Respond = std::function<void(Response)>;

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_MESSAGE_H_
