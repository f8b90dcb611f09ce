#include "delivery/socket_gate.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace rivulet::delivery {
namespace {

std::string AddressText(const curl_sockaddr* address) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
  } else if (address->family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
  }
  return buf;
}

curl_socket_t OpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* gate = static_cast<SocketGate*>(clientp);
  if (purpose == CURLSOCKTYPE_IPCXN && gate && !gate->Admit(AddressText(address))) {
    return CURL_SOCKET_BAD;
  }
  // CLOEXEC: a child process started meanwhile must not inherit the connection.
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

}  // namespace

void SocketGate::Install(CURL* h) {
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, this);
}

void SocketGate::Remove(CURL* h) { curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, nullptr); }

bool SocketGate::Admit(const std::string& ip) {
  bool check_allow = allow_ && *allow_;
  bool check_policy = policy_ && policy_->has_value();
  if (!check_allow && !check_policy) return true;
  bool allowed = !ip.empty();
  if (allowed && check_allow) {
    try {
      allowed = (*allow_)(ip);
    } catch (...) {
      allowed = false;
    }
  }
  if (allowed && check_policy) {
    std::string why = (*policy_)->DenialReason(ip);
    if (!why.empty()) {
      allowed = false;
      denied_reason_ = std::move(why);
    }
  }
  if (!allowed) {
    denied_ = true;
    denied_address_ = ip;
  }
  return allowed;
}

std::string SocketGate::Detail() const {
  std::string detail = "address not allowed: " + denied_address_;
  if (!denied_reason_.empty()) {
    detail += " is " + denied_reason_ +
              " (private, loopback and link-local networks must be listed in outbound_allow)";
  }
  return detail;
}

}  // namespace rivulet::delivery
