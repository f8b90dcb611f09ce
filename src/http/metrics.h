#ifndef RIVULET_HTTP_METRICS_H_
#define RIVULET_HTTP_METRICS_H_

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace rivulet::http {

// Request counters and latency histograms by route and status, rendered in the Prometheus
// text format together with gauges that other layers contribute. Thread-safe.
class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);

  // A function that appends complete metric lines ("# TYPE …" and samples) to the text.
  using GaugeSource = std::function<void(std::string& out)>;
  void AddSource(GaugeSource source);

  std::string Render() const;

  std::atomic<int64_t> open_connections{0};
  std::atomic<int64_t> in_flight{0};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  // Found without copying the labels (std::less<>); copied only into a new entry.
  std::map<std::tuple<std::string, std::string, int>, uint64_t, std::less<>> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;  // by route
  std::vector<GaugeSource> sources_;
};

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_METRICS_H_
