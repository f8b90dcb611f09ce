#include <functional>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "core/automation.h"
#include "core/condition.h"
#include "core/contact_rules.h"
#include "core/step_settings.h"
#include "core/template.h"
#include "core/uuid.h"

namespace rivulet::core {
namespace json = boost::json;

namespace {

std::string ConditionProblem(const std::string& text) {
  if (text.empty()) return "";
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return "condition is not valid JSON";
  auto c = Condition::Parse(v);
  return c.ok() ? "" : "condition: " + c.status().message();
}

std::string TemplateProblem(const char* what, const std::string& text) {
  if (text.empty()) return "";
  auto t = Template::Parse(text);
  return t.ok() ? "" : std::string(what) + ": " + t.status().message();
}

}  // namespace

std::vector<ValidationProblem> ValidateAutomation(const Automation& a) {
  std::vector<ValidationProblem> out;
  auto add = [&](const std::string& step, std::string message) {
    out.push_back({step, std::move(message)});
  };

  for (const auto& t : a.triggers) {
    if (!IsValidEventType(t.event_type)) add("", "trigger event type '" + t.event_type + "' is invalid");
    if (auto p = ConditionProblem(t.condition_json); !p.empty()) add("", "trigger " + p);
  }
  if (auto p = ConditionProblem(a.exit_condition_json); !p.empty()) add("", "exit " + p);
  if (a.start_date && a.end_date && *a.end_date <= *a.start_date) {
    add("", "endDate must be after startDate");
  }
  if (a.steps.empty()) {
    add("", "an automation needs at least one step");
    return out;
  }

  std::set<std::string> ids;
  std::map<std::string, StepType> types;
  std::map<std::string, std::vector<std::string>> allowed;
  for (const auto& s : a.steps) {
    if (!IsUuid(s.uuid)) add(s.uuid, "step uuid must be a uuid");
    if (!ids.insert(s.uuid).second) add(s.uuid, "duplicate step uuid");
    types[s.uuid] = s.type;
    auto settings = ParseStepSettings(s.type, s.config_json);
    if (!settings.ok()) {
      add(s.uuid, settings.status().message());
      continue;
    }
    allowed[s.uuid] = AllowedBranches(s.type, *settings);
    std::visit(
        [&](const auto& st) {
          using T = std::decay_t<decltype(st)>;
          if constexpr (std::is_same_v<T, CheckSettings>) {
            if (auto p = ConditionProblem(st.condition_json); !p.empty()) add(s.uuid, p);
          } else if constexpr (std::is_same_v<T, WaitForTriggerSettings>) {
            if (auto p = ConditionProblem(st.condition_json); !p.empty()) add(s.uuid, p);
          } else if constexpr (std::is_same_v<T, EmailSettings>) {
            for (auto p : {TemplateProblem("subject", st.subject), TemplateProblem("html", st.html),
                           TemplateProblem("text", st.text)}) {
              if (!p.empty()) add(s.uuid, p);
            }
          } else if constexpr (std::is_same_v<T, SmsSettings>) {
            if (auto p = TemplateProblem("text", st.text); !p.empty()) add(s.uuid, p);
          } else if constexpr (std::is_same_v<T, WebhookSettings>) {
            if (auto p = TemplateProblem("body", st.body); !p.empty()) add(s.uuid, p);
          } else if constexpr (std::is_same_v<T, AbTestSettings>) {
            int sum = 0;
            for (const auto& v : st.variants) sum += v.weight;
            if (sum != 100) add(s.uuid, "AB weights sum to " + std::to_string(sum) + ", not 100");
          }
        },
        *settings);
  }

  std::set<std::pair<std::string, std::string>> seen_branches;
  for (const auto& c : a.connections) {
    if (!ids.count(c.from_step)) {
      add(c.from_step, "connection from an unknown step");
      continue;
    }
    if (!ids.count(c.to_step)) {
      add(c.from_step, "connection to an unknown step " + c.to_step);
      continue;
    }
    if (c.from_step == c.to_step) add(c.from_step, "a step cannot connect to itself");
    const auto& ok = allowed[c.from_step];
    if (!ok.empty() && std::find(ok.begin(), ok.end(), c.branch) == ok.end()) {
      std::string list;
      for (const auto& b : ok) list += (list.empty() ? "" : ", ") + b;
      add(c.from_step, "branch '" + c.branch + "' does not fit a " +
                           StepTypeName(types[c.from_step]) + " step (allowed: " + list + ")");
    }
    if (!seen_branches.insert({c.from_step, c.branch}).second) {
      add(c.from_step, "branch '" + c.branch + "' is connected twice");
    }
  }
  for (const auto& s : a.steps) {
    for (const auto& b : allowed[s.uuid]) {
      if (BranchRequired(s.type, b) && !seen_branches.count({s.uuid, b})) {
        add(s.uuid, "branch '" + b + "' is not connected");
      }
    }
  }

  const Step* entry = a.EntryStep();
  if (!entry) {
    add("", "an automation needs exactly one entry step (a step without incoming connections)");
    return out;
  }
  // Reachability from the entry.
  std::set<std::string> reached{entry->uuid};
  std::vector<std::string> stack{entry->uuid};
  while (!stack.empty()) {
    std::string cur = stack.back();
    stack.pop_back();
    for (const auto& c : a.connections) {
      if (c.from_step == cur && ids.count(c.to_step) && reached.insert(c.to_step).second) {
        stack.push_back(c.to_step);
      }
    }
  }
  for (const auto& s : a.steps) {
    if (!reached.count(s.uuid)) add(s.uuid, "step is not reachable from the entry step");
  }
  // A cycle must pass through a wait, or a token would loop without end.
  std::map<std::string, int> color;  // 0 new, 1 on stack, 2 done
  std::function<bool(const std::string&)> cyclic = [&](const std::string& id) -> bool {
    color[id] = 1;
    for (const auto& c : a.connections) {
      if (c.from_step != id || !ids.count(c.to_step) || IsWaitStep(types[c.to_step])) continue;
      if (color[c.to_step] == 1) return true;
      if (color[c.to_step] == 0 && cyclic(c.to_step)) return true;
    }
    color[id] = 2;
    return false;
  };
  for (const auto& s : a.steps) {
    if (color[s.uuid] == 0 && cyclic(s.uuid)) {
      add(s.uuid, "a cycle through this step has no wait step");
      break;
    }
  }
  return out;
}

}  // namespace rivulet::core
