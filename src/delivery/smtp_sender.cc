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

CurlSmtpSender::CurlSmtpSender(SmtpSenderOptions options) : options_(std::move(options)) {}

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
  core::Result<std::string> mime = BuildMime(message, now);
  if (!mime.ok()) return Outcome::Permanent(0, "invalid message: " + mime.status().message());
  std::string url, error;
  if (!BuildUrl(settings, &url, &error)) return Outcome::Permanent(0, error);

  CURL* h = handles_.Acquire(PoolKey(settings));
  Upload upload{&mime.value()};
  std::string mail_from = "<" + message.from_address + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + message.to_address + ">").c_str());
  char errbuf[CURL_ERROR_SIZE] = "";
  SocketGate gate(&options_.allow_address, &options_.address_policy);

  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  gate.Install(h);
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
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &Read);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime->size()));

  CURLcode rc = curl_easy_perform(h);
  long smtp_code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code);

  // The handle outlives this call (and may send QUIT when the pool closes it): leave it no
  // pointer into this frame.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
  gate.Remove(h);
  curl_slist_free_all(rcpt);
  if (gate.Refused(rc)) return Outcome::Permanent(0, gate.Detail());
  return MapResult(rc, smtp_code, errbuf);
}

}  // namespace rivulet::delivery
