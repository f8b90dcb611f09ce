// The OpenAPI document served at GET /v1/openapi.json must be valid JSON and list exactly the
// routes that the native API, the tracking face and the system endpoints register: no route
// left out, no endpoint invented. The enums it documents must match the engine's.
#include "api/native/openapi_document.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "api/native/automation_json.h"
#include "api/native/native_api.h"
#include "api/services.h"
#include "api/system/system_routes.h"
#include "api/tracking/tracking_routes.h"
#include "core/automation.h"
#include "core/clock.h"
#include "core/condition.h"
#include "core/journey.h"
#include "core/step_settings.h"
#include "engine/accounts.h"
#include "engine/automations.h"
#include "engine/contacts.h"
#include "engine/events.h"
#include "engine/journeys.h"
#include "engine/resources.h"
#include "http/dispatcher.h"
#include "http/limits.h"
#include "http/message.h"
#include "support/api_fixture.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/sqlite/sqlite_store.h"

namespace rivulet::api::native {
namespace {
namespace json = boost::json;

struct RouteKey {
  std::string method;   // upper case, as registered
  std::string pattern;  // as registered, e.g. "/v1/contacts/{ref}"
  auto operator<=>(const RouteKey&) const = default;
};

struct KnownRoute {
  RouteKey key;
  std::set<std::string> success;  // the 2xx statuses its handler answers with
};

// Every route registered by src/api/native/*.cc, src/api/tracking/*.cc and
// src/api/system/*.cc. A new route goes here and into the document
// (src/api/native/openapi_document.h). The public /t/… tracking routes are documented too
// (tag "Tracking"); the click redirect answers 302 or an error, so it has no 2xx status.
const std::vector<KnownRoute>& KnownRoutes() {
  static const std::vector<KnownRoute> routes = {
      // contacts_routes.cc
      {{"POST", "/v1/contacts"}, {"201"}},
      {{"POST", "/v1/contacts/upsert"}, {"200", "201"}},
      {{"POST", "/v1/contacts/batch"}, {"200"}},
      {{"GET", "/v1/contacts"}, {"200"}},
      {{"GET", "/v1/contacts/{ref}"}, {"200"}},
      {{"PATCH", "/v1/contacts/{ref}"}, {"200"}},
      {{"DELETE", "/v1/contacts/{ref}"}, {"204"}},
      {{"POST", "/v1/contacts/{ref}/subscriptions"}, {"200"}},
      {{"GET", "/v1/contacts/{ref}/events"}, {"200"}},
      // events_routes.cc
      {{"POST", "/v1/events"}, {"200", "201"}},
      {{"GET", "/v1/events"}, {"200"}},
      // admin_routes.cc
      {{"GET", "/v1/workspaces"}, {"200"}},
      {{"POST", "/v1/workspaces"}, {"201"}},
      {{"GET", "/v1/workspaces/{uuid}"}, {"200"}},
      {{"GET", "/v1/workspaces/{uuid}/credentials"}, {"200"}},
      {{"POST", "/v1/workspaces/{uuid}/credentials"}, {"201"}},
      {{"DELETE", "/v1/credentials/{id}"}, {"204"}},
      // automation_routes.cc
      {{"POST", "/v1/automations"}, {"201"}},
      {{"GET", "/v1/automations"}, {"200"}},
      {{"GET", "/v1/automations/{uuid}"}, {"200"}},
      {{"PUT", "/v1/automations/{uuid}"}, {"200"}},
      {{"DELETE", "/v1/automations/{uuid}"}, {"204"}},
      {{"POST", "/v1/automations/{uuid}/status"}, {"200"}},
      {{"GET", "/v1/automations/{uuid}/statistics"}, {"200"}},
      {{"POST", "/v1/automations/{uuid}/tokens"}, {"201"}},
      {{"GET", "/v1/tokens/{uuid}"}, {"200"}},
      // resource_routes.cc
      {{"POST", "/v1/senders"}, {"201"}},
      {{"GET", "/v1/senders"}, {"200"}},
      {{"POST", "/v1/templates"}, {"201"}},
      {{"GET", "/v1/templates"}, {"200"}},
      {{"GET", "/v1/templates/{uuid}"}, {"200"}},
      {{"PUT", "/v1/templates/{uuid}"}, {"200"}},
      {{"POST", "/v1/settings"}, {"201"}},
      {{"GET", "/v1/settings"}, {"200"}},
      {{"PUT", "/v1/settings/{uuid}"}, {"200"}},
      {{"DELETE", "/v1/settings/{uuid}"}, {"204"}},
      // tracking_routes.cc: bounce intake on the native face, the rest public under /t
      {{"POST", "/v1/bounces"}, {"202"}},
      {{"GET", "/t/o/{file}"}, {"200"}},
      {{"GET", "/t/c/{uuid}"}, {}},
      {{"GET", "/t/u/{uuid}"}, {"200"}},
      {{"POST", "/t/u/{uuid}"}, {"200"}},
      // openapi.cc
      {{"GET", "/v1/openapi.json"}, {"200"}},
      // system_routes.cc
      {{"GET", "/healthz"}, {"200"}},
      {{"GET", "/readyz"}, {"200"}},
      {{"GET", "/metrics"}, {"200"}},
      {{"POST", "/oauth/token"}, {"200"}},
  };
  return routes;
}

constexpr std::string_view kHttpMethods[] = {"get",     "put",  "post",  "delete",
                                             "options", "head", "patch", "trace"};

bool IsHttpMethod(std::string_view key) {
  for (auto m : kHttpMethods) {
    if (key == m) return true;
  }
  return false;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::string RouteName(const RouteKey& k) { return k.method + " " + k.pattern; }

void PrintTo(const RouteKey& k, std::ostream* os) { *os << RouteName(k); }

const json::value& Document() {
  static const json::value doc = [] {
    boost::system::error_code ec;
    json::value v = json::parse(kOpenApiDocument, ec);
    if (ec) ADD_FAILURE() << "kOpenApiDocument is not valid JSON: " << ec.message();
    return v;
  }();
  return doc;
}

const json::object& Paths() {
  static const json::object empty;
  const json::value* p = Document().is_object() ? Document().as_object().if_contains("paths")
                                                : nullptr;
  return p && p->is_object() ? p->as_object() : empty;
}

// The documented operation, or nullptr.
const json::object* Operation(const RouteKey& k) {
  const json::value* item = Paths().if_contains(k.pattern);
  if (!item || !item->is_object()) return nullptr;
  const json::value* op = item->as_object().if_contains(Lower(k.method));
  return op && op->is_object() ? &op->as_object() : nullptr;
}

std::set<RouteKey> DocumentedRoutes() {
  std::set<RouteKey> out;
  for (const auto& [path, item] : Paths()) {
    if (!item.is_object()) continue;
    for (const auto& [key, op] : item.as_object()) {
      if (IsHttpMethod(key)) out.insert({Upper(key), std::string(path)});
    }
  }
  return out;
}

// Resolves a local reference such as "#/components/schemas/Contact", or nullptr.
const json::value* Resolve(std::string_view ref) {
  if (ref.substr(0, 2) != "#/") return nullptr;
  const json::value* node = &Document();
  std::string_view rest = ref.substr(2);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string part(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    std::string unescaped;  // JSON pointer escapes: ~1 is '/', ~0 is '~'
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '~' && i + 1 < part.size() && (part[i + 1] == '0' || part[i + 1] == '1')) {
        unescaped += part[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        unescaped += part[i];
      }
    }
    if (!node->is_object()) return nullptr;
    node = node->as_object().if_contains(unescaped);
    if (!node) return nullptr;
  }
  return node;
}

// v itself, or what its "$ref" points to.
const json::value* Deref(const json::value& v) {
  if (v.is_object()) {
    if (const json::value* r = v.as_object().if_contains("$ref"); r && r->is_string()) {
      return Resolve(r->as_string());
    }
  }
  return &v;
}

void CollectRefs(const json::value& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) {
      if (k == "$ref" && child.is_string()) out.emplace_back(child.as_string());
      CollectRefs(child, out);
    }
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) CollectRefs(child, out);
  }
}

