#include "http/dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "engine/accounts.h"
#include "store/sqlite_test_util.h"

namespace rivulet::http {
namespace {

using core::Code;
using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenMigrated(dir_.File("dispatch.db"));
    ASSERT_NE(store_, nullptr);
    accounts_ = std::make_unique<engine::Accounts>(*store_, clock_, 3600);
    auto ws = accounts_->CreateWorkspace("Main");
    auto other = accounts_->CreateWorkspace("Other");
    ASSERT_TRUE(ws.ok() && other.ok());
    ws_ = *ws;
    other_ = *other;
    auto key = accounts_->CreateCredential(ws_.id, core::CredentialKind::kApiKey, false, "k");
    auto oauth =
        accounts_->CreateCredential(ws_.id, core::CredentialKind::kOAuthClient, false, "o");
    auto pair = accounts_->CreateCredential(ws_.id, core::CredentialKind::kKeyPair, false, "p");
    auto admin = accounts_->CreateCredential(0, core::CredentialKind::kApiKey, true, "admin");
    ASSERT_TRUE(key.ok() && oauth.ok() && pair.ok() && admin.ok());
    api_key_ = key->secret;
    admin_key_ = admin->secret;
    pair_ = *pair;
    auto token = accounts_->IssueAccessToken(oauth->id, oauth->secret);
    ASSERT_TRUE(token.ok());
    oauth_token_ = token->access_token;

    MakeFace(test_face_, "test", "/t", AuthScheme::kBearer);
    MakeFace(node_face_, "node", "/n", AuthScheme::kOAuthBearer);
    node_face_.workspace_header = "Node";
    node_face_.workspace_header_required = true;
    MakeFace(any_face_, "any", "/k", AuthScheme::kAny);

    RouteOptions pub;
    pub.public_route = true;
    router_.Add(&test_face_, "GET", "/t/public", Sync([](const Call& c) {
      return Response::Text(200, c.identity ? "with identity" : "public");
    }),
                pub);
    router_.Add(&test_face_, "GET", "/t/me", Sync([](const Call& c) {
      json::object o{{"workspace_id", c.workspace_id()},
                     {"credential_id", c.identity ? c.identity->credential_id : -1},
                     {"face", c.face ? c.face->name : ""}};
      return Response::Json(200, json::serialize(o));
    }));
    router_.Add(&test_face_, "DELETE", "/t/me",
                Sync([](const Call&) { return Response::NoContent(); }));
    RouteOptions upload;
    upload.max_body_bytes = 5000;
    router_.Add(&test_face_, "POST", "/t/upload",
                Sync([](const Call&) { return Response::Json(200, "{}"); }), upload);
    router_.Add(&test_face_, "GET", "/t/items/{id}", Sync([](const Call& c) {
      return Response::Text(200, std::string(c.Param("id")));
    }));
    RouteOptions admin_only;
    admin_only.admin_only = true;
    admin_only.needs_workspace = false;
    router_.Add(&test_face_, "GET", "/t/admin",
                Sync([](const Call&) { return Response::Text(200, "admin"); }), admin_only);
    router_.Add(&test_face_, "GET", "/t/async", [this](const Call& c, Respond respond) {
      // Asynchronous handlers copy what they need and respond later, from another thread.
      std::string id = c.request.request_id;
      std::lock_guard lock(threads_mu_);
      threads_.emplace_back(
          [id, respond = std::move(respond)] { respond(Response::Text(202, id)); });
    });
    router_.Add(&node_face_, "GET", "/n/thing", Sync([](const Call& c) {
      return Response::Text(200, c.workspace ? c.workspace->uuid : "none");
    }));
    router_.Add(&any_face_, "GET", "/k/me", Sync([](const Call& c) {
      return Response::Text(200, core::CredentialKindName(c.identity->via));
    }));

    limits_.max_body_bytes = 1000;
    dispatcher_ = std::make_unique<Dispatcher>(router_, *accounts_, metrics_, limits_);
  }

