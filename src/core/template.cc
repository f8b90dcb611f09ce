#include "core/template.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <kainjow/mustache.hpp>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

namespace rivulet::core {
namespace json = boost::json;
namespace mustache = kainjow::mustache;

namespace {

// How this adapter uses kainjow-mustache. The library renders from its own `data` tree and
// cannot tell a variable lookup from a section lookup, so it could neither print an object as
// JSON nor a boolean as true/false. Parse therefore scans the source itself (mirroring the
// library's tokenizer), records every tag in a table, and hands the library a copy in which
// each tag's name is replaced by its index in that table, spelled in bytes 0x1E/0x1F that a
// source may not contain. At render time a custom context (JsonContext) decodes the index,
// resolves the name in the JSON context and returns data shaped for that tag: an escaped
// string for a variable, a list or a truthy/falsy marker for a section. The library keeps
// doing what it is good at: tag syntax, set delimiters, sections and standalone lines.

enum class TagKind { kVariable, kUnescaped, kSection, kInverted };

struct TagInfo {
  std::string name;               // as written, trimmed
  std::vector<std::string> path;  // dot-separated segments; empty for "."
  TagKind kind = TagKind::kVariable;
  size_t own_text = 0;  // sections: literal bytes one pass over the body can emit
};

constexpr char kZeroBit = '\x1e';
constexpr char kOneBit = '\x1f';
constexpr size_t kMaxNameBytes = 256;

std::string EncodeId(size_t id) {
  std::string out(1, kOneBit);  // never empty, and never mistaken for a set-delimiter tag
  do {
    out += (id & 1) ? kOneBit : kZeroBit;
    id >>= 1;
  } while (id != 0);
  return out;
}

std::optional<size_t> DecodeId(const std::string& name) {
  if (name.size() < 2 || name.size() > 1 + 63 || name[0] != kOneBit) return std::nullopt;
  size_t id = 0;
  for (size_t i = name.size() - 1; i >= 1; --i) {
    if (name[i] != kZeroBit && name[i] != kOneBit) return std::nullopt;
    id = (id << 1) | (name[i] == kOneBit ? 1 : 0);
  }
  return id;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// The library's trim(): isspace() at both ends.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

struct Delimiters {
  std::string begin = "{{";
  std::string end = "}}";
  bool IsDefault() const { return begin == "{{" && end == "}}"; }
};

// The library's parse_set_delimiter_tag(): "=<begin> <end>=", neither containing '=' or
// whitespace.
bool ParseSetDelimiter(std::string_view contents, Delimiters& d) {
  if (contents.size() < 5 || contents.back() != '=') return false;
  std::string_view inner = Trim(contents.substr(1, contents.size() - 2));
  size_t space = inner.find(' ');
  if (space == std::string_view::npos) return false;
  size_t next = inner.find_first_not_of(' ', space + 1);
  if (next == std::string_view::npos) return false;
  std::string_view begin = inner.substr(0, space);
  std::string_view end = inner.substr(next);
  auto valid = [](std::string_view delim) {
    return std::none_of(delim.begin(), delim.end(), [](char c) { return c == '=' || IsSpace(c); });
  };
  if (!valid(begin) || !valid(end)) return false;
  d.begin = std::string(begin);
  d.end = std::string(end);
  return true;
}

struct Scan {
  std::string rewritten;
  std::vector<TagInfo> tags;
  size_t root_text = 0;
  std::set<std::string> names;
  bool syntax_error = false;   // the library will reject the source; ask it for the message
  std::string syntax_message;  // our own wording, should the library disagree
  Status problem;              // a rejection of ours (partials, names, nesting)
};

Status BadName(std::string_view name, size_t at, const std::string& why) {
  return InvalidArgument("tag '" + std::string(name.substr(0, 64)) + "' at " + std::to_string(at) +
                         ": " + why);
}

Result<std::vector<std::string>> SplitName(std::string_view name, size_t at) {
  if (name.empty()) return InvalidArgument("empty tag at " + std::to_string(at));
  if (name.size() > kMaxNameBytes) {
    return BadName(name, at, "name longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  std::vector<std::string> path;
  if (name == ".") return path;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view seg =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (seg.empty()) return BadName(name, at, "empty name segment");
    path.emplace_back(seg);
    if (dot == std::string_view::npos) return path;
    start = dot + 1;
  }
}

// Tokenizes source exactly as kainjow's parser does, filling the tag table and the rewritten
// source. Stops at the first problem, except a mismatched section end, which the library only
// reports after parsing everything (so the nesting of the rest must be measured too).
Scan ScanSource(std::string_view source) {
  Scan s;
  s.rewritten.reserve(source.size());
  struct Open {
    size_t tag;
    bool inverted;
  };
  std::vector<Open> open;
  Delimiters d;
  bool brace = true;
  bool mismatch = false;

  // Literal text in a section body is emitted once per pass over that section; text inside
  // an inverted section is also emitted by a pass over the enclosing one (a missing name
  // renders an inverted section without the push that would account for it).
  auto add_text = [&](size_t n) {
    for (size_t i = open.size(); i-- > 0;) {
      s.tags[open[i].tag].own_text += n;
      if (!open[i].inverted) return;
    }
    s.root_text += n;
  };
  auto syntax = [&](std::string message) {
    s.syntax_error = true;
    s.syntax_message = std::move(message);
  };

  size_t pos = 0;
  while (true) {
    size_t start = source.find(d.begin, pos);
    if (start == std::string_view::npos) {
      add_text(source.size() - pos);
      s.rewritten.append(source.substr(pos));
      break;
    }
    add_text(start - pos);
    s.rewritten.append(source.substr(pos, start - pos));

    size_t contents = start + d.begin.size();
    const bool triple = brace && start != source.size() - 2 && source[contents] == '{';
    const std::string end = triple ? "}}}" : d.end;
    if (triple) ++contents;
    const size_t tag_end = source.find(end, contents);
    if (tag_end == std::string_view::npos) {
      syntax("Unclosed tag at " + std::to_string(start));
      return s;
    }
    const size_t after = tag_end + end.size();
    const std::string_view body = Trim(source.substr(contents, tag_end - contents));
    pos = after;

    if (!body.empty() && body[0] == '=') {
      if (!ParseSetDelimiter(body, d)) {
        syntax("Invalid set delimiter tag at " + std::to_string(start));
        return s;
      }
      brace = d.IsDefault();
      s.rewritten.append(source.substr(start, after - start));
      continue;
    }

    char sigil = 0;  // '#', '^', '/', '>', '&', '!' or 0 for a plain variable
    std::string_view name = body;
    if (!triple && !body.empty() &&
        std::string_view("#^/>&!").find(body[0]) != std::string_view::npos) {
      sigil = body[0];
      name = Trim(body.substr(1));
    }
    auto emit = [&](std::string_view inner) {
      s.rewritten.append(source.substr(start, contents - start));
      s.rewritten.append(inner);
      s.rewritten.append(source.substr(tag_end, end.size()));
    };

    switch (sigil) {
      case '!':
        s.rewritten.append(source.substr(start, after - start));
        continue;
      case '>':
        s.problem =
            InvalidArgument("partials are not supported ('" + std::string(name.substr(0, 64)) +
                            "' at " + std::to_string(start) + ")");
        return s;
      case '/': {
        if (open.empty()) {
          syntax("Unopened section \"" + std::string(name) + "\" at " + std::to_string(start));
          return s;
        }
        const Open top = open.back();
        open.pop_back();
        if (s.tags[top.tag].name != name) {
          mismatch = true;
          syntax("Unclosed section \"" + s.tags[top.tag].name + "\"");
        }
        emit("/" + EncodeId(top.tag));
        continue;
      }
      default:
        break;
    }

    auto path = SplitName(name, start);
    if (!path.ok()) {
      s.problem = path.status();
      return s;
    }
    TagInfo tag;
    tag.name = std::string(name);
    tag.path = std::move(path).value();
    if (sigil == '#' || sigil == '^') {
      if (open.size() >= Template::kMaxSectionDepth) {
        s.problem = InvalidArgument("sections nested deeper than " +
                                    std::to_string(Template::kMaxSectionDepth) + " levels at " +
                                    std::to_string(start));
        return s;
      }
      tag.kind = sigil == '#' ? TagKind::kSection : TagKind::kInverted;
    } else {
      tag.kind = (triple || sigil == '&') ? TagKind::kUnescaped : TagKind::kVariable;
    }
    const size_t id = s.tags.size();
    if (tag.name != ".") s.names.insert(tag.name);
    s.tags.push_back(std::move(tag));
    if (sigil == '#' || sigil == '^') open.push_back({id, sigil == '^'});
    emit((sigil == 0 ? std::string() : std::string(1, sigil)) + EncodeId(id));
  }
  if (!open.empty() && !mismatch) {
    syntax("Unclosed section \"" + s.tags[open.back().tag].name + "\"");
  }
  return s;
}

// The inside of a JSON string: quotes, backslashes and control characters escaped.
std::string JsonEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

std::string FormatDouble(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<int64_t>(d));  // also turns -0.0 into "0"
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  if (ec != std::errc()) return "";
  return std::string(buf, end);
}

// A position in the JSON context: a value, the root object, or nothing.
struct Ref {
  const json::value* value = nullptr;
  const json::object* object = nullptr;
  bool empty() const { return !value && !object; }
  const void* key() const { return value ? static_cast<const void*>(value) : object; }
};

Ref Step(const Ref& from, const std::string& segment) {
  const json::object* o =
      from.object ? from.object : (from.value ? from.value->if_object() : nullptr);
  if (o) {
    const json::value* v = o->if_contains(segment);
    return v ? Ref{v, nullptr} : Ref{};
  }
  const json::array* a = from.value ? from.value->if_array() : nullptr;
  if (!a || segment.size() > 18 || (segment.size() > 1 && segment[0] == '0') ||
      !std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Ref{};
  }
  size_t index = std::stoull(segment);
  return index < a->size() ? Ref{&(*a)[index], nullptr} : Ref{};
}

std::string Stringify(const Ref& r) {
  if (r.object) return json::serialize(*r.object);
  const json::value& v = *r.value;
  switch (v.kind()) {
    case json::kind::null:
      return "";
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::string:
      return std::string(v.get_string().subview());
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_:
      return FormatDouble(v.get_double());
    default:
      return json::serialize(v);
  }
}

bool Truthy(const Ref& r) {
  if (r.object) return true;
  const json::value& v = *r.value;
  if (v.is_null()) return false;
  if (const bool* b = v.if_bool()) return *b;
  if (const auto* s = v.if_string()) return !s->empty();
  if (const auto* a = v.if_array()) return !a->empty();
  return true;
}

// Thrown from inside the library's render loop when the work budget is spent; caught in
// Template::Render, never further out.
struct BudgetExceeded {};

}  // namespace

struct Template::Impl {
  explicit Impl(const std::string& rewritten) : compiled(rewritten) {}

