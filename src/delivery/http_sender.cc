#include "delivery/http_sender.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "delivery/socket_gate.h"
#include "delivery/webhook_signature.h"

namespace rivulet::delivery {
namespace {

struct ResponseSink {
  std::string body;
  size_t max = 0;
  bool truncated = false;
};

size_t Write(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* sink = static_cast<ResponseSink*>(userdata);
  size_t n = size * nmemb;
  size_t room = sink->max - sink->body.size();
  if (n > room) {
    sink->body.append(data, room);
    sink->truncated = true;
    return 0;  // any short count aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

bool IsTchar(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Empty when the header may be sent, else why not.
std::string CheckHeader(const std::string& name, const std::string& value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(),
                                   [](char c) { return IsTchar(static_cast<unsigned char>(c)); })) {
    return fmt::format("invalid header name '{}'", name);
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return fmt::format("header '{}' contains CR, LF or NUL", name);
  }
  if (EqualsNoCase(name, "Content-Length") || EqualsNoCase(name, "Transfer-Encoding")) {
    return fmt::format("header '{}' is set by the sender", name);
  }
  return {};
}

// "scheme://host:port" of url for the handle pool, or empty when url is not http(s).
std::string Origin(const std::string& url) {
  CURLU* u = curl_url();
  std::string origin;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        (std::string_view(scheme) == "http" || std::string_view(scheme) == "https")) {
      origin = fmt::format("{}://{}:{}", scheme, host, port);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return origin;
}

}  // namespace

HttpSender::~HttpSender() = default;

void HttpSender::SendMany(std::span<const HttpRequest> requests,
                          const std::function<void(Completions&)>& done) {
  for (size_t i = 0; i < requests.size(); ++i) {
    Completions one;
    one.emplace_back(i, Send(requests[i]));
    done(one);
  }
}

CurlHttpSender::CurlHttpSender(HttpSenderOptions options)
    : options_(std::move(options)), multis_(options_.max_in_flight) {}

Outcome::Kind CurlHttpSender::KindForStatus(long status) {
  if (status >= 200 && status < 300) return Outcome::Kind::kDelivered;
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
    return Outcome::Kind::kRetryable;
  }
  return Outcome::Kind::kPermanent;
}

Outcome CurlHttpSender::Send(const HttpRequest& req) {
  Outcome out;
  SendMany(std::span<const HttpRequest>(&req, 1),
           [&out](Completions& c) { out = std::move(c.front().second); });
  return out;
}

namespace {

// What one request needs while libcurl runs it; lives until its outcome is known.
struct Transfer {
  const HttpRequest* req = nullptr;
  curl_slist* headers = nullptr;
  ResponseSink sink;
  std::optional<SocketGate> gate;  // set when the handle is configured
  char errbuf[CURL_ERROR_SIZE] = "";

  ~Transfer() { curl_slist_free_all(headers); }
};

// Empty when req may be sent (and t->headers is built), else why not.
std::string Prepare(const HttpRequest& req, Transfer* t) {
  if (Origin(req.url).empty()) return "url must be a valid http:// or https:// URL";
  if (req.method.empty() || !std::all_of(req.method.begin(), req.method.end(),
                                         [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return "method must be an upper-case token";
  }
  bool has_content_type = false;
  for (const auto& [name, value] : req.headers) {
    std::string problem = CheckHeader(name, value);
    if (!problem.empty()) return problem;
    has_content_type = has_content_type || EqualsNoCase(name, "Content-Type");
    // "Name;" is libcurl's spelling of a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    t->headers = curl_slist_append(t->headers, line.c_str());
  }
  if (!has_content_type) t->headers = curl_slist_append(t->headers, "Content-Type:");
  t->headers = curl_slist_append(t->headers, "Expect:");
  t->req = &req;
  t->sink.max = req.max_response_bytes;
  return {};
}

void Configure(CURL* h, Transfer& t, const HttpSenderOptions& options) {
  const HttpRequest& req = *t.req;
  if (!req.signing_secret.empty()) {
    std::string line = std::string(kWebhookSignatureHeader) + ": " +
                       SignWebhook(req.signing_secret, core::SystemClock::Get().Now(), req.body);
    t.headers = curl_slist_append(t.headers, line.c_str());
  }
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, t.headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t.sink);
  t.gate.emplace(&options.allow_address, &options.address_policy);
  t.gate->Install(h);

  const std::string& m = req.method;
  bool send_body = !req.body.empty() || m == "POST" || m == "PUT" || m == "PATCH";
  if (m == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (m == "GET" && !send_body) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    if (send_body) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    }
    if (m != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
  }
}

Outcome Finish(CURL* h, CURLcode rc, Transfer& t) {
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  std::string error = t.errbuf[0] != '\0' ? t.errbuf : curl_easy_strerror(rc);
  const ResponseSink& sink = t.sink;
  const SocketGate& gate = *t.gate;
  Outcome out;
  if (gate.Refused(rc)) {
    out = Outcome::Permanent(0, gate.Detail());
  } else if (status != 0) {
    Outcome::Kind kind = CurlHttpSender::KindForStatus(status);
    std::string detail;
    if (status >= 300 && status < 400) detail = "redirect not followed";
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && sink.truncated)) {
      detail += (detail.empty() ? "" : "; ") + error;
    }
    if (sink.truncated) {
      detail +=
          fmt::format("{}response body cut at {} bytes", detail.empty() ? "" : "; ", sink.max);
    }
    out = kind == Outcome::Kind::kDelivered ? Outcome::Delivered(static_cast<int>(status), detail)
          : kind == Outcome::Kind::kRetryable
              ? Outcome::Retryable(static_cast<int>(status), detail)
              : Outcome::Permanent(static_cast<int>(status), detail);
  } else {
    switch (rc) {
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
      case CURLE_NOT_BUILT_IN:
      case CURLE_BAD_FUNCTION_ARGUMENT:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        out = Outcome::Permanent(0, error);
        break;
      default:
        out = Outcome::Retryable(0, error);
        break;
    }
  }
  out.response_body = std::move(t.sink.body);
  out.response_truncated = sink.truncated;
  return out;
}

}  // namespace

void CurlHttpSender::SendMany(std::span<const HttpRequest> requests,
                              const std::function<void(Completions&)>& done) {
  std::vector<Transfer> transfers(requests.size());
  std::vector<size_t> runnable;  // indexes into requests
  runnable.reserve(requests.size());
  Completions completions;
  for (size_t i = 0; i < requests.size(); ++i) {
    std::string problem = Prepare(requests[i], &transfers[i]);
    if (problem.empty()) {
      runnable.push_back(i);
    } else {
      completions.emplace_back(i, Outcome::Permanent(0, problem));
    }
  }
  if (!completions.empty()) {
    done(completions);
    completions.clear();
  }
  if (runnable.empty()) return;
  CurlMulti& multi = multis_.Acquire("");
  multi.Run(
      runnable.size(), [&](size_t k, CURL* h) { Configure(h, transfers[runnable[k]], options_); },
      [&](size_t k, CURL* h, CURLcode rc) {
        size_t i = runnable[k];
        completions.emplace_back(i, Finish(h, rc, transfers[i]));
        // The handle is reused: leave it no pointer into transfers or the requests.
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, nullptr);
        transfers[i].gate->Remove(h);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
      },
      [&] {
        done(completions);
        completions.clear();
      });
}

}  // namespace rivulet::delivery