std::vector<std::string> PathParamNames(std::string_view pattern) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = pattern.find('{', i)) != std::string_view::npos) {
    size_t j = pattern.find('}', i);
    if (j == std::string_view::npos) break;
    out.emplace_back(pattern.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  return out;
}

// The pattern with every "{name}" replaced by a sample value that matches no literal segment.
std::string Concrete(std::string_view pattern) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) {
      out += pattern.substr(i);
      break;
    }
    size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) {
      out += pattern.substr(i);
      break;
    }
    out += pattern.substr(i, open - i);
    std::string_view name = pattern.substr(open + 1, close - open - 1);
    if (name == "ref") {
      out += "email:sample@example.com";
    } else if (name == "uuid") {
      out += "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01";
    } else if (name == "id") {
      out += "7";
    } else {
      out += "sample-value";
    }
    i = close + 1;
  }
  return out;
}

// The parameter lists that apply to an operation: the path item's and the operation's own.
std::vector<const json::array*> ParameterLists(const RouteKey& k) {
  std::vector<const json::array*> out;
  const json::value* item = Paths().if_contains(k.pattern);
  if (item && item->is_object()) {
    if (const json::value* list = item->as_object().if_contains("parameters");
        list && list->is_array()) {
      out.push_back(&list->as_array());
    }
  }
  if (const json::object* op = Operation(k)) {
    if (const json::value* list = op->if_contains("parameters"); list && list->is_array()) {
      out.push_back(&list->as_array());
    }
  }
  return out;
}