  // render() is non-const in the library only because a lambda or partial may record an
  // error in the object; this adapter supplies neither, so rendering only reads the compiled
  // tree and concurrent renders of one template are safe.
  mutable mustache::mustache compiled;
  std::vector<TagInfo> tags;
  size_t root_text = 0;
  std::vector<std::string> names;
};

namespace {

using Data = mustache::data;

// The library's view of the JSON context during one render (see the note at the top). It
// also meters the work: every lookup, every pass over a section body (charged with the literal
// text that pass can emit) and every rendered variable count against a budget, so that a
// template cannot build an unbounded line in memory before the output limit is checked.
class JsonContext final : public mustache::basic_context<std::string> {
 public:
  JsonContext(const Template::Impl& impl, const json::object& root, Escape escape, size_t budget)
      : impl_(impl), escape_(escape), budget_(budget) {
    stack_.push_back(Ref{nullptr, &root});
  }

  void Charge(size_t n) const {
    used_ += n;
    if (used_ > budget_) throw BudgetExceeded{};
  }

  void push(const Data* data) override {
    Ref frame;
    size_t text = 0;
    auto it = blocks_by_first_.upper_bound(data);
    if (it != blocks_by_first_.begin()) {
      --it;
      const Block& b = *it->second;
      std::less<const Data*> less;
      if (!less(data, b.first) && less(data, b.first + b.count)) {
        text = impl_.tags[b.tag].own_text;
        if (b.array) {
          frame = Ref{&(*b.array)[static_cast<size_t>(data - b.first)], nullptr};
        } else {
          frame = b.single;
        }
      }
    }
    Charge(text + 1);
    stack_.push_back(frame);
  }

