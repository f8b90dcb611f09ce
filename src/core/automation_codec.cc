#include <boost/json.hpp>

#include "core/automation.h"

namespace rivulet::core {
namespace json = boost::json;

std::string EncodeAutomationGraph(const Automation& a) {
  json::array triggers, steps, connections;
  for (const auto& t : a.triggers) {
    triggers.push_back(json::object{{"e", t.event_type}, {"c", t.condition_json}});
  }
  for (const auto& s : a.steps) {
    steps.push_back(json::object{
        {"u", s.uuid}, {"t", StepTypeName(s.type)}, {"n", s.name}, {"s", s.config_json}});
  }
  for (const auto& c : a.connections) {
    connections.push_back(json::object{{"f", c.from_step}, {"to", c.to_step}, {"b", c.branch}});
  }
  json::object graph{{"triggers", std::move(triggers)},
                     {"steps", std::move(steps)},
                     {"connections", std::move(connections)}};
  if (a.audience_id != 0) graph["audience"] = a.audience_id;
  return json::serialize(graph);
}

Status DecodeAutomationGraph(std::string_view text, Automation& a) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Internal("stored automation graph is not JSON");
  auto str = [](const json::object& o, const char* k) {
    const json::value* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  auto arr = [&](const char* k) -> const json::array* {
    const json::value* x = v.as_object().if_contains(k);
    return x && x->is_array() ? &x->as_array() : nullptr;
  };
  a.triggers.clear();
  a.steps.clear();
  a.connections.clear();
  a.audience_id = 0;
  if (const json::value* au = v.as_object().if_contains("audience"); au && au->is_int64()) {
    a.audience_id = au->as_int64();
  }
  if (const auto* ts = arr("triggers")) {
    for (const auto& t : *ts) {
      if (!t.is_object()) continue;
      a.triggers.push_back({str(t.as_object(), "e"), str(t.as_object(), "c")});
    }
  }
  if (const auto* ss = arr("steps")) {
    for (const auto& s : *ss) {
      if (!s.is_object()) continue;
      auto type = ParseStepType(str(s.as_object(), "t"));
      if (!type) return Internal("stored step has an unknown type");
      a.steps.push_back({str(s.as_object(), "u"), *type, str(s.as_object(), "n"),
                         str(s.as_object(), "s")});
    }
  }
  if (const auto* cs = arr("connections")) {
    for (const auto& c : *cs) {
      if (!c.is_object()) continue;
      a.connections.push_back(
          {str(c.as_object(), "f"), str(c.as_object(), "to"), str(c.as_object(), "b")});
    }
  }
  return Status::Ok();
}

}  // namespace rivulet::core