// The parameters that apply to an operation, references resolved.
std::vector<const json::object*> Parameters(const RouteKey& k) {
  std::vector<const json::object*> out;
  for (const json::array* list : ParameterLists(k)) {
    for (const auto& p : *list) {
      const json::value* resolved = Deref(p);
      if (resolved && resolved->is_object()) out.push_back(&resolved->as_object());
    }
  }
  return out;
}

bool UsesParameterRef(const RouteKey& k, std::string_view ref) {
  for (const json::array* list : ParameterLists(k)) {
    for (const auto& p : *list) {
      if (!p.is_object()) continue;
      const json::value* r = p.as_object().if_contains("$ref");
      if (r && r->is_string() && r->as_string() == ref) return true;
    }
  }
  return false;
}

bool HasResponse(const json::object& op, std::string_view status) {
  const json::value* r = op.if_contains("responses");
  return r && r->is_object() && r->as_object().contains(status);
}

// --- the document on its own ---

TEST(NativeOpenApiDocumentTest, IsValidOpenApi303Json) {
  boost::system::error_code ec;
  json::value doc = json::parse(kOpenApiDocument, ec);
  ASSERT_FALSE(ec) << "kOpenApiDocument is not valid JSON: " << ec.message();
  ASSERT_TRUE(doc.is_object());
  const json::object& o = doc.as_object();
  ASSERT_TRUE(o.contains("openapi"));
  EXPECT_EQ(o.at("openapi"), json::value("3.0.3"));
  ASSERT_TRUE(o.contains("info") && o.at("info").is_object());
  EXPECT_TRUE(o.at("info").as_object().contains("title"));
  EXPECT_TRUE(o.at("info").as_object().contains("version"));
  ASSERT_TRUE(o.contains("paths") && o.at("paths").is_object());
  EXPECT_FALSE(o.at("paths").as_object().empty());
}

