#include "http/metrics.h"

#include <fmt/format.h>

namespace rivulet::http {

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             double seconds) {
  std::lock_guard lock(mu_);
  auto key = std::make_tuple(route, method, status);
  auto count = requests_.find(key);
  if (count == requests_.end()) {
    count = requests_.emplace(std::make_tuple(std::string(route), std::string(method), status), 0)
                .first;
  }
  count->second++;
  auto hist = latency_.find(route);
  if (hist == latency_.end()) hist = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = hist->second;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) h.buckets[i]++;
  }
  h.count++;
  h.sum += seconds;
}

void Metrics::AddSource(GaugeSource source) {
  std::lock_guard lock(mu_);
  sources_.push_back(std::move(source));
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP rivulet_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE rivulet_http_requests_total counter\n";
  std::vector<GaugeSource> sources;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out += fmt::format("rivulet_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                         route, method, status, n);
    }
    out += "# HELP rivulet_http_request_duration_seconds Time from routing to response.\n";
    out += "# TYPE rivulet_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format("rivulet_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                           route, kBuckets[i], h.buckets[i]);
      }
      out += fmt::format("rivulet_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                         route, h.count);
      out += fmt::format("rivulet_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
      out += fmt::format("rivulet_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                         h.count);
    }
    sources = sources_;
  }
  out += "# TYPE rivulet_http_open_connections gauge\n";
  out += fmt::format("rivulet_http_open_connections {}\n", open_connections.load());
  out += "# TYPE rivulet_http_in_flight_requests gauge\n";
  out += fmt::format("rivulet_http_in_flight_requests {}\n", in_flight.load());
  for (const auto& s : sources) s(out);
  return out;
}

}  // namespace rivulet::http
