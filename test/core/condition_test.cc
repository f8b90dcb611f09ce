#include "core/condition.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>

#include "core/status_printers.h"
#include "core/time_format.h"

namespace rivulet::core {
namespace {

namespace json = boost::json;

constexpr Millis kNow = 1'715'345'258'000;  // 2024-05-10T12:47:38Z
constexpr Millis kDay = 86'400'000;

json::object Context() {
  return json::parse(R"({
    "contact": {
      "email": "ann@example.com",
      "tags": ["vip", "newsletter", 7],
      "attributes": {"plan": "gold", "age": 42, "score": 7.5, "nothing": null,
                     "signup": "2024-05-01T09:00:00Z", "birthday": "1990-05-10",
                     "seen_ms": 1715000000000, "bad_date": "last tuesday"}
    },
    "event": {"type": "order_placed",
              "data": {"total": 100, "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2"}]}},
    "run": {"data": {"coupon": "WELCOME10"}},
    "messages": {"2f1c6a8e-0000-4000-8000-000000000001": {"delivered": true, "opened": false}}
  })")
      .as_object();
}

Condition MustParse(const std::string& text, const ConditionLimits& limits = {}) {
  auto c = Condition::Parse(json::parse(text), limits);
  EXPECT_TRUE(c.ok()) << text << ": " << c.status().ToString();
  return c.ok() ? *c : Condition();
}

bool Eval(const std::string& text, Millis now = kNow) {
  return MustParse(text).Evaluate(Context(), now);
}

// A leaf condition on field with op and value (value is JSON text; empty: no value key).
std::string Leaf(const std::string& field, const std::string& op, const std::string& value) {
  std::string s = R"({"field":")" + field + R"(","op":")" + op + '"';
  if (!value.empty()) s += R"(,"value":)" + value;
  return s + "}";
}

Status ParseError(const std::string& text, const ConditionLimits& limits = {}) {
  auto c = Condition::Parse(json::parse(text), limits);
  EXPECT_FALSE(c.ok()) << text << " parsed";
  return c.status();
}

// The message of the field detail at path, or "<none>".
std::string FieldDetail(const Status& st, const std::string& path) {
  auto it = st.fields().find(path);
  return it == st.fields().end() ? "<none>" : it->second;
}

TEST(ConditionTest, EmptyAllIsTrueAndEmptyAnyIsFalse) {
  EXPECT_TRUE(Eval(R"({"all":[]})"));
  EXPECT_FALSE(Eval(R"({"any":[]})"));
  EXPECT_TRUE(Condition().Evaluate(Context(), kNow));
  EXPECT_EQ(json::serialize(Condition().ToJson()), R"({"all":[]})");
}

TEST(ConditionTest, CompositesCombineTheirOperands) {
  const std::string yes = Leaf("contact.attributes.plan", "eq", R"("gold")");
  const std::string no = Leaf("contact.attributes.plan", "eq", R"("silver")");
  EXPECT_TRUE(Eval(R"({"all":[)" + yes + "," + yes + "]}"));
  EXPECT_FALSE(Eval(R"({"all":[)" + yes + "," + no + "]}"));
  EXPECT_TRUE(Eval(R"({"any":[)" + no + "," + yes + "]}"));
  EXPECT_FALSE(Eval(R"({"any":[)" + no + "," + no + "]}"));
  EXPECT_TRUE(Eval(R"({"not":)" + no + "}"));
  EXPECT_FALSE(Eval(R"({"not":)" + yes + "}"));
  EXPECT_TRUE(Eval(R"({"not":{"all":[)" + yes + "," + no + "]}}"));
}

