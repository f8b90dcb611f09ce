#ifndef RIVULET_CORE_CONDITION_H_
#define RIVULET_CORE_CONDITION_H_

#include <boost/json/fwd.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace rivulet::core {

struct ConditionLimits {
  size_t max_depth = 16;   // nesting levels; a lone leaf is depth 1
  size_t max_nodes = 256;  // composites and leaves together
};

// A boolean expression over a JSON context, as used by WAIT_AND_CHECK steps, trigger and exit
// conditions and segments. The JSON form:
//
//   {"all": [c, ...]}   true when every c is ({"all": []} is true)
//   {"any": [c, ...]}   true when some c is ({"any": []} is false)
//   {"not": c}
//   {"field": "<path>", "op": "<op>", "value": <json>}
//
// A path is dot-separated keys into the context ("contact.attributes.plan", "event.data.total",
// "messages.<stepUuid>.opened"); a segment of digits also indexes an array
// ("event.data.items.0.sku"). Keys that contain a dot cannot be addressed.
//
// Operators:
//   eq, neq        JSON equality; numbers compare by value across integer and floating kinds
//                  (1 == 1.0), but a number never equals a string ("1").
//   gt gte lt lte  both numbers: numeric; both strings: bytewise; anything else is false.
//   contains       string field holds the string value as a substring, or array field holds
//                  an element equal to the value. Case-sensitive.
//   in             value is an array; true when the field equals one of its elements.
//   exists         field present and not null; with "value": false, absent or null.
//   before, after  field is an ISO-8601 date-time / date string or a number of Unix ms; value
//                  is an ISO-8601 string or "now", "now-7d", "now+2h", "now-30m", "now-45s"
//                  taken relative to the `now` given to Evaluate. A field that is not a time
//                  makes both false.
// A missing field makes every operator false except neq (true) and exists/false (true).
//
// Immutable after Parse; copies share the tree. Thread-safe.
class Condition {
 public:
  // Always true: {"all": []}.
  Condition();

  // Validates and compiles json. Unknown keys or operators, wrong value types (`in` without an
  // array, `before` with an unparsable time), empty paths or path segments, nesting deeper than
  // limits.max_depth and more than limits.max_nodes nodes are InvalidArgument; the Status has a
  // field detail keyed by the JSON path of the problem ("all[2].op", "not.value"; the root is
  // "$") and its message starts with that path. Never throws.
  static Result<Condition> Parse(const boost::json::value& json,
                                 const ConditionLimits& limits = {});

  // True when the condition holds for context at time now. Never throws.
  bool Evaluate(const boost::json::object& context, Millis now) const;

  // The canonical JSON form: composites and leaves as above, "value" always present on
  // leaves (exists carries its boolean). Parse(ToJson()) yields an equal condition.
  boost::json::value ToJson() const;

  // Every field path the condition reads, sorted, without duplicates.
  std::vector<std::string> Fields() const;

  // Structural equality (of the canonical forms).
  bool operator==(const Condition& other) const;

  struct Node;

 private:
  explicit Condition(std::shared_ptr<const Node> root);

  std::shared_ptr<const Node> root_;
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_CONDITION_H_