  void pop() override {
    if (stack_.size() > 1) stack_.pop_back();
  }

  const Data* get(const std::string& encoded) const override {
    Charge(1);
    auto id = DecodeId(encoded);
    if (!id || *id >= impl_.tags.size()) return nullptr;
    const TagInfo& tag = impl_.tags[*id];
    Ref r = Lookup(tag);
    if (r.empty()) return nullptr;
    if (tag.kind == TagKind::kVariable || tag.kind == TagKind::kUnescaped) {
      std::string text = Stringify(r);
      if (tag.kind == TagKind::kVariable && escape_ == Escape::kHtml) text = HtmlEscape(text);
      if (tag.kind == TagKind::kVariable && escape_ == Escape::kJson) text = JsonEscape(text);
      if (text.empty()) return nullptr;
      Charge(text.size());
      return &strings_.emplace_back(std::move(text));
    }
    auto key = std::make_pair(*id, r.key());
    if (auto cached = sections_.find(key); cached != sections_.end()) return cached->second;
    Block& b = blocks_.emplace_back();
    b.tag = *id;
    const json::array* a = r.value ? r.value->if_array() : nullptr;
    if (!Truthy(r)) {
      b.data = Data(false);
      b.first = &b.data;
    } else if (a) {
      Charge(a->size());
      b.data = Data(Data::type::list);
      for (size_t i = 0; i < a->size(); ++i) b.data.push_back(Data(true));
      b.first = &b.data.list_value()[0];
      b.count = a->size();
      b.array = a;
    } else {
      b.data = Data(true);
      b.first = &b.data;
      b.single = r;
    }
    blocks_by_first_[b.first] = &b;
    sections_[key] = &b.data;
    return &b.data;
  }