TEST(ConditionTest, EqComparesStringsBoolsAndNull) {
  EXPECT_TRUE(Eval(Leaf("contact.email", "eq", R"("ann@example.com")")));
  EXPECT_FALSE(Eval(Leaf("contact.email", "eq", R"("ANN@example.com")")));
  EXPECT_TRUE(Eval(Leaf("messages.2f1c6a8e-0000-4000-8000-000000000001.delivered", "eq", "true")));
  EXPECT_FALSE(Eval(Leaf("messages.2f1c6a8e-0000-4000-8000-000000000001.opened", "eq", "true")));
  EXPECT_TRUE(Eval(Leaf("contact.attributes.nothing", "eq", "null")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.missing", "eq", "null")));
}

TEST(ConditionTest, NumbersCompareNumericallyAcrossKinds) {
  EXPECT_TRUE(Eval(Leaf("event.data.total", "eq", "100")));
  EXPECT_TRUE(Eval(Leaf("event.data.total", "eq", "100.0")));
  EXPECT_TRUE(Eval(Leaf("event.data.total", "eq", "1e2")));
  EXPECT_TRUE(Eval(Leaf("contact.attributes.score", "eq", "7.5")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.score", "eq", "7")));
  EXPECT_FALSE(Eval(Leaf("event.data.total", "eq", "100.5")));
  // uint64 beyond int64 against int64 and double.
  json::object ctx{{"n", json::value(uint64_t{18446744073709551615ULL})}, {"m", -1}};
  EXPECT_TRUE(MustParse(Leaf("n", "gt", "9223372036854775807")).Evaluate(ctx, kNow));
  EXPECT_TRUE(MustParse(Leaf("m", "lt", "18446744073709551615")).Evaluate(ctx, kNow));
  EXPECT_FALSE(MustParse(Leaf("n", "eq", "-1")).Evaluate(ctx, kNow));
}

TEST(ConditionTest, NumberNeverEqualsItsDecimalString) {
  EXPECT_FALSE(Eval(Leaf("event.data.total", "eq", R"("100")")));
  EXPECT_TRUE(Eval(Leaf("event.data.total", "neq", R"("100")")));
  EXPECT_FALSE(Eval(Leaf("run.data.coupon", "eq", "10")));
}

TEST(ConditionTest, EqComparesArraysAndObjectsDeeply) {
  EXPECT_TRUE(Eval(Leaf("event.data.items.0", "eq", R"({"qty":2.0,"sku":"A-1"})")));
  EXPECT_FALSE(Eval(Leaf("event.data.items.0", "eq", R"({"sku":"A-1"})")));
  EXPECT_TRUE(Eval(Leaf("contact.tags", "eq", R"(["vip","newsletter",7.0])")));
  EXPECT_FALSE(Eval(Leaf("contact.tags", "eq", R"(["newsletter","vip",7])")));
}

TEST(ConditionTest, NeqIsTheNegationOfEq) {
  EXPECT_TRUE(Eval(Leaf("contact.attributes.plan", "neq", R"("silver")")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.plan", "neq", R"("gold")")));
  EXPECT_FALSE(Eval(Leaf("event.data.total", "neq", "100.0")));
}

TEST(ConditionTest, MissingFieldMakesNeqTrue) {
  EXPECT_TRUE(Eval(Leaf("contact.attributes.missing", "neq", R"("gold")")));
  EXPECT_TRUE(Eval(Leaf("nowhere.at.all", "neq", "null")));
}

TEST(ConditionTest, MissingFieldMakesEveryOtherOpFalse) {
  const std::string f = "contact.attributes.missing";
  EXPECT_FALSE(Eval(Leaf(f, "eq", R"("x")")));
  EXPECT_FALSE(Eval(Leaf(f, "gt", "1")));
  EXPECT_FALSE(Eval(Leaf(f, "gte", "1")));
  EXPECT_FALSE(Eval(Leaf(f, "lt", "1")));
  EXPECT_FALSE(Eval(Leaf(f, "lte", "1")));
  EXPECT_FALSE(Eval(Leaf(f, "contains", R"("x")")));
  EXPECT_FALSE(Eval(Leaf(f, "in", R"(["x", null])")));
  EXPECT_FALSE(Eval(Leaf(f, "exists", "")));
  EXPECT_FALSE(Eval(Leaf(f, "before", R"("now")")));
  EXPECT_FALSE(Eval(Leaf(f, "after", R"("2000-01-01")")));
  EXPECT_TRUE(Eval(Leaf(f, "exists", "false")));
  // A path through a scalar is missing too.
  EXPECT_FALSE(Eval(Leaf("contact.email.domain", "eq", R"("x")")));
  EXPECT_TRUE(Eval(Leaf("contact.email.domain", "neq", R"("x")")));
}

TEST(ConditionTest, OrderingOpsCompareNumbers) {
  const std::string f = "contact.attributes.age";  // 42
  EXPECT_TRUE(Eval(Leaf(f, "gt", "41.5")));
  EXPECT_FALSE(Eval(Leaf(f, "gt", "42")));
  EXPECT_TRUE(Eval(Leaf(f, "gte", "42.0")));
  EXPECT_FALSE(Eval(Leaf(f, "gte", "43")));
  EXPECT_TRUE(Eval(Leaf(f, "lt", "43")));
  EXPECT_FALSE(Eval(Leaf(f, "lt", "42")));
  EXPECT_TRUE(Eval(Leaf(f, "lte", "42")));
  EXPECT_FALSE(Eval(Leaf(f, "lte", "-1")));
}

TEST(ConditionTest, OrderingOpsCompareStringsBytewise) {
  const std::string f = "contact.attributes.plan";  // "gold"
  EXPECT_TRUE(Eval(Leaf(f, "gt", R"("bronze")")));
  EXPECT_FALSE(Eval(Leaf(f, "gt", R"("gold")")));
  EXPECT_TRUE(Eval(Leaf(f, "gte", R"("gold")")));
  EXPECT_TRUE(Eval(Leaf(f, "lt", R"("silver")")));
  EXPECT_FALSE(Eval(Leaf(f, "lt", R"("Silver")")));  // 'S' < 'g'
  EXPECT_TRUE(Eval(Leaf(f, "lte", R"("gold")")));
}

TEST(ConditionTest, OrderingOpsAreFalseAcrossTypes) {
  EXPECT_FALSE(Eval(Leaf("contact.attributes.age", "gt", R"("1")")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.age", "lt", R"("99")")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.plan", "gte", "0")));
  EXPECT_FALSE(Eval(Leaf("contact.tags", "gt", "0")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.nothing", "lte", "0")));
}

TEST(ConditionTest, ContainsFindsSubstringsAndArrayElements) {
  EXPECT_TRUE(Eval(Leaf("contact.email", "contains", R"("@example.")")));
  EXPECT_FALSE(Eval(Leaf("contact.email", "contains", R"("@EXAMPLE.")")));
  EXPECT_TRUE(Eval(Leaf("contact.tags", "contains", R"("vip")")));
  EXPECT_FALSE(Eval(Leaf("contact.tags", "contains", R"("vi")")));
  EXPECT_TRUE(Eval(Leaf("contact.tags", "contains", "7.0")));
  EXPECT_TRUE(Eval(Leaf("event.data.items", "contains", R"({"sku":"B-2"})")));
  // Neither a string nor an array, or a string against a non-string value.
  EXPECT_FALSE(Eval(Leaf("event.data.total", "contains", "100")));
  EXPECT_FALSE(Eval(Leaf("contact.email", "contains", "1")));
}

TEST(ConditionTest, InMatchesOneOfTheListedValues) {
  EXPECT_TRUE(Eval(Leaf("contact.attributes.plan", "in", R"(["silver","gold"])")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.plan", "in", R"(["silver","bronze"])")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.plan", "in", "[]")));
  EXPECT_TRUE(Eval(Leaf("event.data.total", "in", "[1, 100.0]")));
  EXPECT_FALSE(Eval(Leaf("event.data.total", "in", R"(["100"])")));
  EXPECT_TRUE(Eval(Leaf("contact.attributes.nothing", "in", "[null]")));
}

TEST(ConditionTest, ExistsMeansPresentAndNotNull) {
  EXPECT_TRUE(Eval(Leaf("run.data.coupon", "exists", "")));
  EXPECT_TRUE(Eval(Leaf("run.data.coupon", "exists", "true")));
  EXPECT_FALSE(Eval(Leaf("run.data.coupon", "exists", "false")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.nothing", "exists", "")));
  EXPECT_TRUE(Eval(Leaf("contact.attributes.nothing", "exists", "false")));
  EXPECT_FALSE(Eval(Leaf("run.data.missing", "exists", "true")));
  EXPECT_TRUE(Eval(Leaf("run.data.missing", "exists", "false")));
  // false and empty values exist.
  EXPECT_TRUE(Eval(Leaf("messages.2f1c6a8e-0000-4000-8000-000000000001.opened", "exists", "")));
}

TEST(ConditionTest, BeforeAndAfterCompareAbsoluteTimes) {
  const std::string signup = "contact.attributes.signup";  // 2024-05-01T09:00:00Z
  EXPECT_TRUE(Eval(Leaf(signup, "before", R"("2024-05-02")")));
  EXPECT_FALSE(Eval(Leaf(signup, "before", R"("2024-05-01T09:00:00Z")")));
  EXPECT_FALSE(Eval(Leaf(signup, "after", R"("2024-05-01T09:00:00Z")")));
  EXPECT_TRUE(Eval(Leaf(signup, "after", R"("2024-05-01T10:59:59+02:00")")));
  EXPECT_FALSE(Eval(Leaf(signup, "after", R"("2024-05-01T11:00:01+02:00")")));
  // A plain date field is midnight UTC.
  EXPECT_TRUE(Eval(Leaf("contact.attributes.birthday", "before", R"("1990-05-10T00:00:01Z")")));
  EXPECT_TRUE(Eval(Leaf("contact.attributes.birthday", "after", R"("1990-05-09T23:59:59Z")")));
}

TEST(ConditionTest, BeforeAndAfterTakeRelativeTimesFromNow) {
  const std::string signup = "contact.attributes.signup";  // 9 days, 3h47m38s before kNow
  EXPECT_TRUE(Eval(Leaf(signup, "before", R"("now-7d")")));
  EXPECT_FALSE(Eval(Leaf(signup, "before", R"("now-10d")")));
  EXPECT_TRUE(Eval(Leaf(signup, "after", R"("now-10d")")));
  EXPECT_TRUE(Eval(Leaf(signup, "before", R"("now")")));
  EXPECT_FALSE(Eval(Leaf(signup, "after", R"("now+2h")")));
  // The same condition moves with `now`.
  EXPECT_FALSE(Eval(Leaf(signup, "before", R"("now-7d")"), kNow - 3 * kDay));
  // Units: seconds, minutes, hours, weeks.
  json::object ctx{{"t", FormatIsoUtc(kNow - 50'000)}};
  EXPECT_TRUE(MustParse(Leaf("t", "before", R"("now-45s")")).Evaluate(ctx, kNow));
  EXPECT_FALSE(MustParse(Leaf("t", "before", R"("now-55s")")).Evaluate(ctx, kNow));
  EXPECT_TRUE(MustParse(Leaf("t", "after", R"("now-1m")")).Evaluate(ctx, kNow));
  EXPECT_FALSE(MustParse(Leaf("t", "after", R"("now-30m")")).Evaluate(ctx, kNow + 3'600'000));
  EXPECT_TRUE(MustParse(Leaf("t", "after", R"("now-1w")")).Evaluate(ctx, kNow + 6 * kDay));
}

TEST(ConditionTest, BeforeAndAfterReadUnixMillisFields) {
  EXPECT_TRUE(Eval(Leaf("contact.attributes.seen_ms", "before", R"("now-1d")")));
  EXPECT_TRUE(Eval(Leaf("contact.attributes.seen_ms", "after", R"("2024-05-06T12:53:19Z")")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.seen_ms", "after", R"("2024-05-06T12:53:20Z")")));
}

TEST(ConditionTest, UnparsableTimeFieldMakesBeforeAndAfterFalse) {
  EXPECT_FALSE(Eval(Leaf("contact.attributes.bad_date", "before", R"("now")")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.bad_date", "after", R"("1970-01-01")")));
  EXPECT_FALSE(Eval(Leaf("contact.tags", "before", R"("now")")));
  EXPECT_FALSE(Eval(Leaf("contact.attributes.nothing", "after", R"("1970-01-01")")));
}

TEST(ConditionTest, PathsIndexArraysWithCanonicalNumbers) {
  EXPECT_TRUE(Eval(Leaf("event.data.items.0.sku", "eq", R"("A-1")")));
  EXPECT_TRUE(Eval(Leaf("event.data.items.1.sku", "eq", R"("B-2")")));
  EXPECT_FALSE(Eval(Leaf("event.data.items.2.sku", "exists", "")));
  EXPECT_FALSE(Eval(Leaf("event.data.items.01.sku", "exists", "")));
  EXPECT_FALSE(Eval(Leaf("event.data.items.-1.sku", "exists", "")));
  EXPECT_FALSE(Eval(Leaf("event.data.items.x", "exists", "")));
  EXPECT_TRUE(Eval(Leaf("contact.tags.2", "eq", "7")));
}

TEST(ConditionTest, ParseRejectsNonObjectsAtTheRoot) {
  for (const char* text : {"[]", "true", "\"all\"", "null", "{}"}) {
    Status st = ParseError(text);
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_NE(FieldDetail(st, "$"), "<none>") << text << ": " << st.ToString();
  }
}

TEST(ConditionTest, ParseNamesTheJsonPathOfAnUnknownOp) {
  Status st = ParseError(R"({"all":[)" + Leaf("a", "eq", "1") + "," + Leaf("b", "eq", "1") + "," +
                         Leaf("c", "like", "1") + "]}");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(FieldDetail(st, "all[2].op"), "unknown operator 'like'");
  EXPECT_EQ(st.message(), "all[2].op: unknown operator 'like'");
}

TEST(ConditionTest, ParseNamesTheJsonPathOfBadValues) {
  EXPECT_NE(FieldDetail(ParseError(R"({"any":[{"not":)" + Leaf("a", "in", R"("x")") + "}]}"),
                        "any[0].not.value"),
            "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "before", R"("yesterday")")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "after", R"("now-7x")")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "after", R"("now-d")")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "after", "1715345258000")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "gt", "[1]")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "lte", "null")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "exists", R"("yes")")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "eq", "")), "value"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a", "contains", "")), "value"), "<none>");
}

TEST(ConditionTest, ParseRejectsBadFieldsAndKeys) {
  EXPECT_NE(FieldDetail(ParseError(Leaf("", "eq", "1")), "field"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a..b", "eq", "1")), "field"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf(".a", "eq", "1")), "field"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(Leaf("a.", "eq", "1")), "field"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"op":"eq","value":1})"), "field"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"field":7,"op":"eq","value":1})"), "field"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"field":"a","value":1})"), "op"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"field":"a","op":3,"value":1})"), "op"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"field":"a","op":"eq","value":1,"x":2})"), "x"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"all":[],"any":[]})"), "any"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"not":{"all":{}}})"), "not.all"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"all":[1]})"), "all[0]"), "<none>");
  EXPECT_NE(FieldDetail(ParseError(R"({"all":[{"not":[]}]})"), "all[0].not"), "<none>");
}

// {"not": ... {"not": leaf}} with `levels` levels in all.
std::string NestedNots(int levels) {
  std::string s = Leaf("a", "exists", "");
  for (int i = 1; i < levels; ++i) s = R"({"not":)" + s + "}";
  return s;
}

TEST(ConditionTest, DepthLimitCountsTheLeafAsALevel) {
  MustParse(NestedNots(16));
  Status st = ParseError(NestedNots(17));
  std::string path = "not";
  for (int i = 1; i < 16; ++i) path += ".not";
  EXPECT_NE(FieldDetail(st, path), "<none>") << st.ToString();
  MustParse(NestedNots(3), ConditionLimits{.max_depth = 3});
  ParseError(NestedNots(4), ConditionLimits{.max_depth = 3});
  // Even-numbered levels of negation cancel.
  EXPECT_TRUE(MustParse(NestedNots(16)).Evaluate(Context(), kNow) ==
              !MustParse(NestedNots(15)).Evaluate(Context(), kNow));
}

TEST(ConditionTest, NodeLimitCountsCompositesAndLeaves) {
  auto all_of = [](int leaves) {
    std::string s = R"({"all":[)";
    for (int i = 0; i < leaves; ++i) s += (i ? "," : "") + Leaf("a", "exists", "false");
    return s + "]}";
  };
  EXPECT_TRUE(MustParse(all_of(255)).Evaluate(Context(), kNow));  // 256 nodes
  Status st = ParseError(all_of(256));
  EXPECT_NE(FieldDetail(st, "all[255]"), "<none>") << st.ToString();
  MustParse(all_of(9), ConditionLimits{.max_nodes = 10});
  ParseError(all_of(10), ConditionLimits{.max_nodes = 10});
}

TEST(ConditionTest, ParseRejectsDeeplyNestedValues) {
  json::value deep = 1;
  for (int i = 0; i < 40; ++i) deep = json::array{deep};
  json::object leaf{{"field", "a"}, {"op", "eq"}, {"value", deep}};
  auto c = Condition::Parse(leaf);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(FieldDetail(c.status(), "value"), "<none>") << c.status().ToString();
}

TEST(ConditionTest, ToJsonIsCanonicalAndReparsesToAnEqualCondition) {
  const std::string text = R"({"any":[
      {"field":"contact.tags","op":"contains","value":"vip"},
      {"not":{"field":"run.data.coupon","op":"exists"}},
      {"all":[{"field":"event.data.total","op":"gte","value":100.0},
              {"field":"contact.attributes.signup","op":"before","value":"now-7d"},
              {"field":"contact.attributes.plan","op":"in","value":["gold","silver"]}]}]})";
  Condition c = MustParse(text);
  json::value canonical = c.ToJson();
  EXPECT_EQ(canonical.at("any").at(1).at("not").at("value"), json::value(true));
  Condition again = MustParse(json::serialize(canonical));
  EXPECT_TRUE(again == c);
  EXPECT_EQ(again.ToJson(), canonical);
  EXPECT_EQ(again.Evaluate(Context(), kNow), c.Evaluate(Context(), kNow));
  EXPECT_FALSE(MustParse(Leaf("a", "eq", "1")) == MustParse(Leaf("a", "eq", "2")));
}

