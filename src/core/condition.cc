#include "core/condition.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "core/time_format.h"

namespace rivulet::core {
namespace json = boost::json;

namespace {

enum class Kind { kAll, kAny, kNot, kLeaf };

enum class Op { kEq, kNeq, kGt, kGte, kLt, kLte, kContains, kIn, kExists, kBefore, kAfter };

struct OpName {
  std::string_view name;
  Op op;
};

constexpr OpName kOps[] = {
    {"eq", Op::kEq},
    {"neq", Op::kNeq},
    {"gt", Op::kGt},
    {"gte", Op::kGte},
    {"lt", Op::kLt},
    {"lte", Op::kLte},
    {"contains", Op::kContains},
    {"in", Op::kIn},
    {"exists", Op::kExists},
    {"before", Op::kBefore},
    {"after", Op::kAfter},
};

std::string_view NameOf(Op op) {
  for (const auto& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "?";
}

// A leaf's value must not nest deeper than this (evaluation recurses over it).
constexpr size_t kMaxValueDepth = 32;
constexpr size_t kMaxFieldBytes = 1024;

}  // namespace

struct Condition::Node {
  Kind kind = Kind::kAll;
  std::vector<Node> children;  // all, any: the operands; not: exactly one
  // Leaves only.
  std::string field;
  std::vector<std::string> path;
  Op op = Op::kEq;
  json::value value;      // as given; exists: its boolean
  bool relative = false;  // before/after: time is an offset from `now`
  Millis time = 0;        // before/after: absolute Unix ms, or the offset
};

namespace {

using Node = Condition::Node;

// ---- Parsing -----------------------------------------------------------------------------

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

Status Bad(const std::string& path, const std::string& message) {
  std::string where = path.empty() ? "$" : path;
  Status st = InvalidArgument(where + ": " + message);
  st.WithField(where, message);
  return st;
}

size_t ValueDepth(const json::value& v, size_t limit) {
  if (limit == 0) return 1;
  size_t deepest = 0;
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a) deepest = std::max(deepest, ValueDepth(e, limit - 1));
    return deepest + 1;
  }
  if (const auto* o = v.if_object()) {
    for (const auto& kv : *o) deepest = std::max(deepest, ValueDepth(kv.value(), limit - 1));
    return deepest + 1;
  }
  return 1;
}

// "now", or "now" followed by a sign, 1..9 digits and a unit among s, m, h, d, w.
std::optional<Millis> ParseRelative(std::string_view s) {
  if (s.substr(0, 3) != "now") return std::nullopt;
  s.remove_prefix(3);
  if (s.empty()) return 0;
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const bool minus = s[0] == '-';
  const char unit = s.back();
  std::string_view digits = s.substr(1, s.size() - 2);
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  Millis n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  constexpr std::pair<char, Millis> kUnits[] = {
      {'s', 1'000}, {'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}, {'w', 604'800'000}};
  auto u = std::find_if(std::begin(kUnits), std::end(kUnits),
                        [&](const auto& entry) { return entry.first == unit; });
  if (u == std::end(kUnits)) return std::nullopt;
  const Millis scale = u->second;
  return minus ? -n * scale : n * scale;
}

Result<std::vector<std::string>> SplitPath(std::string_view field) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    std::string_view seg = field.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (seg.empty()) return InvalidArgument("empty path segment");
    out.emplace_back(seg);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

class Parser {
 public:
  explicit Parser(const ConditionLimits& limits) : limits_(limits) {}

