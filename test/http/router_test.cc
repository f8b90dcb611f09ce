#include "http/router.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace rivulet::http {
namespace {

// A handler that records which route ran by answering with its name.
Handler Named(std::string name) {
  return Sync([name](const Call&) { return Response::Text(200, name); });
}

std::string RunMatch(const Router::Match& m, const Request& req = {}) {
  if (!m.route) return "<none>";
  std::string body;
  Call call{req, m.params, nullptr, std::nullopt, nullptr};
  m.route->handler(call, [&](Response r) { body = r.body; });
  return body;
}

class RouterTest : public ::testing::Test {
 protected:
  static Face MakeFace(std::string name, std::string prefix) {
    Face f;
    f.name = std::move(name);
    f.prefix = std::move(prefix);
    return f;
  }
  Face api_ = MakeFace("api", "/api");
  Face v2_ = MakeFace("v2", "/api/v2");
  Router router_;
};

TEST_F(RouterTest, LiteralSegmentBeatsParameterWhateverTheOrder) {
  router_.Add(&api_, "GET", "/api/contacts/{ref}", Named("by-ref"));
  router_.Add(&api_, "GET", "/api/contacts/search", Named("search"));
  router_.Add(&api_, "GET", "/api/lists/search", Named("lists-search"));
  router_.Add(&api_, "GET", "/api/lists/{id}", Named("lists-by-id"));

  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/contacts/search")), "search");
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/contacts/abc")), "by-ref");
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/lists/search")), "lists-search");
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/lists/7")), "lists-by-id");
}

TEST_F(RouterTest, MoreLiteralSegmentsWin) {
  router_.Add(&api_, "GET", "/api/{a}/{b}", Named("two-params"));
  router_.Add(&api_, "GET", "/api/{a}/items", Named("one-param"));
  router_.Add(&api_, "GET", "/api/things/items", Named("all-literal"));
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/things/items")), "all-literal");
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/stuff/items")), "one-param");
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/stuff/other")), "two-params");
}

// A path written exactly as a route without parameters is found without ranking; written
// any other way, or shared by two routes, it is ranked: the outcome is the same.
TEST_F(RouterTest, AnExactLiteralPathMatchesAsARankedOneWould) {
  router_.Add(&api_, "GET", "/api/{a}", Named("param"));
  router_.Add(&api_, "GET", "/api/x", Named("first"));
  router_.Add(&api_, "GET", "/api/x", Named("second"));  // a tie goes to the first added
  router_.Add(&api_, "POST", "/api/y", Named("post-y"));
  for (const char* path : {"/api/x", "/api//x", "/api/%78", "/api/x/"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(RunMatch(router_.Find("GET", path)), "first");
  }
  EXPECT_EQ(RunMatch(router_.Find("POST", "/api/y")), "post-y");
  auto get_y = router_.Find("GET", "/api/y");  // the parameter route takes it
  EXPECT_EQ(RunMatch(get_y), "param");
  auto put_y = router_.Find("PUT", "/api/y");
  EXPECT_EQ(put_y.route, nullptr);
  EXPECT_TRUE(put_y.path_matched);
  EXPECT_EQ(put_y.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
}

TEST_F(RouterTest, ExtractsNamedParameters) {
  router_.Add(&api_, "PUT", "/api/workspaces/{ws}/contacts/{ref}", Named("x"));
  auto m = router_.Find("PUT", "/api/workspaces/w-1/contacts/email:a@b.c");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/workspaces/{ws}/contacts/{ref}");
  EXPECT_EQ(m.route->face, &api_);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params.at("ws"), "w-1");
  EXPECT_EQ(m.params.at("ref"), "email:a@b.c");

  Request req;
  Call call{req, m.params, nullptr, std::nullopt, nullptr};
  EXPECT_EQ(call.Param("ref"), "email:a@b.c");
  EXPECT_EQ(call.Param("missing"), "");
}

TEST_F(RouterTest, SegmentsArePercentDecodedOneByOne) {
  router_.Add(&api_, "GET", "/api/contacts/{ref}", Named("by-ref"));
  router_.Add(&api_, "GET", "/api/contacts/search", Named("search"));
  auto m = router_.Find("GET", "/api/contacts/external_id%3Acrm%2F42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("ref"), "external_id:crm/42");  // %2F stays inside the parameter
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/contacts/se%61rch")), "search");
  EXPECT_EQ(router_.Find("GET", "/api%2Fcontacts/x").route, nullptr);
  auto bad = router_.Find("GET", "/api/contacts/%zz");
  EXPECT_EQ(bad.route, nullptr);
  EXPECT_FALSE(bad.path_matched);
}

TEST_F(RouterTest, SegmentCountMustMatch) {
  router_.Add(&api_, "GET", "/api/contacts/{ref}", Named("x"));
  EXPECT_EQ(router_.Find("GET", "/api/contacts").route, nullptr);
  EXPECT_EQ(router_.Find("GET", "/api/contacts/a/b").route, nullptr);
  EXPECT_FALSE(router_.Find("GET", "/api/contacts/a/b").path_matched);
  EXPECT_EQ(router_.Find("GET", "/").route, nullptr);
}

TEST_F(RouterTest, LiteralsAreCaseSensitive) {
  router_.Add(&api_, "GET", "/api/contacts", Named("x"));
  EXPECT_NE(router_.Find("GET", "/api/contacts").route, nullptr);
  EXPECT_EQ(router_.Find("GET", "/API/contacts").route, nullptr);
  EXPECT_EQ(router_.Find("get", "/api/contacts").route, nullptr);
}

TEST_F(RouterTest, WrongMethodReportsPathMatchedAndAllowedMethods) {
  router_.Add(&api_, "GET", "/api/contacts/{ref}", Named("get"));
  router_.Add(&api_, "DELETE", "/api/contacts/{ref}", Named("delete"));
  router_.Add(&api_, "PATCH", "/api/contacts/{ref}", Named("patch"));
  router_.Add(&api_, "POST", "/api/contacts", Named("create"));

  auto m = router_.Find("POST", "/api/contacts/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_matched);
  std::vector<std::string> allowed = m.allowed_methods;
  std::sort(allowed.begin(), allowed.end());
  EXPECT_EQ(allowed, (std::vector<std::string>{"DELETE", "GET", "PATCH"}));

  auto none = router_.Find("GET", "/api/nothing/here");
  EXPECT_EQ(none.route, nullptr);
  EXPECT_FALSE(none.path_matched);
  EXPECT_TRUE(none.allowed_methods.empty());

  auto hit = router_.Find("DELETE", "/api/contacts/abc");
  ASSERT_NE(hit.route, nullptr);
  EXPECT_EQ(RunMatch(hit), "delete");
  EXPECT_TRUE(hit.path_matched);
}

TEST_F(RouterTest, AllowedMethodsAreListedOnce) {
  router_.Add(&api_, "GET", "/api/x/{id}", Named("a"));
  router_.Add(&api_, "GET", "/api/x/literal", Named("b"));
  auto m = router_.Find("POST", "/api/x/literal");
  EXPECT_EQ(m.allowed_methods, std::vector<std::string>{"GET"});
}

TEST_F(RouterTest, RouteOptionsAreKept) {
  RouteOptions opts;
  opts.max_body_bytes = 1234;
  opts.public_route = true;
  opts.needs_workspace = false;
  router_.Add(&api_, "POST", "/api/token", Named("t"), opts);
  auto m = router_.Find("POST", "/api/token");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->options.max_body_bytes, 1234u);
  EXPECT_TRUE(m.route->options.public_route);
  EXPECT_FALSE(m.route->options.needs_workspace);
}

TEST_F(RouterTest, FaceForPicksTheLongestPrefixOnSegmentBoundaries) {
  router_.Add(&api_, "GET", "/api/a", Named("a"));
  router_.Add(&v2_, "GET", "/api/v2/a", Named("b"));
  EXPECT_EQ(router_.FaceFor("/api/v2/contacts"), &v2_);
  EXPECT_EQ(router_.FaceFor("/api/v2"), &v2_);
  EXPECT_EQ(router_.FaceFor("/api/v20/contacts"), &api_);  // not a v2 path
  EXPECT_EQ(router_.FaceFor("/api/contacts"), &api_);
  EXPECT_EQ(router_.FaceFor("/api"), &api_);
  EXPECT_EQ(router_.FaceFor("/apix"), nullptr);
  EXPECT_EQ(router_.FaceFor("/other"), nullptr);

  // Registration order does not matter.
  Router reversed;
  reversed.Add(&v2_, "GET", "/api/v2/a", Named("b"));
  reversed.Add(&api_, "GET", "/api/a", Named("a"));
  EXPECT_EQ(reversed.FaceFor("/api/v2/x"), &v2_);
  EXPECT_EQ(reversed.FaceFor("/api/x"), &api_);
}

// Two faces on one path and method (Leat's legacy GET /api/automations with Bearer auth and
// AllsTechnology's with PublicKey/SecretKey): the guard decides, whatever the order.
TEST_F(RouterTest, GuardedRouteWinsWhenItAcceptsAndIsSkippedWhenItRefuses) {
  Face bearer = MakeFace("bearer", "/api/v3");
  Face keys = MakeFace("keys", "/api/automations");
  RouteOptions guarded;
  guarded.accepts = [](const Request& r) { return r.headers.Get("Authorization").has_value(); };
  Request with_bearer;
  with_bearer.headers.Add("Authorization", "Bearer x");
  Request with_keys;
  with_keys.headers.Add("PublicKey", "p");

  for (bool guarded_first : {true, false}) {
    SCOPED_TRACE(guarded_first ? "guarded route added first" : "guarded route added last");
    Router router;
    if (guarded_first) router.Add(&bearer, "GET", "/api/automations", Named("leat"), guarded);
    router.Add(&keys, "GET", "/api/automations", Named("allstech"));
    router.Add(&keys, "GET", "/api/automations/details", Named("details"));
    if (!guarded_first) router.Add(&bearer, "GET", "/api/automations", Named("leat"), guarded);

    auto leat = router.Find("GET", "/api/automations", &with_bearer);
    EXPECT_EQ(RunMatch(leat), "leat");
    EXPECT_EQ(leat.route->face, &bearer);
    auto allstech = router.Find("GET", "/api/automations", &with_keys);
    EXPECT_EQ(RunMatch(allstech), "allstech");
    EXPECT_EQ(allstech.route->face, &keys);
    // Literal segments still rank first: the guard only breaks ties.
    EXPECT_EQ(RunMatch(router.Find("GET", "/api/automations/details", &with_bearer)), "details");
  }
}

TEST_F(RouterTest, RefusingGuardLeavesThePathUnmatched) {
  RouteOptions guarded;
  guarded.accepts = [](const Request& r) { return r.headers.Get("Authorization").has_value(); };
  router_.Add(&api_, "GET", "/api/automations", Named("leat"), guarded);
  Request anonymous;
  auto m = router_.Find("GET", "/api/automations", &anonymous);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_matched);  // a 404 of whichever face owns the prefix, not a 405
  EXPECT_TRUE(m.allowed_methods.empty());
  Request bearer;
  bearer.headers.Add("Authorization", "Bearer x");
  EXPECT_TRUE(router_.Find("POST", "/api/automations", &bearer).path_matched);
  // Without a request (body limits) the guard is not consulted.
  EXPECT_EQ(RunMatch(router_.Find("GET", "/api/automations")), "leat");
}

TEST_F(RouterTest, SyncAdapterRespondsOnce) {
  int calls = 0;
  Handler h = Sync([&](const Call&) {
    ++calls;
    return Response::Json(201, "{}");
  });
  Request req;
  Call call{req, {}, nullptr, std::nullopt, nullptr};
  int responses = 0;
  int status = 0;
  h(call, [&](Response r) {
    ++responses;
    status = r.status;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(responses, 1);
  EXPECT_EQ(status, 201);
}

}  // namespace
}  // namespace rivulet::http
