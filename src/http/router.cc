#include "http/router.h"

#include <algorithm>
#include <boost/container/small_vector.hpp>

#include "http/form.h"

namespace rivulet::http {
namespace {

// A request's path segments; most paths have few, so they stay on the stack.
using Segments = boost::container::small_vector<std::string, 8>;

template <typename Out = std::vector<std::string>>
Out SplitPath(std::string_view path) {
  Out out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

std::string_view Call::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

Handler Sync(std::function<Response(const Call&)> fn) {
  return [fn = std::move(fn)](const Call& call, Respond respond) { respond(fn(call)); };
}

void Router::Add(const Face* face, std::string method, std::string pattern, Handler handler,
                 RouteOptions options) {
  auto r = std::make_unique<Route>();
  r->face = face;
  r->method = std::move(method);
  r->segments = SplitPath(pattern);
  r->pattern = std::move(pattern);
  r->handler = std::move(handler);
  r->options = options;
  size_t n = r->segments.size();
  if (by_shape_.size() <= n) by_shape_.resize(n + 1);
  std::string first = n == 0 || IsParam(r->segments[0]) ? "" : r->segments[0];
  by_shape_[n][first].push_back(routes_.size());
  if (std::none_of(r->segments.begin(), r->segments.end(), IsParam)) {
    std::string path;
    for (const auto& seg : r->segments) path.append("/").append(seg);
    if (path.empty()) path = "/";
    auto& by_method = literal_[path];
    auto same = std::find_if(by_method.begin(), by_method.end(),
                             [&](const auto& e) { return e.first == r->method; });
    const Route* fast = r->options.accepts ? nullptr : r.get();
    if (same == by_method.end()) {
      by_method.emplace_back(r->method, fast);
    } else {
      same->second = nullptr;
    }
  }
  routes_.push_back(std::move(r));
  if (face && std::find(faces_.begin(), faces_.end(), face) == faces_.end()) {
    faces_.push_back(face);
  }
}

std::vector<const Route*> Router::Routes() const {
  std::vector<const Route*> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r.get());
  return out;
}

template <typename Visit>
void Router::ForEachCandidate(size_t n, std::string_view first, Visit&& visit) const {
  if (n >= by_shape_.size()) return;
  static const std::vector<size_t> kNone;
  auto list = [&](std::string_view key) -> const std::vector<size_t>& {
    auto it = by_shape_[n].find(key);
    return it == by_shape_[n].end() ? kNone : it->second;
  };
  const auto& literal = first.empty() ? kNone : list(first);
  const auto& param = list("");
  // Both lists are in the order the routes were added: merge them.
  size_t i = 0, j = 0;
  while (i < literal.size() || j < param.size()) {
    bool take_literal = j == param.size() || (i < literal.size() && literal[i] < param[j]);
    visit(*routes_[take_literal ? literal[i++] : param[j++]]);
  }
}

Router::Match Router::Find(std::string_view method, std::string_view path,
                           const Request* request) const {
  Match best;
  // The common case first: a path written exactly as a route without parameters.
  if (auto it = literal_.find(path); it != literal_.end()) {
    for (const auto& [m, route] : it->second) {
      if (m == method && route) {
        best.route = route;
        best.path_matched = true;
        return best;
      }
    }
  }
  auto segs = SplitPath<Segments>(path);
  for (auto& seg : segs) {
    if (seg.find('%') == std::string::npos) continue;
    auto decoded = PercentDecode(seg, /*plus_as_space=*/false);
    if (!decoded.ok()) return best;
    seg = std::move(decoded).value();
  }
  // How many of the route's segments are literals equal to the path's; -1 if one differs or
  // if the route's guard refuses the request.
  auto literals_matched = [&](const Route& r) {
    if (request && r.options.accepts && !r.options.accepts(*request)) return -1;
    int literals = 0;
    for (size_t i = 0; i < segs.size(); ++i) {
      const std::string& p = r.segments[i];
      if (IsParam(p)) continue;
      if (p != segs[i]) return -1;
      ++literals;
    }
    return literals;
  };
  // Rank: literal segments first; an accepting guard breaks ties.
  int best_rank = -1;
  const std::string_view first = segs.empty() ? std::string_view() : std::string_view(segs[0]);
  ForEachCandidate(segs.size(), first, [&](const Route& r) {
    int literals = literals_matched(r);
    if (literals < 0) return;
    best.path_matched = true;
    int rank = literals * 2 + (request && r.options.accepts ? 1 : 0);
    if (r.method != method || rank <= best_rank) return;
    best_rank = rank;
    best.route = &r;
  });
  if (!best.route) {
    if (best.path_matched) {  // for 405's Allow header
      ForEachCandidate(segs.size(), first, [&](const Route& r) {
        if (literals_matched(r) < 0) return;
        auto& allowed = best.allowed_methods;
        if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
          allowed.push_back(r.method);
        }
      });
    }
    return best;
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& p = best.route->segments[i];
    if (IsParam(p)) best.params[p.substr(1, p.size() - 2)] = std::move(segs[i]);
  }
  return best;
}

const Face* Router::FaceFor(std::string_view path) const {
  const Face* best = nullptr;
  for (const Face* f : faces_) {
    if (path.substr(0, f->prefix.size()) == f->prefix &&
        (path.size() == f->prefix.size() || path[f->prefix.size()] == '/') &&
        (!best || f->prefix.size() > best->prefix.size())) {
      best = f;
    }
  }
  return best;
}

}  // namespace rivulet::http