  const Data* get_partial(const std::string&) const override { return nullptr; }

 private:
  // What a section lookup returned, and the JSON behind each datum the library may push.
  struct Block {
    Data data{false};
    const Data* first = nullptr;  // list: item 0; otherwise &data
    size_t count = 1;
    const json::array* array = nullptr;  // list: the items' values
    Ref single;                          // otherwise: the value (empty when falsy)
    size_t tag = 0;
  };

  // The first segment is looked up from the innermost frame outwards; the rest inside it.
  Ref Lookup(const TagInfo& tag) const {
    for (size_t i = stack_.size(); i-- > 0;) {
      if (stack_[i].empty()) continue;  // pushed by an inverted section
      if (tag.path.empty()) return stack_[i];
      Ref r = Step(stack_[i], tag.path[0]);
      if (r.empty()) continue;
      for (size_t k = 1; k < tag.path.size() && !r.empty(); ++k) r = Step(r, tag.path[k]);
      return r;
    }
    return Ref{};
  }

  const Template::Impl& impl_;
  const Escape escape_;
  const size_t budget_;
  mutable size_t used_ = 0;
  std::vector<Ref> stack_;
  mutable std::deque<Data> strings_;
  mutable std::deque<Block> blocks_;
  mutable std::map<const Data*, const Block*, std::less<const Data*>> blocks_by_first_;
  mutable std::map<std::pair<size_t, const void*>, const Data*> sections_;
};

}  // namespace

Template::Template() = default;

Template::Template(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<Template> Template::Parse(std::string_view source, size_t max_bytes) {
  if (source.size() > max_bytes) {
    return PayloadTooLarge("template exceeds " + std::to_string(max_bytes) + " bytes");
  }
  for (size_t i = 0; i < source.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(source[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return InvalidArgument("template contains control character " + std::to_string(c) + " at " +
                             std::to_string(i));
    }
  }
  try {
    Scan scan = ScanSource(source);
    if (!scan.problem.ok()) return scan.problem;
    if (scan.syntax_error) {
      // Nesting is bounded by now (the scan measured it up to where the library stops), so
      // the library may parse the original for its own wording of the error.
      mustache::mustache original{std::string(source)};
      return InvalidArgument(original.is_valid() ? scan.syntax_message : original.error_message());
    }
    auto impl = std::make_shared<Impl>(scan.rewritten);
    if (!impl->compiled.is_valid()) {
      return Internal("template compiler disagrees with the scanner: " +
                      impl->compiled.error_message());
    }
    impl->compiled.set_custom_escape([](const std::string& s) { return s; });  // see JsonContext
    impl->tags = std::move(scan.tags);
    impl->root_text = scan.root_text;
    impl->names.assign(scan.names.begin(), scan.names.end());
    return Template(std::move(impl));
  } catch (const std::exception& e) {
    return Internal(std::string("template compiler failed: ") + e.what());
  }
}

Result<std::string> Template::Render(const json::object& context, Escape escape,
                                     size_t max_output) const {
  if (!impl_) return std::string();
  auto too_large = [&] {
    return PayloadTooLarge("rendered template exceeds " + std::to_string(max_output) + " bytes");
  };
  // The meter overestimates output (it counts lookups and text that standalone-line
  // trimming may drop), so it stops only what is far beyond the limit.
  const size_t budget = 4 * max_output + 4096;
  std::string out;
  try {
    JsonContext ctx(*impl_, context, escape, budget);
    ctx.Charge(impl_->root_text);
    std::ostringstream stream;
    impl_->compiled.render(ctx, stream);
    out = std::move(stream).str();
  } catch (const BudgetExceeded&) {
    return too_large();
  } catch (const std::exception& e) {
    return Internal(std::string("template rendering failed: ") + e.what());
  }
  if (out.size() > max_output) return too_large();
  return out;
}

std::vector<std::string> Template::TemplateVariables() const {
  return impl_ ? impl_->names : std::vector<std::string>{};
}

// ---- HtmlToText --------------------------------------------------------------------------

namespace {

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

struct NamedEntity {
  std::string_view name;
  uint32_t code_point;
};

constexpr NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", ' '},     {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},  {"euro", 0x20AC},
    {"pound", 0xA3},   {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bull", 0x2022},   {"middot", 0xB7},
};

// Decodes one reference at s[0] == '&'; returns the bytes consumed (0: not a reference).
size_t DecodeEntity(std::string_view s, std::string& out) {
  size_t semi = s.find(';');
  if (semi == std::string_view::npos || semi < 2 || semi > 12) return 0;
  std::string_view name = s.substr(1, semi - 1);
  if (name[0] == '#') {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return 0;
    uint32_t cp = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
    if (ec != std::errc() || p != digits.data() + digits.size()) return 0;
    AppendUtf8(cp, out);
    return semi + 1;
  }
  for (const auto& e : kEntities) {
    if (e.name == name) {
      AppendUtf8(e.code_point, out);
      return semi + 1;
    }
  }
  return 0;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      if (size_t n = DecodeEntity(s.substr(i), out); n > 0) {
        i += n - 1;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IStartsWith(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

size_t IFind(std::string_view s, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (IStartsWith(s.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

// Accumulates text with HTML's whitespace collapsing and explicit line structure.
class TextOut {
 public:
  void Text(std::string_view s) {
    for (char c : s) {
      if (IsHtmlSpace(c)) {
        space_ = true;
        continue;
      }
      if (space_ && !out_.empty() && out_.back() != '\n' && out_.back() != ' ') out_ += ' ';
      space_ = false;
      out_ += c;
    }
  }
  void Space() { space_ = true; }
  // A line break; at most one blank line in a row, none at the start.
  void Newline() {
    space_ = false;
    if (out_.empty()) return;
    if (out_.size() >= 2 && out_.compare(out_.size() - 2, 2, "\n\n") == 0) return;
    out_ += '\n';
  }
  void LineStart() {
    if (!out_.empty() && out_.back() != '\n') Newline();
    space_ = false;
  }
  void Paragraph() {
    LineStart();
    Newline();
  }
  void Raw(std::string_view s) {
    space_ = false;
    out_ += s;
  }
  size_t size() const { return out_.size(); }
  std::string_view Since(size_t pos) const { return std::string_view(out_).substr(pos); }

  std::string Finish() {
    // Drop spaces before line ends, then trim the whole.
    std::string clean;
    clean.reserve(out_.size());
    for (char c : out_) {
      if (c == '\n') {
        while (!clean.empty() && clean.back() == ' ') clean.pop_back();
      }
      clean += c;
    }
    size_t first = clean.find_first_not_of(" \n");
    if (first == std::string::npos) return "";
    size_t last = clean.find_last_not_of(" \n");
    return clean.substr(first, last - first + 1);
  }

 private:
  std::string out_;
  bool space_ = false;
};

// The value of attribute `want` (lowercase) in a tag's attribute text, entities decoded.
std::string Attribute(std::string_view attrs, std::string_view want) {
  size_t i = 0;
  while (i < attrs.size()) {
    while (i < attrs.size() && (IsHtmlSpace(attrs[i]) || attrs[i] == '/')) ++i;
    size_t name_start = i;
    while (i < attrs.size() && !IsHtmlSpace(attrs[i]) && attrs[i] != '=' && attrs[i] != '/') ++i;
    std::string_view name = attrs.substr(name_start, i - name_start);
    while (i < attrs.size() && IsHtmlSpace(attrs[i])) ++i;
    std::string_view value;
    if (i < attrs.size() && attrs[i] == '=') {
      ++i;
      while (i < attrs.size() && IsHtmlSpace(attrs[i])) ++i;
      if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
        char quote = attrs[i++];
        size_t close = attrs.find(quote, i);
        if (close == std::string_view::npos) close = attrs.size();
        value = attrs.substr(i, close - i);
        i = std::min(attrs.size(), close + 1);
      } else {
        size_t start = i;
        while (i < attrs.size() && !IsHtmlSpace(attrs[i])) ++i;
        value = attrs.substr(start, i - start);
      }
    } else if (name.empty()) {
      ++i;  // a stray character; move on
    }
    if (name.size() == want.size() && IStartsWith(name, want)) {
      return std::string(Trim(DecodeEntities(value)));
    }
  }
  return "";
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  TextOut out;
  std::string href;  // of the <a> being written
  size_t link_start = 0;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) lt = html.size();
    if (lt > pos) out.Text(DecodeEntities(html.substr(pos, lt - pos)));
    pos = lt;
    if (pos >= html.size()) break;

    std::string_view rest = html.substr(pos);
    if (rest.substr(0, 4) == "<!--") {
      size_t close = html.find("-->", pos + 4);
      pos = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?')) {
      size_t close = html.find('>', pos);
      pos = close == std::string_view::npos ? html.size() : close + 1;
      continue;
    }
    size_t i = pos + 1;
    const bool closing = i < html.size() && html[i] == '/';
    if (closing) ++i;
    if (i >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i]))) {
      out.Text("<");  // not a tag: a literal '<'
      ++pos;
      continue;
    }
    size_t name_start = i;
    while (i < html.size() && (std::isalnum(static_cast<unsigned char>(html[i])) ||
                               html[i] == '-' || html[i] == ':')) {
      ++i;
    }
    std::string name;
    for (char c : html.substr(name_start, i - name_start)) name += Lower(c);
    // The tag ends at the first '>' outside a quoted attribute value.
    size_t end = i;
    char quote = 0;
    while (end < html.size() && (quote || html[end] != '>')) {
      if (quote && html[end] == quote) {
        quote = 0;
      } else if (!quote && (html[end] == '"' || html[end] == '\'')) {
        quote = html[end];
      }
      ++end;
    }
    std::string_view attrs = html.substr(i, end - i);
    pos = end < html.size() ? end + 1 : html.size();

    if (!closing && (name == "script" || name == "style" || name == "title")) {
      size_t close = IFind(html, "</" + name, pos);
      if (close == std::string_view::npos) break;
      size_t gt = html.find('>', close);
      pos = gt == std::string_view::npos ? html.size() : gt + 1;
      continue;
    }
    const bool heading = name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
    if (name == "br") {
      out.Newline();
    } else if (name == "p" || heading) {
      out.Paragraph();
    } else if (name == "li") {
      out.LineStart();
      if (!closing) out.Raw("- ");
    } else if (name == "div" || name == "tr" || name == "ul" || name == "ol" || name == "table" ||
               name == "blockquote" || name == "hr") {
      out.LineStart();
    } else if (name == "td" || name == "th") {
      out.Space();
    } else if (name == "a") {
      if (!closing) {
        href = Attribute(attrs, "href");
        link_start = out.size();
      } else if (!href.empty()) {
        std::string text(Trim(out.Since(link_start)));
        std::string_view target = href;
        for (std::string_view scheme : {"mailto:", "tel:"}) {
          if (IStartsWith(target, scheme)) target.remove_prefix(scheme.size());
        }
        if (href[0] != '#' && !IStartsWith(href, "javascript:") && text != href && text != target) {
          out.Text(text.empty() ? href : " (" + href + ")");
        }
        href.clear();
      }
    }
  }
  return out.Finish();
}

}  // namespace rivulet::core