  void TearDown() override {
    std::lock_guard lock(threads_mu_);
    for (auto& t : threads_) t.join();
  }

  void MakeFace(Face& f, std::string name, std::string prefix, AuthScheme auth) {
    f.name = name;
    f.prefix = std::move(prefix);
    f.auth = auth;
    f.render_error = [this, name](const core::Status& st, const Request& req) {
      rendered_++;
      json::object fields;
      for (const auto& [k, v] : st.fields()) fields[k] = v;
      json::object o{{"envelope", name},
                     {"code", core::CodeName(st.code())},
                     {"message", st.message()},
                     {"fields", fields},
                     {"request_id", req.request_id}};
      Response r = Response::Json(HttpStatusFor(st.code()), json::serialize(o));
      r.headers.Add("X-Envelope", name);
      return r;
    };
  }

  Response Do(const std::string& method, const std::string& target,
              std::vector<std::pair<std::string, std::string>> headers = {},
              std::string request_id = "") {
    Request req;
    req.method = method;
    req.target = target;
    req.request_id = std::move(request_id);
    for (auto& [k, v] : headers) req.headers.Add(k, v);
    auto promise = std::make_shared<std::promise<Response>>();
    auto future = promise->get_future();
    auto calls = std::make_shared<std::atomic<int>>(0);
    dispatcher_->Dispatch(std::move(req), [promise, calls](Response r) {
      if ((*calls)++ == 0) promise->set_value(std::move(r));
    });
    Response r = future.get();
    EXPECT_EQ(calls->load(), 1);
    return r;
  }

  static json::object Body(const Response& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    if (ec || !v.is_object()) return {};
    return v.as_object();
  }

  static std::string Header(const Response& r, const std::string& name) {
    auto v = r.headers.Get(name);
    return v ? std::string(*v) : std::string();
  }

  std::pair<std::string, std::string> Bearer(const std::string& token) {
    return {"Authorization", "Bearer " + token};
  }

  testing::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  core::FakeClock clock_;
  std::unique_ptr<engine::Accounts> accounts_;
  core::Workspace ws_, other_;
  std::string api_key_, admin_key_, oauth_token_;
  engine::IssuedCredential pair_;
  Face test_face_, node_face_, any_face_;
  std::atomic<int> rendered_{0};
  Router router_;
  Metrics metrics_;
  Limits limits_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::mutex threads_mu_;
  std::vector<std::thread> threads_;
};

// ---- Authentication ----

TEST_F(DispatcherTest, PublicRouteNeedsNoAuthentication) {
  Response r = Do("GET", "/t/public");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "public");
  EXPECT_EQ(rendered_.load(), 0);
}