  Status ParseNode(const json::value& v, const std::string& path, size_t depth, Node& out) {
    if (depth > limits_.max_depth) {
      return Bad(path, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    if (++nodes_ > limits_.max_nodes) {
      return Bad(path, "more than " + std::to_string(limits_.max_nodes) + " nodes");
    }
    const json::object* o = v.if_object();
    if (!o) return Bad(path, "must be an object");
    if (o->empty()) return Bad(path, "must hold all, any, not or field/op/value");
    for (std::string_view composite : {"all", "any", "not"}) {
      if (!o->contains(composite)) continue;
      for (const auto& kv : *o) {
        if (kv.key() != composite) {
          return Bad(Join(path, kv.key()),
                     "unexpected key beside '" + std::string(composite) + "'");
        }
      }
      return ParseComposite(composite, o->at(composite), Join(path, composite), depth, out);
    }
    return ParseLeaf(*o, path, out);
  }

 private:
  Status ParseComposite(std::string_view key, const json::value& v, const std::string& path,
                        size_t depth, Node& out) {
    if (key == "not") {
      out.kind = Kind::kNot;
      out.children.resize(1);
      return ParseNode(v, path, depth + 1, out.children[0]);
    }
    out.kind = key == "all" ? Kind::kAll : Kind::kAny;
    const json::array* a = v.if_array();
    if (!a) return Bad(path, "must be an array of conditions");
    out.children.reserve(std::min(a->size(), limits_.max_nodes));
    for (size_t i = 0; i < a->size(); ++i) {
      out.children.emplace_back();
      RIVULET_RETURN_IF_ERROR(
          ParseNode((*a)[i], path + "[" + std::to_string(i) + "]", depth + 1, out.children.back()));
    }
    return Status::Ok();
  }

  Status ParseLeaf(const json::object& o, const std::string& path, Node& out) {
    out.kind = Kind::kLeaf;
    for (const auto& kv : o) {
      if (kv.key() != "field" && kv.key() != "op" && kv.key() != "value") {
        return Bad(Join(path, kv.key()), "unknown key; expected all, any, not or field/op/value");
      }
    }
    const json::value* field = o.if_contains("field");
    if (!field) return Bad(Join(path, "field"), "is required");
    if (!field->is_string() || field->as_string().empty()) {
      return Bad(Join(path, "field"), "must be a non-empty string");
    }
    if (field->as_string().size() > kMaxFieldBytes) {
      return Bad(Join(path, "field"),
                 "must be at most " + std::to_string(kMaxFieldBytes) + " bytes");
    }
    out.field = std::string(field->as_string());
    auto segments = SplitPath(out.field);
    if (!segments.ok()) {
      return Bad(Join(path, "field"), "has an empty segment ('" + out.field + "')");
    }
    out.path = std::move(segments).value();

    const json::value* op = o.if_contains("op");
    if (!op) return Bad(Join(path, "op"), "is required");
    const json::string* op_name = op->if_string();
    auto known = std::find_if(std::begin(kOps), std::end(kOps),
                              [&](const OpName& n) { return op_name && n.name == *op_name; });
    if (known == std::end(kOps)) {
      std::string shown = op_name ? "'" + std::string(op_name->subview(0, 64)) + "'"
                                  : json::serialize(*op).substr(0, 64);
      return Bad(Join(path, "op"), "unknown operator " + shown);
    }
    out.op = known->op;
    return ParseValue(o.if_contains("value"), Join(path, "value"), out);
  }

  Status ParseValue(const json::value* v, const std::string& path, Node& out) {
    const std::string op(NameOf(out.op));
    if (out.op == Op::kExists) {
      if (!v) {
        out.value = true;
        return Status::Ok();
      }
      if (!v->is_bool()) return Bad(path, "exists takes an optional boolean");
      out.value = v->as_bool();
      return Status::Ok();
    }
    if (!v) return Bad(path, "is required by " + op);
    if (ValueDepth(*v, kMaxValueDepth + 1) > kMaxValueDepth) {
      return Bad(path, "nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
    }
    switch (out.op) {
      case Op::kGt:
      case Op::kGte:
      case Op::kLt:
      case Op::kLte:
        if (!v->is_number() && !v->is_string()) {
          return Bad(path, op + " needs a number or a string");
        }
        break;
      case Op::kIn:
        if (!v->is_array()) return Bad(path, "in needs an array");
        break;
      case Op::kBefore:
      case Op::kAfter: {
        const json::string* s = v->if_string();
        if (!s) return Bad(path, op + " needs an ISO-8601 time or now[+-]N(s|m|h|d|w)");
        std::string_view text(s->data(), s->size());
        if (auto rel = ParseRelative(text)) {
          out.relative = true;
          out.time = *rel;
        } else if (auto abs = ParseIsoTime(text); abs.ok()) {
          out.time = *abs;
        } else {
          return Bad(path, "'" + std::string(text.substr(0, 64)) +
                               "' is neither an ISO-8601 time nor now[+-]N(s|m|h|d|w)");
        }
        break;
      }
      default:
        break;
    }
    out.value = *v;
    return Status::Ok();
  }

  const ConditionLimits& limits_;
  size_t nodes_ = 0;
};

// ---- Evaluation --------------------------------------------------------------------------

const json::value* Resolve(const json::object& context, const std::vector<std::string>& path) {
  const json::value* cur = context.if_contains(path[0]);
  for (size_t i = 1; cur && i < path.size(); ++i) {
    const std::string& seg = path[i];
    if (const auto* o = cur->if_object()) {
      cur = o->if_contains(seg);
    } else if (const auto* a = cur->if_array()) {
      // A canonical decimal index: digits, no leading zero, small enough for size_t.
      if (seg.size() > 18 || (seg.size() > 1 && seg[0] == '0') ||
          !std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return nullptr;
      }
      size_t index = std::stoull(seg);
      cur = index < a->size() ? &(*a)[index] : nullptr;
    } else {
      return nullptr;
    }
  }
  return cur;
}

// Three-way numeric comparison across int64, uint64 and double. long double holds every
// int64 and uint64 exactly on the platforms we build for; JSON has no NaN.
int CompareNumbers(const json::value& a, const json::value& b) {
  if (a.is_int64() && b.is_int64()) {
    return a.get_int64() < b.get_int64() ? -1 : a.get_int64() > b.get_int64() ? 1 : 0;
  }
  if (a.is_uint64() && b.is_uint64()) {
    return a.get_uint64() < b.get_uint64() ? -1 : a.get_uint64() > b.get_uint64() ? 1 : 0;
  }
  auto wide = [](const json::value& v) -> long double {
    if (v.is_int64()) return static_cast<long double>(v.get_int64());
    if (v.is_uint64()) return static_cast<long double>(v.get_uint64());
    return static_cast<long double>(v.get_double());
  };
  long double x = wide(a), y = wide(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

bool Equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return a.get_bool() == b.get_bool();
    case json::kind::string:
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!Equal(x[i], y[i])) return false;
      }
      return true;
    }
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& kv : x) {
        const json::value* other = y.if_contains(kv.key());
        if (!other || !Equal(kv.value(), *other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// -1/0/1 for comparable pairs (two numbers or two strings), nullopt otherwise.
std::optional<int> Order(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b);
  if (a.is_string() && b.is_string()) {
    int c = a.get_string().subview().compare(b.get_string().subview());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return std::nullopt;
}

bool Contains(const json::value& field, const json::value& value) {
  if (const auto* s = field.if_string()) {
    const auto* needle = value.if_string();
    return needle && s->subview().find(needle->subview()) != std::string_view::npos;
  }
  if (const auto* a = field.if_array()) {
    return std::any_of(a->begin(), a->end(), [&](const json::value& e) { return Equal(e, value); });
  }
  return false;
}

std::optional<Millis> FieldTime(const json::value& v) {
  if (const auto* s = v.if_string()) {
    auto t = ParseIsoTime(std::string_view(s->data(), s->size()));
    if (t.ok()) return *t;
    return std::nullopt;
  }
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<Millis>::max())) {
      return std::nullopt;
    }
    return static_cast<Millis>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || d < -9.0e18 || d > 9.0e18) return std::nullopt;
    return static_cast<Millis>(d);
  }
  return std::nullopt;
}

bool EvaluateLeaf(const Node& n, const json::object& context, Millis now) {
  const json::value* f = Resolve(context, n.path);
  switch (n.op) {
    case Op::kEq:
      return f && Equal(*f, n.value);
    case Op::kNeq:
      return !f || !Equal(*f, n.value);
    case Op::kGt:
    case Op::kGte:
    case Op::kLt:
    case Op::kLte: {
      if (!f) return false;
      auto c = Order(*f, n.value);
      if (!c) return false;
      if (n.op == Op::kGt) return *c > 0;
      if (n.op == Op::kGte) return *c >= 0;
      if (n.op == Op::kLt) return *c < 0;
      return *c <= 0;
    }
    case Op::kContains:
      return f && Contains(*f, n.value);
    case Op::kIn: {
      if (!f) return false;
      const auto& options = n.value.get_array();
      return std::any_of(options.begin(), options.end(),
                         [&](const json::value& e) { return Equal(*f, e); });
    }
    case Op::kExists: {
      bool present = f && !f->is_null();
      return n.value.get_bool() ? present : !present;
    }
    case Op::kBefore:
    case Op::kAfter: {
      if (!f) return false;
      auto t = FieldTime(*f);
      if (!t) return false;
      Millis ref = n.time;
      if (n.relative && __builtin_add_overflow(now, n.time, &ref)) {
        ref = n.time < 0 ? std::numeric_limits<Millis>::min() : std::numeric_limits<Millis>::max();
      }
      return n.op == Op::kBefore ? *t < ref : *t > ref;
    }
  }
  return false;
}

bool EvaluateNode(const Node& n, const json::object& context, Millis now) {
  switch (n.kind) {
    case Kind::kAll:
      return std::all_of(n.children.begin(), n.children.end(),
                         [&](const Node& c) { return EvaluateNode(c, context, now); });
    case Kind::kAny:
      return std::any_of(n.children.begin(), n.children.end(),
                         [&](const Node& c) { return EvaluateNode(c, context, now); });
    case Kind::kNot:
      return !EvaluateNode(n.children[0], context, now);
    case Kind::kLeaf:
      return EvaluateLeaf(n, context, now);
  }
  return false;
}

json::value NodeToJson(const Node& n) {
  switch (n.kind) {
    case Kind::kAll:
    case Kind::kAny: {
      json::array a;
      a.reserve(n.children.size());
      for (const auto& c : n.children) a.push_back(NodeToJson(c));
      return json::object{{n.kind == Kind::kAll ? "all" : "any", std::move(a)}};
    }
    case Kind::kNot:
      return json::object{{"not", NodeToJson(n.children[0])}};
    case Kind::kLeaf:
      break;
  }
  return json::object{{"field", n.field}, {"op", NameOf(n.op)}, {"value", n.value}};
}

void CollectFields(const Node& n, std::set<std::string>& out) {
  if (n.kind == Kind::kLeaf) out.insert(n.field);
  for (const auto& c : n.children) CollectFields(c, out);
}

std::shared_ptr<const Node> AlwaysTrue() {
  static const auto* const kRoot = new std::shared_ptr<const Node>(std::make_shared<Node>());
  return *kRoot;
}

}  // namespace

Condition::Condition() : root_(AlwaysTrue()) {}

Condition::Condition(std::shared_ptr<const Node> root) : root_(std::move(root)) {}

Result<Condition> Condition::Parse(const json::value& json, const ConditionLimits& limits) {
  auto root = std::make_shared<Node>();
  Parser parser(limits);
  RIVULET_RETURN_IF_ERROR(parser.ParseNode(json, "", 1, *root));
  return Condition(std::move(root));
}

bool Condition::Evaluate(const json::object& context, Millis now) const {
  return EvaluateNode(*root_, context, now);
}

json::value Condition::ToJson() const { return NodeToJson(*root_); }

std::vector<std::string> Condition::Fields() const {
  std::set<std::string> fields;
  CollectFields(*root_, fields);
  return {fields.begin(), fields.end()};
}

bool Condition::operator==(const Condition& other) const {
  return root_ == other.root_ || ToJson() == other.ToJson();
}

}  // namespace rivulet::core