TEST(ConditionTest, FieldsListsEveryPathOnceSorted) {
  Condition c = MustParse(R"({"all":[
      {"field":"messages.step-1.opened","op":"eq","value":true},
      {"any":[{"field":"contact.email","op":"exists"},
              {"not":{"field":"messages.step-1.opened","op":"eq","value":false}}]}]})");
  EXPECT_EQ(c.Fields(), (std::vector<std::string>{"contact.email", "messages.step-1.opened"}));
  EXPECT_TRUE(Condition().Fields().empty());
}

TEST(ConditionTest, CopiesShareAndEvaluateIndependently) {
  Condition a = MustParse(Leaf("contact.attributes.plan", "eq", R"("gold")"));
  Condition b = a;
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(b.Evaluate(Context(), kNow));
}

// Random JSON biased toward condition-like shapes.
json::value RandomJson(std::mt19937& rng, int depth) {
  static const char* kKeys[] = {"all", "any", "not", "field", "op", "value", "x"};
  static const char* kStrings[] = {"eq",     "neq",          "gt",
                                   "in",     "exists",       "before",
                                   "after",  "contains",     "lte",
                                   "now-7d", "contact.tags", "a..b",
                                   "",       "2024-05-10",   "event.data.items.0",
                                   "now+",   "\xff",         "now-999999999w"};
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  int kind = depth > 6 ? pick(5) : pick(8);
  switch (kind) {
    case 0:
      return nullptr;
    case 1:
      return pick(2) == 1;
    case 2:
      return static_cast<int64_t>(rng()) - (1LL << 31);
    case 3:
      return kStrings[pick(sizeof(kStrings) / sizeof(*kStrings))];
    case 4:
      return static_cast<double>(rng()) / 7.0;
    case 5:
    case 6: {
      json::object o;
      int n = pick(4);
      for (int i = 0; i < n; ++i) o[kKeys[pick(7)]] = RandomJson(rng, depth + 1);
      return o;
    }
    default: {
      json::array a;
      int n = pick(4);
      for (int i = 0; i < n; ++i) a.push_back(RandomJson(rng, depth + 1));
      return a;
    }
  }
}