TEST_F(DispatcherTest, MissingAuthorizationIs401InTheFacesEnvelope) {
  Response r = Do("GET", "/t/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(rendered_.load(), 1);
  EXPECT_EQ(Header(r, "X-Envelope"), "test");
  json::object b = Body(r);
  EXPECT_EQ(b["envelope"], "test");
  EXPECT_EQ(b["code"], "unauthenticated");
}

TEST_F(DispatcherTest, MalformedOrWrongBearerIs401) {
  for (const auto& h : {std::pair<std::string, std::string>{"Authorization", "Basic dXNlcjpwdw=="},
                        std::pair<std::string, std::string>{"Authorization", "Bearer"},
                        std::pair<std::string, std::string>{"Authorization", "Bearer rvk_wrong"},
                        std::pair<std::string, std::string>{"Authorization", api_key_}}) {
    Response r = Do("GET", "/t/me", {h});
    EXPECT_EQ(r.status, 401) << h.second;
    EXPECT_EQ(Body(r)["envelope"], "test");
  }
}

TEST_F(DispatcherTest, ValidBearerReachesTheHandlerWithItsWorkspace) {
  Response r = Do("GET", "/t/me", {Bearer(api_key_)});
  ASSERT_EQ(r.status, 200) << r.body;
  json::object b = Body(r);
  EXPECT_EQ(b["workspace_id"].to_number<int64_t>(), ws_.id);
  EXPECT_EQ(b["face"], "test");
  EXPECT_GT(b["credential_id"].to_number<int64_t>(), 0);

  // The scheme name is case-insensitive and extra spaces before the token are tolerated.
  r = Do("GET", "/t/me", {{"authorization", "bearer   " + oauth_token_}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(DispatcherTest, ExpiredAccessTokenIs401) {
  EXPECT_EQ(Do("GET", "/t/me", {Bearer(oauth_token_)}).status, 200);
  clock_.Advance(3600 * 1000);
  EXPECT_EQ(Do("GET", "/t/me", {Bearer(oauth_token_)}).status, 401);
}

TEST_F(DispatcherTest, OAuthOnlyFaceRejectsApiKeys) {
  Response r = Do("GET", "/n/thing", {Bearer(api_key_), {"Node", ws_.uuid}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["envelope"], "node");
  r = Do("GET", "/n/thing", {Bearer(oauth_token_), {"Node", ws_.uuid}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, ws_.uuid);
}

TEST_F(DispatcherTest, RequiredWorkspaceHeaderMissingIs400) {
  Response r = Do("GET", "/n/thing", {Bearer(oauth_token_)});
  EXPECT_EQ(r.status, 400);
  json::object b = Body(r);
  EXPECT_EQ(b["envelope"], "node");
  EXPECT_EQ(b["code"], "invalid_argument");
  EXPECT_TRUE(b["fields"].as_object().contains("Node")) << r.body;
}

TEST_F(DispatcherTest, WorkspaceHeaderIsResolvedAgainstThePrincipal) {
  EXPECT_EQ(Do("GET", "/n/thing", {Bearer(oauth_token_), {"node", ws_.uuid}}).status, 200);
  EXPECT_EQ(Do("GET", "/n/thing", {Bearer(oauth_token_), {"Node", other_.uuid}}).status, 403);
  EXPECT_EQ(Do("GET", "/n/thing", {Bearer(oauth_token_), {"Node", "node-1"}}).status, 400);
  EXPECT_EQ(Do("GET", "/n/thing",
               {Bearer(oauth_token_), {"Node", "00000000-0000-7000-8000-000000000000"}})
                .status,
            404);
}

TEST_F(DispatcherTest, AnySchemeUsesKeyPairWhenPublicKeyIsPresent) {
  Response r = Do("GET", "/k/me", {{"PublicKey", pair_.id}, {"SecretKey", pair_.secret}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "keypair");
  r = Do("GET", "/k/me", {Bearer(api_key_)});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "apikey");

  r = Do("GET", "/k/me", {{"PublicKey", pair_.id}});
  EXPECT_EQ(r.status, 401);
  json::object b = Body(r);
  EXPECT_TRUE(b["fields"].as_object().contains("SecretKey")) << r.body;
  EXPECT_FALSE(b["fields"].as_object().contains("PublicKey")) << r.body;

  r = Do("GET", "/k/me", {{"PublicKey", pair_.id}, {"SecretKey", "sk_wrong"}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(DispatcherTest, AdminOnlyRouteNeedsAnAdmin) {
  EXPECT_EQ(Do("GET", "/t/admin", {Bearer(api_key_)}).status, 403);
  EXPECT_EQ(Do("GET", "/t/admin", {Bearer(admin_key_)}).status, 200);
}

TEST_F(DispatcherTest, AdminWithoutWorkspaceCannotUseWorkspaceRoutesUnnamed) {
  Response r = Do("GET", "/t/me", {Bearer(admin_key_)});
  EXPECT_EQ(r.status, 400) << r.body;
}

// ---- Routing errors ----

TEST_F(DispatcherTest, UnknownPathUnderAFacePrefixIs404InItsEnvelope) {
  Response r = Do("GET", "/t/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["envelope"], "test");
}

TEST_F(DispatcherTest, UnknownPathOutsideEveryFaceGetsTheNativeEnvelope) {
  Response r = Do("GET", "/elsewhere", {}, "rid-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(rendered_.load(), 0);
  json::object b = Body(r);
  ASSERT_TRUE(b.contains("error")) << r.body;
  EXPECT_EQ(b["error"].at("code"), "not_found");
  EXPECT_EQ(b["error"].at("request_id"), "rid-1");
}

TEST_F(DispatcherTest, WrongMethodIs405WithAllowHeader) {
  Response r = Do("PUT", "/t/me", {Bearer(api_key_)});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Body(r)["envelope"], "test");
  std::string allow = Header(r, "Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("DELETE"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("PUT"), std::string::npos) << allow;
}

// ---- Targets and parameters ----

TEST_F(DispatcherTest, PathParametersArePercentDecoded) {
  auto item = [&](const std::string& raw) {
    Response r = Do("GET", "/t/items/" + raw, {Bearer(api_key_)});
    EXPECT_EQ(r.status, 200) << raw << ": " << r.body;
    return r.body;
  };
  EXPECT_EQ(item("email%3Aann%40example.com"), "email:ann@example.com");
  EXPECT_EQ(item("caf%C3%A9"), "caf\xc3\xa9");
  EXPECT_EQ(item("a+b"), "a+b");  // '+' is only a space in query strings
  EXPECT_EQ(item("plain?x=1"), "plain");
}

TEST_F(DispatcherTest, EncodedSlashStaysInsideOneParameter) {
  // An external id such as "crm/42" must be addressable as /contacts/external_id:crm%2F42.
  Response r = Do("GET", "/t/items/external_id%3Acrm%2F42", {Bearer(api_key_)});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "external_id:crm/42");
}

TEST_F(DispatcherTest, BadPercentEscapesAndNulAre400) {
  for (const char* target : {"/t/items/%zz", "/t/items/%4", "/t/items/a%00b"}) {
    Response r = Do("GET", target, {Bearer(api_key_)});
    EXPECT_EQ(r.status, 400) << target;
  }
  EXPECT_EQ(Do("GET", "no-slash").status, 400);
}

TEST_F(DispatcherTest, MalformedTargetUnderAFaceIsRenderedInItsEnvelope) {
  // A Contactflow or Leat client parses errors in its own format, whatever went wrong.
  Response r = Do("GET", "/t/items/%zz", {Bearer(api_key_)});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["envelope"], "test") << r.body;
}

TEST_F(DispatcherTest, BodyLimitComesFromTheRouteOrTheDefault) {
  EXPECT_EQ(dispatcher_->BodyLimitFor("POST", "/t/upload"), 5000u);
  EXPECT_EQ(dispatcher_->BodyLimitFor("POST", "/t/upload?x=1"), 5000u);
  EXPECT_EQ(dispatcher_->BodyLimitFor("GET", "/t/upload"), 1000u);  // no such route
  EXPECT_EQ(dispatcher_->BodyLimitFor("GET", "/t/me"), 1000u);
  EXPECT_EQ(dispatcher_->BodyLimitFor("POST", "/nowhere"), 1000u);
  EXPECT_EQ(dispatcher_->BodyLimitFor("POST", "%%"), 1000u);
}

TEST_F(DispatcherTest, ErrorForUsesTheEnvelopeOfTheFaceOwningThePath) {
  Response r = dispatcher_->ErrorFor("/n/whatever?x", core::PayloadTooLarge("too big"));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Body(r)["envelope"], "node");
  r = dispatcher_->ErrorFor("/outside", core::PayloadTooLarge("too big"));
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(Body(r).contains("error"));
}

// ---- Request ids and metrics ----

TEST_F(DispatcherTest, EveryResponseCarriesARequestId) {
  Response a = Do("GET", "/t/public");
  Response b = Do("GET", "/t/public");
  Response err = Do("GET", "/t/me");
  std::string ida = Header(a, "X-Request-Id"), idb = Header(b, "X-Request-Id");
  EXPECT_FALSE(ida.empty());
  EXPECT_NE(ida, idb);
  EXPECT_FALSE(Header(err, "X-Request-Id").empty());
  EXPECT_EQ(Body(err)["request_id"], json::value(Header(err, "X-Request-Id")));

  Response given = Do("GET", "/t/public", {}, "client-chosen-id");
  EXPECT_EQ(Header(given, "X-Request-Id"), "client-chosen-id");
}

TEST_F(DispatcherTest, AsynchronousHandlerRespondsThroughTheSamePath) {
  Response r = Do("GET", "/t/async", {Bearer(api_key_)}, "async-1");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "async-1");
  EXPECT_EQ(Header(r, "X-Request-Id"), "async-1");
  EXPECT_THAT(
      metrics_.Render(),
      HasSubstr(R"(rivulet_http_requests_total{route="/t/async",method="GET",status="202"} 1)"));
}

TEST_F(DispatcherTest, RequestsAreCountedByRoutePatternAndStatus) {
  Do("GET", "/t/public");
  Do("GET", "/t/public");
  Do("GET", "/t/me");
  Do("GET", "/t/items/42", {Bearer(api_key_)});
  Do("GET", "/no/such/thing");
  std::string text = metrics_.Render();
  EXPECT_THAT(
      text,
      HasSubstr(R"(rivulet_http_requests_total{route="/t/public",method="GET",status="200"} 2)"));
  EXPECT_THAT(
      text, HasSubstr(R"(rivulet_http_requests_total{route="/t/me",method="GET",status="401"} 1)"));
  // Parameters are not labels: the pattern is.
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(rivulet_http_requests_total{route="/t/items/{id}",method="GET",status="200"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(rivulet_http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  EXPECT_THAT(text,
              HasSubstr(R"(rivulet_http_request_duration_seconds_count{route="/t/public"} 2)"));
  EXPECT_EQ(metrics_.in_flight.load(), 0);
}

TEST_F(DispatcherTest, MethodsNoRouteTakesAddNoSeriesOfTheirOwn) {
  // Any token is a method to the HTTP parser; counted under its own name, each would add a
  // series for the life of the process.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Do("X" + std::to_string(i), "/no/such/thing").status, 404);
  EXPECT_EQ(Do("BREW", "/t/public").status, 405);  // the path exists, for GET
  EXPECT_EQ(Do("DELETE", "/no/such/thing").status, 404);
  std::string text = metrics_.Render();
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(rivulet_http_requests_total{route="unmatched",method="other",status="404"} 20)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(rivulet_http_requests_total{route="unmatched",method="other",status="405"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(rivulet_http_requests_total{route="unmatched",method="DELETE",status="404"} 1)"));
  EXPECT_THAT(text, Not(HasSubstr("X0")));
  EXPECT_THAT(text, Not(HasSubstr("BREW")));
}

// ---- Shared helpers ----

TEST(NativeErrorTest, RendersCodeMessageFieldsAndRequestId) {
  Request req;
  req.request_id = "r-9";
  core::Status st = core::InvalidArgument("bad");
  st.WithField("email", "is not an e-mail address");
  Response r = NativeError(st, req);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  json::value v = json::parse(r.body);
  const json::object& e = v.at("error").as_object();
  EXPECT_EQ(e.at("code"), "invalid_argument");
  EXPECT_EQ(e.at("message"), "bad");
  EXPECT_EQ(e.at("fields").at("email"), "is not an e-mail address");
  EXPECT_EQ(e.at("request_id"), "r-9");
  EXPECT_FALSE(r.headers.Get("WWW-Authenticate").has_value());

  Response unauth = NativeError(core::Unauthenticated("who?"), Request{});
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(unauth.headers.Get("WWW-Authenticate"), std::optional<std::string_view>("Bearer"));
  EXPECT_FALSE(json::parse(unauth.body).at("error").as_object().contains("request_id"));
}

TEST(HttpStatusForTest, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(Code::kOk), 200);
  EXPECT_EQ(HttpStatusFor(Code::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(Code::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(Code::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(Code::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(Code::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(Code::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(Code::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(Code::kUnsupportedMedia), 415);
  EXPECT_EQ(HttpStatusFor(Code::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(Code::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), 503);
}

TEST(SplitTargetTest, ChecksEscapesButLeavesDecodingToTheRouter) {
  std::string path, query;
  ASSERT_TRUE(SplitTarget("/a%20b/c%2Fd?x=%20&y=1", &path, &query).ok());
  EXPECT_EQ(path, "/a%20b/c%2Fd");  // segments are decoded one by one when routing
  EXPECT_EQ(query, "x=%20&y=1");
  ASSERT_TRUE(SplitTarget("/plain", &path, &query).ok());
  EXPECT_EQ(path, "/plain");
  EXPECT_EQ(query, "");
  EXPECT_FALSE(SplitTarget("", &path, &query).ok());
  EXPECT_FALSE(SplitTarget("relative", &path, &query).ok());
  EXPECT_FALSE(SplitTarget("?x=1", &path, &query).ok());
  EXPECT_FALSE(SplitTarget("/a%zz", &path, &query).ok());
  EXPECT_FALSE(SplitTarget("/a%2", &path, &query).ok());
  EXPECT_FALSE(SplitTarget("/a%00", &path, &query).ok());
}

TEST_F(DispatcherTest, ErrorForCarriesARequestId) {
  Response r = dispatcher_->ErrorFor("/t/x", core::PayloadTooLarge("too big"));
  std::string id = Header(r, "X-Request-Id");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(Body(r)["request_id"], json::value(id));
}

TEST_F(DispatcherTest, EncodedLiteralSegmentsMatchTheirDecodedForm) {
  Response r = Do("GET", "/t/%6De", {Bearer(api_key_)});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Do("GET", "/t%2Fme", {Bearer(api_key_)}).status, 404);
}

}  // namespace
}  // namespace rivulet::http

namespace rivulet::http {
namespace {

TEST_F(DispatcherTest, FailedAuthenticationsAreLimitedInTheFacesEnvelope) {
  AuthLimiter limiter(clock_, {.per_client = 2, .per_address = 3, .window = 60'000});
  dispatcher_ = std::make_unique<Dispatcher>(router_, *accounts_, metrics_, limits_, &limiter);
  auto from = [&](const std::string& address, std::vector<std::pair<std::string, std::string>> h) {
    Request req;
    req.method = "GET";
    req.target = "/k/me";
    req.remote_address = address;
    for (auto& [k, v] : h) req.headers.Add(k, v);
    std::promise<Response> p;
    auto f = p.get_future();
    dispatcher_->Dispatch(std::move(req), [&p](Response r) { p.set_value(std::move(r)); });
    return f.get();
  };
  // No credentials: not a guess, never counted.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(from("10.0.0.1", {}).status, 401);
  // Two wrong SecretKeys for one PublicKey, then that PublicKey is refused before checking.
  const std::string& pub = pair_.credential.public_id;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(from("10.0.0.1", {{"PublicKey", pub}, {"SecretKey", "x"}}).status, 401);
  }
  Response r = from("10.0.0.2", {{"PublicKey", pub}, {"SecretKey", pair_.secret}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(Header(r, "X-Envelope"), "any");
  EXPECT_EQ(Body(r)["code"], "resource_exhausted");
  EXPECT_EQ(Header(r, "Retry-After"), "60");
  // A third failure from 10.0.0.1 uses up the address; then even a valid key waits there.
  EXPECT_EQ(from("10.0.0.1", {{"Authorization", "Bearer rvk_wrong"}}).status, 401);
  EXPECT_EQ(from("10.0.0.1", {{"Authorization", "Bearer " + api_key_}}).status, 429);
  EXPECT_EQ(from("10.0.0.3", {{"Authorization", "Bearer " + api_key_}}).status, 200);
  clock_.Advance(60'000);
  EXPECT_EQ(from("10.0.0.1", {{"Authorization", "Bearer " + api_key_}}).status, 200);
}

}  // namespace
}  // namespace rivulet::http
