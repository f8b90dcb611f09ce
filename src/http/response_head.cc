#include "http/response_head.h"

#include <boost/beast/http/status.hpp>
#include <string_view>

namespace rivulet::http {

namespace {

using namespace std::string_view_literals;

bool SafeInHeader(std::string_view s) {
  return s.find_first_of("\r\n\0"sv) == std::string_view::npos;
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

bool StatusHasNoBody(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

std::string ResponseHead(const Response& r, unsigned version, bool keep_alive) {
  std::string out;
  out.reserve(160);
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  out.append(std::to_string(r.status)).push_back(' ');
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
  out.append(reason.data(), reason.size()).append("\r\n");
  AppendField(out, "Server", "rivulet");
  const bool no_body = StatusHasNoBody(r.status);
  if (!r.content_type.empty() && !no_body && SafeInHeader(r.content_type)) {
    AppendField(out, "Content-Type", r.content_type);
  }
  for (auto [name, value] : r.headers) {
    if (!name.empty() && SafeInHeader(name) && SafeInHeader(value)) AppendField(out, name, value);
  }
  if (r.stream) {
    // HTTP/1.1 gets chunks; for HTTP/1.0 the body ends when the connection closes.
    if (version >= 11) AppendField(out, "Transfer-Encoding", "chunked");
  } else if (!no_body) {
    AppendField(out, "Content-Length", std::to_string(r.body.size()));
  }
  if (version >= 11 && !keep_alive) AppendField(out, "Connection", "close");
  if (version == 10 && keep_alive) AppendField(out, "Connection", "keep-alive");
  out.append("\r\n");
  return out;
}

}  // namespace rivulet::http
