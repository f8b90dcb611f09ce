#include "delivery/smtp_sender.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/crypto.h"
#include "delivery/socket_gate.h"

namespace rivulet::delivery {
namespace {

// The message being uploaded as SMTP DATA; libcurl pulls it through Read.
struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t Read(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* upload = static_cast<Upload*>(userdata);
  size_t n = std::min(size * nitems, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// The URL libcurl gets (with the EHLO name as its path), or an error text.
bool BuildUrl(const SmtpSettings& s, std::string* url, std::string* error) {
  std::string_view u = s.url;
  size_t scheme_len;
  if (StartsWithNoCase(u, "smtp://")) {
    scheme_len = 7;
  } else if (StartsWithNoCase(u, "smtps://")) {
    scheme_len = 8;
  } else {
    *error = "SMTP url must start with smtp:// or smtps://";
    return false;
  }
  while (!u.empty() && u.back() == '/') u.remove_suffix(1);
  if (u.size() <= scheme_len || u.find('/', scheme_len) != std::string_view::npos) {
    *error = "SMTP url must be scheme://host[:port] without a path";
    return false;
  }
  bool helo_ok = std::all_of(s.helo_domain.begin(), s.helo_domain.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  });
  if (!helo_ok) {
    *error = "helo_domain must be a host name";
    return false;
  }
  *url = std::string(u);
  if (!s.helo_domain.empty()) *url += "/" + s.helo_domain;
  return true;
}

std::string PoolKey(const SmtpSettings& s) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", s.url, s.username, core::Sha256Hex(s.password),
                     static_cast<int>(s.tls), s.verify_peer, s.helo_domain);
}

}  // namespace

EmailSender::~EmailSender() = default;

void EmailSender::SendMany(std::span<const EmailJob> jobs, core::Millis now,
                           const std::function<void(Completions&)>& done) {
  for (size_t i = 0; i < jobs.size(); ++i) {
    Completions one;
    one.emplace_back(i, Send(*jobs[i].settings, *jobs[i].message, now));
    done(one);
  }
}

CurlSmtpSender::CurlSmtpSender(SmtpSenderOptions options)
    : options_(std::move(options)), multis_(options_.connections_per_relay) {}

Outcome CurlSmtpSender::MapResult(CURLcode rc, long smtp_code, const std::string& error) {
  int code = static_cast<int>(smtp_code);
  if (rc == CURLE_OK) return Outcome::Delivered(code);
  std::string detail = error.empty() ? curl_easy_strerror(rc) : error;
  if (rc == CURLE_LOGIN_DENIED) return Outcome::Permanent(code, "login denied: " + detail);
  if (code >= 400 && code < 500) return Outcome::Retryable(code, detail);
  if (code >= 500 && code < 600) return Outcome::Permanent(code, detail);
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_USE_SSL_FAILED:  // STARTTLS required but not offered
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_AUTH_ERROR:
      return Outcome::Permanent(code, detail);
    default:
      // Resolution, connection, TLS handshake, send/receive failures and timeouts.
      return Outcome::Retryable(code, detail);
  }
}

Outcome CurlSmtpSender::Send(const SmtpSettings& settings, const EmailMessage& message,
                             core::Millis now) {
  Outcome out;
  EmailJob job{&settings, &message};
  SendMany(std::span<const EmailJob>(&job, 1), now,
           [&out](Completions& c) { out = std::move(c.front().second); });
  return out;
}

namespace {

// What one e-mail needs while libcurl sends it; lives until its outcome is known.
struct Transfer {
  std::string mime;
  Upload upload{nullptr};
  std::string mail_from;
  curl_slist* rcpt = nullptr;
  char errbuf[CURL_ERROR_SIZE] = "";
  std::optional<SocketGate> gate;  // set when the handle is configured

  ~Transfer() { curl_slist_free_all(rcpt); }
};

void Configure(CURL* h, const SmtpSettings& settings, const std::string& url,
               const SmtpSenderOptions& options, Transfer& t) {
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  t.gate.emplace(&options.allow_address, &options.address_policy);
  t.gate->Install(h);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout_ms));
  long use_ssl = CURLUSESSL_NONE;
  switch (settings.tls) {
    case SmtpSettings::Tls::kNone:
      use_ssl = CURLUSESSL_NONE;
      break;
    case SmtpSettings::Tls::kStartTlsIfAvailable:
      use_ssl = CURLUSESSL_TRY;
      break;
    case SmtpSettings::Tls::kStartTlsRequired:
      use_ssl = CURLUSESSL_ALL;
      break;
  }
  curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, settings.verify_peer ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, settings.verify_peer ? 2L : 0L);
  if (!settings.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, settings.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, settings.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, t.mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, t.rcpt);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &Read);
  curl_easy_setopt(h, CURLOPT_READDATA, &t.upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.mime.size()));
}

}  // namespace

void CurlSmtpSender::SendMany(std::span<const EmailJob> jobs, core::Millis now,
                              const std::function<void(Completions&)>& done) {
  std::vector<Transfer> transfers(jobs.size());
  // Runnable jobs grouped by connection key, each group with its URL, in order of first use.
  struct Group {
    std::string key;
    std::string url;
    std::vector<size_t> jobs;
  };
  std::vector<Group> groups;
  Completions completions;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const SmtpSettings& settings = *jobs[i].settings;
    const EmailMessage& message = *jobs[i].message;
    core::Result<std::string> mime = BuildMime(message, now);
    if (!mime.ok()) {
      completions.emplace_back(
          i, Outcome::Permanent(0, "invalid message: " + mime.status().message()));
      continue;
    }
    std::string url, error;
    if (!BuildUrl(settings, &url, &error)) {
      completions.emplace_back(i, Outcome::Permanent(0, error));
      continue;
    }
    Transfer& t = transfers[i];
    t.mime = std::move(mime).value();
    t.upload.data = &t.mime;
    t.mail_from = "<" + message.from_address + ">";
    t.rcpt = curl_slist_append(nullptr, ("<" + message.to_address + ">").c_str());
    std::string key = PoolKey(settings);
    auto g =
        std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.key == key; });
    if (g == groups.end()) {
      groups.push_back(Group{std::move(key), std::move(url), {}});
      g = groups.end() - 1;
    }
    g->jobs.push_back(i);
  }
  if (!completions.empty()) {
    done(completions);
    completions.clear();
  }
  for (const Group& group : groups) {
    CurlMulti& multi = multis_.Acquire(group.key);
    multi.Run(
        group.jobs.size(),
        [&](size_t k, CURL* h) {
          size_t i = group.jobs[k];
          Configure(h, *jobs[i].settings, group.url, options_, transfers[i]);
        },
        [&](size_t k, CURL* h, CURLcode rc) {
          size_t i = group.jobs[k];
          long smtp_code = 0;
          curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code);
          Transfer& t = transfers[i];
          completions.emplace_back(i, t.gate->Refused(rc)
                                          ? Outcome::Permanent(0, t.gate->Detail())
                                          : MapResult(rc, smtp_code, t.errbuf));
          // The handle is reused: leave it no pointer into transfers.
          curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
          curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
          curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
          t.gate->Remove(h);
        },
        [&] {
          done(completions);
          completions.clear();
        });
  }
}

}  // namespace rivulet::delivery
