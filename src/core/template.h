#ifndef RIVULET_CORE_TEMPLATE_H_
#define RIVULET_CORE_TEMPLATE_H_

#include <boost/json/fwd.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rivulet::core {

// How variable tags ({{x}}) are escaped; {{{x}}} and {{& x}} are never escaped.
enum class Escape {
  kHtml,  // & < > " ' become &amp; &lt; &gt; &quot; &#39;
  kNone,  // subjects, plain text, SMS text
  kJson,  // inside JSON strings (webhook and SMS-gateway bodies): " \ and controls escaped
};

// A Mustache template (subjects, HTML and text bodies, SMS text, webhook bodies), compiled by
// kainjow-mustache and rendered against a JSON context such as
// {"contact": {...}, "event": {...}, "run": {"data": {...}}}.
//
// Names are dot-separated paths ({{contact.first_name}}, {{run.data.coupon}}); a digit segment
// indexes an array ({{event.data.items.0.sku}}); keys that contain a dot cannot be addressed. The
// first segment is looked up from the innermost section outwards, the rest inside what it found.
// {{.}} is the current item. A variable renders strings as they are, integral numbers without a
// fraction (42, not 42.0), other numbers in shortest round-trip form (42.5), booleans as
// true/false, objects and arrays as compact JSON, and null or missing names as nothing. A section
// is skipped for a missing name, null, false, "" and []; repeats over a non-empty array; otherwise
// renders once with the value as the current item. Inverted sections render exactly when the
// section would not. Comments and set-delimiter tags work as in the Mustache spec; partials
// ({{> name}}) are rejected, so a template never reads anything but its context.
//
// Immutable after Parse; copies share the compiled form. Render is thread-safe.
class Template {
 public:
  static constexpr size_t kMaxSourceBytes = 256 * 1024;
  static constexpr size_t kMaxOutputBytes = 1024 * 1024;
  static constexpr size_t kMaxSectionDepth = 32;

  // The empty template; renders "".
  Template();

  // Compiles source. Errors: over max_bytes (PayloadTooLarge); invalid syntax (unclosed tag or
  // section, mismatched section end, bad set-delimiter tag: InvalidArgument with the library's
  // message, e.g. `Unclosed section "items" at 0`); partials, empty names or empty name
  // segments, sections nested deeper than kMaxSectionDepth, and control characters other than
  // tab, CR and LF anywhere in the source (InvalidArgument). Never throws.
  static Result<Template> Parse(std::string_view source, size_t max_bytes = kMaxSourceBytes);

  // Renders against context. Output over max_output bytes is PayloadTooLarge (so is rendering
  // work far beyond it, e.g. nested sections over large arrays, which is stopped early).
  // Never throws.
  Result<std::string> Render(const boost::json::object& context, Escape escape,
                             size_t max_output = kMaxOutputBytes) const;

  // The names the template uses in variables and sections, as written (names inside a section
  // are relative to its items), sorted, without duplicates and without ".".
  std::vector<std::string> TemplateVariables() const;

  struct Impl;

 private:
  explicit Template(std::shared_ptr<const Impl> impl);

  std::shared_ptr<const Impl> impl_;
};

// The plain-text alternative of an HTML e-mail body: drops tags and the content of <script>,
// <style> and <title>; ends lines at <br>, </div>, </li>, </tr> and paragraphs (a blank line)
// at </p> and </h1>..</h6>; starts list items with "- "; writes links as "text (url)" unless
// the text is the url; decodes &amp; &lt; &gt; &quot; &#39; &apos; &nbsp;, a few typographic
// entities and numeric &#NN; / &#xHH; references to UTF-8; collapses whitespace as HTML does,
// keeps at most one blank line in a row and trims.
std::string HtmlToText(std::string_view html);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_TEMPLATE_H_