TEST(NativeOpenApiDocumentTest, HasTheSharedComponents) {
  ASSERT_TRUE(Document().is_object());
  for (const char* name :
       {"Contact", "ContactInput", "ContactPage", "Event", "EventInput", "EventPage", "Workspace",
        "WorkspaceList", "Credential", "CredentialCreated", "CredentialList", "Error",
        "TokenResponse", "OAuthError"}) {
    EXPECT_NE(Resolve(std::string("#/components/schemas/") + name), nullptr) << name;
  }
  const json::value* bearer = Resolve("#/components/securitySchemes/bearer");
  ASSERT_NE(bearer, nullptr);
  EXPECT_EQ(bearer->as_object().at("type"), json::value("http"));
  EXPECT_EQ(bearer->as_object().at("scheme"), json::value("bearer"));
  for (const char* header : {"PublicKey", "SecretKey"}) {
    const json::value* s = Resolve(std::string("#/components/securitySchemes/") + header);
    ASSERT_NE(s, nullptr) << header;
    EXPECT_EQ(s->as_object().at("type"), json::value("apiKey"));
    EXPECT_EQ(s->as_object().at("in"), json::value("header"));
    EXPECT_EQ(s->as_object().at("name"), json::value(header));
  }
  const json::value* limit = Resolve("#/components/parameters/Limit/schema");
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->as_object().at("minimum"), json::value(1));
  EXPECT_EQ(limit->as_object().at("maximum"), json::value(1000));
  EXPECT_EQ(limit->as_object().at("default"), json::value(50));
  EXPECT_NE(Resolve("#/components/parameters/Cursor"), nullptr);
  const json::value* ref = Resolve("#/components/parameters/ContactRef");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->as_object().at("name"), json::value("ref"));
  EXPECT_EQ(ref->as_object().at("in"), json::value("path"));
}

TEST(NativeOpenApiDocumentTest, HasTheAutomationAndResourceComponents) {
  for (const char* name : {"Automation", "AutomationInput", "AutomationStatus", "StepType", "Step",
                           "Trigger", "Connection", "Condition", "AutomationPage"}) {
    EXPECT_NE(Resolve(std::string("#/components/schemas/") + name), nullptr) << name;
  }
  for (const char* name : {"AutomationStatusChange", "AutomationStatistics", "AutomationCounters",
                           "StepCounters", "EnrollmentInput", "AutomationToken"}) {
    EXPECT_NE(Resolve(std::string("#/components/schemas/") + name), nullptr) << name;
  }
  for (const char* name : {"Sender", "SenderInput", "MessageTemplate", "MessageTemplateInput",
                           "Setting", "SettingInput", "SettingType", "BounceInput"}) {
    EXPECT_NE(Resolve(std::string("#/components/schemas/") + name), nullptr) << name;
  }
}

// The string values of the enum at a local reference such as
// "#/components/schemas/StepType/enum".
std::set<std::string> EnumAt(std::string_view ref) {
  std::set<std::string> out;
  const json::value* v = Resolve(ref);
  if (!v || !v->is_array()) {
    ADD_FAILURE() << ref << " is not an enum";
    return out;
  }
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.emplace(e.as_string());
  }
  return out;
}