// A condition-shaped value: mostly well-formed, with garbage mixed in at every level.
json::value RandomCondition(std::mt19937& rng, int depth) {
  static const char* kFields[] = {"contact.tags",
                                  "contact.attributes.age",
                                  "event.data.items.0.sku",
                                  "contact.attributes.signup",
                                  "run.data.coupon",
                                  "a..b",
                                  "x",
                                  "contact.attributes.seen_ms",
                                  "messages.s1.opened"};
  static const char* kOps[] = {"eq",       "neq", "gt",     "gte",    "lt",    "lte",
                               "contains", "in",  "exists", "before", "after", "like"};
  static const char* kTimes[] = {"now", "now-7d", "now+2h", "2024-05-01", "now-1", "soon"};
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  int roll = pick(20);
  if (roll < 2) return RandomJson(rng, depth);
  if (roll < 9 && depth < 10) {
    if (roll == 8) return json::object{{"not", RandomCondition(rng, depth + 1)}};
    json::array a;
    for (int i = pick(4); i > 0; --i) a.push_back(RandomCondition(rng, depth + 1));
    return json::object{{roll % 2 ? "all" : "any", std::move(a)}};
  }
  json::object leaf{{"field", kFields[pick(9)]}, {"op", kOps[pick(12)]}};
  std::string_view op = leaf["op"].as_string();
  int v = pick(10);
  if (v == 0) return leaf;  // no value
  if (v == 1) {
    leaf["value"] = RandomJson(rng, depth);
  } else if (op == "before" || op == "after") {
    leaf["value"] = kTimes[pick(6)];
  } else if (op == "in") {
    leaf["value"] = json::array{RandomJson(rng, 5), 42, "gold"};
  } else if (op == "exists") {
    leaf["value"] = pick(2) == 1;
  } else {
    leaf["value"] = pick(2) ? json::value(pick(100)) : json::value("vip");
  }
  return leaf;
}

TEST(ConditionTest, RandomInputNeverCrashesParseOrEvaluate) {
  std::mt19937 rng(20240510);
  const json::object context = Context();
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    json::value v = i % 4 == 0 ? RandomJson(rng, 0) : RandomCondition(rng, 0);
    auto c = Condition::Parse(v, ConditionLimits{.max_depth = 8, .max_nodes = 64});
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(c.status().fields().size(), 1u);
      continue;
    }
    ++parsed;
    c->Evaluate(context, kNow);
    c->Evaluate(json::object{{"contact", v}}, kNow);
    c->Fields();
    auto again = Condition::Parse(c->ToJson());
    ASSERT_TRUE(again.ok()) << json::serialize(v);
    EXPECT_TRUE(*again == *c);
  }
  EXPECT_GT(parsed, 2000);
}

}  // namespace
}  // namespace rivulet::core