std::string StringAt(std::string_view ref) {
  const json::value* v = Resolve(ref);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Every value of an enum class whose enumerators run from 0 to `last`.
template <typename E>
std::vector<E> AllOf(E last) {
  std::vector<E> out;
  for (int i = 0; i <= static_cast<int>(last); ++i) out.push_back(static_cast<E>(i));
  return out;
}

TEST(NativeOpenApiDocumentTest, AutomationStatusesAndLifecycleMatchTheEngine) {
  using core::AutomationStatus;
  std::set<std::string> engine_names;
  for (AutomationStatus s : AllOf(AutomationStatus::kToDelete)) {
    engine_names.insert(core::AutomationStatusName(s));
  }
  EXPECT_EQ(engine_names.size(), 8u);
  EXPECT_EQ(EnumAt("#/components/schemas/AutomationStatus/enum"), engine_names);

  const json::value* transitions = Resolve("#/components/schemas/AutomationStatus/x-transitions");
  ASSERT_TRUE(transitions && transitions->is_object());
  for (AutomationStatus from : AllOf(AutomationStatus::kToDelete)) {
    const json::value* targets =
        transitions->as_object().if_contains(core::AutomationStatusName(from));
    ASSERT_TRUE(targets && targets->is_array()) << core::AutomationStatusName(from);
    for (AutomationStatus to : AllOf(AutomationStatus::kToDelete)) {
      if (from == to) continue;
      bool documented = false;
      for (const auto& t : targets->as_array()) {
        documented = documented || t == json::value(core::AutomationStatusName(to));
      }
      EXPECT_EQ(documented, core::IsLegalTransition(from, to))
          << core::AutomationStatusName(from) << " -> " << core::AutomationStatusName(to);
    }
  }
}

TEST(NativeOpenApiDocumentTest, StepTypesAndBranchesMatchTheEngine) {
  using core::StepType;
  std::set<std::string> engine_names;
  for (StepType t : AllOf(StepType::kIssueCredits)) engine_names.insert(core::StepTypeName(t));
  EXPECT_EQ(engine_names.size(), 11u);
  EXPECT_EQ(EnumAt("#/components/schemas/StepType/enum"), engine_names);

  // Step is a oneOf discriminated by "type": one schema per step type.
  const json::value* mapping = Resolve("#/components/schemas/Step/discriminator/mapping");
  ASSERT_TRUE(mapping && mapping->is_object());
  std::set<std::string> mapped;
  for (const auto& [type, target] : mapping->as_object()) {
    SCOPED_TRACE(std::string(type));
    mapped.insert(std::string(type));
    ASSERT_TRUE(target.is_string());
    std::string schema(target.as_string());
    EXPECT_EQ(EnumAt(schema + "/properties/type/enum"), std::set<std::string>{std::string(type)});
    auto parsed = core::ParseStepType(type);
    ASSERT_TRUE(parsed.has_value());
    // The step's description names every branch that may leave it (AB tests: per variant).
    std::string description = StringAt(schema + "/description");
    if (*parsed == StepType::kAbTest) {
      EXPECT_NE(description.find("`variant:<name>`"), std::string::npos);
    } else {
      for (const std::string& branch : core::AllowedBranches(*parsed, core::NoSettings{})) {
        EXPECT_NE(description.find("`" + branch + "`"), std::string::npos) << branch;
      }
    }
  }
  EXPECT_EQ(mapped, engine_names);

  std::string branches = StringAt("#/components/schemas/Connection/properties/branch/description");
  for (std::string_view b : {core::kBranchDefault, core::kBranchYes, core::kBranchNo,
                             core::kBranchTriggered, core::kBranchTimeout, core::kBranchError}) {
    EXPECT_NE(branches.find("`" + std::string(b) + "`"), std::string::npos) << b;
  }
  EXPECT_NE(branches.find("`variant:<name>`"), std::string::npos);
}

TEST(NativeOpenApiDocumentTest, StepSettingsMatchTheEngine) {
  const json::value* mapping = Resolve("#/components/schemas/Step/discriminator/mapping");
  ASSERT_TRUE(mapping && mapping->is_object());
  for (const auto& [type, target] : mapping->as_object()) {
    SCOPED_TRACE(std::string(type));
    auto step_type = core::ParseStepType(type);
    ASSERT_TRUE(step_type.has_value());
    std::string settings = StringAt(std::string(target.as_string()) + "/properties/settings/$ref");
    ASSERT_FALSE(settings.empty());
    const json::value* closed = Resolve(settings + "/additionalProperties");
    EXPECT_TRUE(closed && *closed == json::value(false)) << settings << " must be closed";
    // Every documented setting is one the engine knows ...
    if (const json::value* props = Resolve(settings + "/properties")) {
      ASSERT_TRUE(props->is_object());
      for (const auto& [key, schema] : props->as_object()) {
        auto r = core::ParseStepSettings(*step_type, json::serialize(json::object{{key, nullptr}}));
        if (r.ok()) continue;
        auto it = r.status().fields().find(std::string(key));
        EXPECT_FALSE(it != r.status().fields().end() &&
                     it->second == "is not a setting of this step type")
            << key << " is documented but unknown to the engine";
      }
    }
    // ... an undocumented one is rejected ...
    auto unknown = core::ParseStepSettings(*step_type, R"({"not_a_documented_setting":1})");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.status().fields().count("not_a_documented_setting"), 1u);
    // ... and the documented example is accepted.
    if (const json::value* example = Resolve(settings + "/example")) {
      auto r = core::ParseStepSettings(*step_type, json::serialize(*example));
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  }
}

TEST(NativeOpenApiDocumentTest, TheAutomationExamplesAreValidAutomations) {
  for (const char* ref : {"#/components/schemas/AutomationInput/example",
                          "#/components/schemas/Automation/example"}) {
    SCOPED_TRACE(ref);
    const json::value* example = Resolve(ref);
    ASSERT_TRUE(example && example->is_object());
    auto a = AutomationFromJson(example->as_object());
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    auto problems = core::ValidateAutomation(*a);
    EXPECT_TRUE(problems.empty()) << problems.front().step << ": " << problems.front().message;
  }
}

TEST(NativeOpenApiDocumentTest, ConditionOperatorsMatchTheEngine) {
  std::set<std::string> ops = EnumAt("#/components/schemas/ConditionLeaf/properties/op/enum");
  EXPECT_EQ(ops.size(), 11u);
  for (const std::string& op : ops) {
    json::value value = op == "in"                        ? json::value(json::array{1})
                        : op == "before" || op == "after" ? json::value("now-7d")
                        : op == "exists"                  ? json::value(true)
                                                          : json::value(1);
    json::value leaf =
        json::object{{"field", "contact.attributes.x"}, {"op", op}, {"value", value}};
    auto parsed = core::Condition::Parse(leaf);
    EXPECT_TRUE(parsed.ok()) << op << ": " << parsed.status().ToString();
  }
  EXPECT_FALSE(
      core::Condition::Parse(json::parse(R"({"field":"x","op":"matches","value":"a"})")).ok());
  const json::value* example = Resolve("#/components/schemas/Condition/example");
  ASSERT_NE(example, nullptr);
  EXPECT_TRUE(core::Condition::Parse(*example).ok());
}

TEST(NativeOpenApiDocumentTest, CounterNamesMatchTheEngine) {
  namespace c = engine::counter;
  std::set<std::string> engine_names = {c::kEntered, c::kCompleted,   c::kExited,  c::kErrors,
                                        c::kSent,    c::kDelivered,   c::kSkipped, c::kFailed,
                                        c::kOpens,   c::kUniqueOpens, c::kClicks,  c::kUniqueClicks,
                                        c::kBounces, c::kUnsubscribes};
  std::set<std::string> documented;
  for (const char* schema : {"AutomationCounters", "StepCounters"}) {
    const json::value* props =
        Resolve(std::string("#/components/schemas/") + schema + "/properties");
    ASSERT_TRUE(props && props->is_object()) << schema;
    for (const auto& [name, value] : props->as_object()) documented.insert(std::string(name));
  }
  EXPECT_EQ(documented, engine_names);
}

TEST(NativeOpenApiDocumentTest, SettingTypesMatchTheEngine) {
  std::set<std::string> types = EnumAt("#/components/schemas/SettingType/enum");
  EXPECT_EQ(types.size(), 5u);
  for (const std::string& type : types) {
    core::WorkspaceSetting s;
    s.type = type;
    EXPECT_EQ(engine::ValidateSetting(s).fields().count("type"), 0u) << type;
  }
  core::WorkspaceSetting unknown;
  unknown.type = "NOT_A_SETTING_TYPE";
  EXPECT_EQ(engine::ValidateSetting(unknown).fields().count("type"), 1u);
}

TEST(NativeOpenApiDocumentTest, EveryReferenceResolves) {
  std::vector<std::string> refs;
  CollectRefs(Document(), refs);
  EXPECT_FALSE(refs.empty());
  for (const auto& r : refs) EXPECT_NE(Resolve(r), nullptr) << "dangling $ref " << r;
}

TEST(NativeOpenApiDocumentTest, OperationsAreWellFormed) {
  std::set<std::string> ids;
  for (const RouteKey& k : DocumentedRoutes()) {
    SCOPED_TRACE(RouteName(k));
    const json::object* op = Operation(k);
    ASSERT_NE(op, nullptr);
    const json::value* id = op->if_contains("operationId");
    ASSERT_TRUE(id && id->is_string());
    EXPECT_TRUE(ids.insert(std::string(id->as_string())).second)
        << "duplicate operationId " << *id;
    const json::value* responses = op->if_contains("responses");
    ASSERT_TRUE(responses && responses->is_object());
    EXPECT_FALSE(responses->as_object().empty());
    // Every path parameter is declared, in the path and required.
    for (const std::string& name : PathParamNames(k.pattern)) {
      bool declared = false;
      for (const json::object* p : Parameters(k)) {
        const json::value* n = p->if_contains("name");
        const json::value* in = p->if_contains("in");
        if (n && *n == json::value(name) && in && *in == json::value("path")) {
          declared = true;
          const json::value* required = p->if_contains("required");
          EXPECT_TRUE(required && *required == json::value(true)) << name;
        }
      }
      EXPECT_TRUE(declared) << "path parameter {" << name << "} is not declared";
    }
    // An operation that reads a body documents the body errors.
    if (op->contains("requestBody")) {
      for (const char* status : {"400", "413", "415"}) {
        EXPECT_TRUE(HasResponse(*op, status)) << "missing " << status;
      }
    }
  }
}

// --- the document against the real routes ---

class NativeOpenApiRoutesTest : public test_support::ApiServicesFixture {
 protected:
  void SetUp() override {
    ApiServicesFixture::SetUp();
    if (HasFatalFailure()) return;
    router_ = std::make_unique<http::Router>();
    // As src/app/app.cc registers them.
    api::system::RegisterSystemRoutes(*router_, *services_);
    RegisterNativeApi(*router_, *services_);
    api::tracking::RegisterTrackingRoutes(*router_, *services_);
  }

  void TearDown() override {
    router_.reset();
    ApiServicesFixture::TearDown();
  }

  // The route serving k's pattern with k's method, or nullptr.
  const http::Route* Registered(const RouteKey& k) const {
    return router_->Find(k.method, Concrete(k.pattern)).route;
  }

  http::Response Dispatch(const std::string& method, const std::string& target) {
    http::Dispatcher dispatcher(*router_, *accounts_, metrics_, http::Limits{});
    http::Request req;
    req.method = method;
    req.target = target;
    std::optional<http::Response> got;
    dispatcher.Dispatch(std::move(req), [&got](http::Response r) { got = std::move(r); });
    EXPECT_TRUE(got.has_value()) << method << " " << target << " did not answer synchronously";
    return got ? std::move(*got) : http::Response{};
  }

  std::unique_ptr<http::Router> router_;
};

TEST_F(NativeOpenApiRoutesTest, EveryDocumentedOperationIsARegisteredRoute) {
  std::set<RouteKey> documented = DocumentedRoutes();
  EXPECT_FALSE(documented.empty());
  for (const RouteKey& k : documented) {
    const http::Route* route = Registered(k);
    ASSERT_NE(route, nullptr) << "documented but not registered: " << RouteName(k);
    EXPECT_EQ(route->pattern, k.pattern) << RouteName(k) << " is served by another route";
    EXPECT_EQ(route->method, k.method);
  }
}

TEST_F(NativeOpenApiRoutesTest, EveryRegisteredRouteIsDocumented) {
  std::set<RouteKey> known;
  for (const KnownRoute& r : KnownRoutes()) {
    known.insert(r.key);
    const http::Route* route = Registered(r.key);
    // The list above must stay true to the registration code.
    ASSERT_NE(route, nullptr) << "listed but not registered: " << RouteName(r.key);
    EXPECT_EQ(route->pattern, r.key.pattern);
    EXPECT_NE(Operation(r.key), nullptr)
        << "registered but not documented: " << Lower(r.key.method) << " " << r.key.pattern;
  }
  EXPECT_EQ(known.size(), KnownRoutes().size()) << "duplicate entries in KnownRoutes()";
  EXPECT_EQ(DocumentedRoutes(), known);
}

// Catches a method added to a path that is already documented: every method the router
// allows on a documented path must be documented for the pattern that serves it.
TEST_F(NativeOpenApiRoutesTest, NoUndocumentedMethodOnDocumentedPaths) {
  std::set<RouteKey> documented = DocumentedRoutes();
  std::set<std::string> patterns;
  for (const RouteKey& k : documented) patterns.insert(k.pattern);
  for (const std::string& pattern : patterns) {
    std::string path = Concrete(pattern);
    http::Router::Match m = router_->Find("NO-SUCH-METHOD", path);
    EXPECT_TRUE(m.path_matched) << pattern;
    for (const std::string& method : m.allowed_methods) {
      const http::Route* route = router_->Find(method, path).route;
      ASSERT_NE(route, nullptr) << method << " " << path;
      EXPECT_TRUE(documented.count({route->method, route->pattern}))
          << "registered but not documented: " << Lower(route->method) << " " << route->pattern;
    }
  }
}

TEST_F(NativeOpenApiRoutesTest, SuccessStatusesMatchTheHandlers) {
  for (const KnownRoute& r : KnownRoutes()) {
    SCOPED_TRACE(RouteName(r.key));
    const json::object* op = Operation(r.key);
    ASSERT_NE(op, nullptr);
    std::set<std::string> documented;
    for (const auto& [status, response] : op->at("responses").as_object()) {
      if (status.size() == 3 && status[0] == '2') documented.insert(std::string(status));
    }
    EXPECT_EQ(documented, r.success);
  }
}

TEST_F(NativeOpenApiRoutesTest, SecurityAndErrorsFollowTheRouteOptions) {
  const json::value* global = Document().as_object().if_contains("security");
  ASSERT_NE(global, nullptr);
  EXPECT_EQ(*global, json::parse(R"([{"bearer":[]},{"PublicKey":[],"SecretKey":[]}])"));
  for (const KnownRoute& r : KnownRoutes()) {
    SCOPED_TRACE(RouteName(r.key));
    const json::object* op = Operation(r.key);
    const http::Route* route = Registered(r.key);
    ASSERT_NE(op, nullptr);
    ASSERT_NE(route, nullptr);
    const json::value* security = op->if_contains("security");
    if (route->options.public_route) {
      ASSERT_NE(security, nullptr) << "a public route needs \"security\": []";
      EXPECT_EQ(*security, json::array());
      continue;
    }
    EXPECT_EQ(security, nullptr) << "an authenticated route uses the document's security";
    EXPECT_TRUE(HasResponse(*op, "401"));
    if (route->options.admin_only) {
      EXPECT_TRUE(HasResponse(*op, "403"));
    }
    bool workspace_header = UsesParameterRef(r.key, "#/components/parameters/WorkspaceHeader");
    EXPECT_EQ(workspace_header, route->options.needs_workspace);
    if (route->options.needs_workspace) {
      EXPECT_TRUE(HasResponse(*op, "403"));
      EXPECT_TRUE(HasResponse(*op, "404"));
    }
  }
}

TEST_F(NativeOpenApiRoutesTest, ServesTheDocumentWithoutCredentials) {
  http::Response r = Dispatch("GET", "/v1/openapi.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, kOpenApiDocument);
}

TEST_F(NativeOpenApiRoutesTest, UndocumentedMethodIs405WithAllow) {
  http::Response r = Dispatch("PUT", "/v1/contacts");
  EXPECT_EQ(r.status, 405);
  auto allow = r.headers.Get("Allow");
  ASSERT_TRUE(allow.has_value());
  EXPECT_NE(allow->find("GET"), std::string_view::npos);
  EXPECT_NE(allow->find("POST"), std::string_view::npos);
  boost::system::error_code ec;
  json::value body = json::parse(r.body, ec);
  ASSERT_FALSE(ec) << r.body;
  EXPECT_EQ(body.at("error").at("code"), json::value("invalid_argument"));
}

}  // namespace
}  // namespace rivulet::api::native
