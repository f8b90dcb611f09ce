// The Leat face's mapping: run requests from JSON and PHP-bracket forms, automations as Leat
// lists them, and the error envelope.
#include "api/leat/leat_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "api/leat/leat_error.h"
#include "core/automation.h"
#include "http/body.h"
#include "http/limits.h"
#include "http/message.h"

namespace rivulet::api::leat {
namespace {
namespace json = boost::json;

constexpr const char* kContact = "0190a6f5-0a11-7c3d-8e2f-0000000000c1";
constexpr const char* kAutomation = "0190a6f5-0a11-7c3d-8e2f-0000000000a1";

json::value Body(std::string_view content_type, std::string body) {
  http::Request req;
  req.method = "POST";
  req.headers.Add("Content-Type", std::string(content_type));
  req.body = std::move(body);
  auto v = http::ParseBody(req, http::Limits{});
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : json::value();
}

TEST(LeatRunRequestTest, ReadsJsonWithNestedData) {
  auto r = RunRequestFromJson(json::parse(
      R"({"contact_uuid":"0190A6F5-0A11-7C3D-8E2F-0000000000C1","automation_uuid":")" +
      std::string(kAutomation) + R"(","data":{"coupon":"X1","items":[{"sku":"a"}]},"extra":1})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->contact_uuid, kContact);  // normalized to lower case
  EXPECT_EQ(r->automation_uuid, kAutomation);
  EXPECT_EQ(json::parse(r->data_json), json::parse(R"({"coupon":"X1","items":[{"sku":"a"}]})"));
}

TEST(LeatRunRequestTest, ReadsPhpBracketFormsAsThePhpClientSendsThem) {
  std::string form = std::string("contact_uuid=") + kContact + "&automation_uuid=" + kAutomation +
                     "&data%5Bcoupon%5D=BDAY-10&data%5Bgift%5D%5Bname%5D=Mug&data%5Btags%5D%5B%5D=a"
                     "&data%5Btags%5D%5B%5D=b";
  auto r = RunRequestFromJson(Body("application/x-www-form-urlencoded", form));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(json::parse(r->data_json),
            json::parse(R"({"coupon":"BDAY-10","gift":{"name":"Mug"},"tags":["a","b"]})"));
}

TEST(LeatRunRequestTest, AbsentNullOrEmptyDataIsAnEmptyObject) {
  std::string ids = std::string(R"("contact_uuid":")") + kContact + R"(","automation_uuid":")" +
                    kAutomation + "\"";
  for (std::string extra : {"", R"(,"data":null)", R"(,"data":"")"}) {
    auto r = RunRequestFromJson(json::parse("{" + ids + extra + "}"));
    ASSERT_TRUE(r.ok()) << extra << ": " << r.status().ToString();
    EXPECT_EQ(r->data_json, "{}") << extra;
  }
  // A form that sends data= (PHP's null) is the same.
  auto form = RunRequestFromJson(
      Body("application/x-www-form-urlencoded",
           std::string("contact_uuid=") + kContact + "&automation_uuid=" + kAutomation + "&data="));
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  EXPECT_EQ(form->data_json, "{}");
  auto list = RunRequestFromJson(json::parse("{" + ids + R"(,"data":[1,[2]]})"));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->data_json, "[1,[2]]");
}

TEST(LeatRunRequestTest, ReportsEveryFieldProblemAtOnce) {
  auto r = RunRequestFromJson(json::parse(R"({"automation_uuid":42,"data":"text"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::Code::kInvalidArgument);
  const auto& f = r.status().fields();
  ASSERT_EQ(f.size(), 3u) << r.status().ToString();
  EXPECT_EQ(f.at("contact_uuid"), "The contact uuid field is required.");
  EXPECT_EQ(f.at("automation_uuid"), "The automation uuid must be a string.");
  EXPECT_EQ(f.at("data"), "The data must be an array.");

  auto bad = RunRequestFromJson(
      json::parse(R"({"contact_uuid":"nope","automation_uuid":"","data":true})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().fields().at("contact_uuid"), "The contact uuid must be a valid UUID.");
  EXPECT_EQ(bad.status().fields().at("automation_uuid"), "The automation uuid field is required.");
  EXPECT_EQ(bad.status().fields().at("data"), "The data must be an array.");

  // Not an object: nothing is there.
  auto arr = RunRequestFromJson(json::parse("[1,2]"));
  ASSERT_FALSE(arr.ok());
  EXPECT_EQ(arr.status().fields().size(), 2u);
}

TEST(LeatRunRequestTest, BoundsTheRunData) {
  json::object body{{"contact_uuid", kContact}, {"automation_uuid", kAutomation}};
  body["data"] = json::object{{"blob", std::string(kMaxRunDataBytes, 'x')}};
  auto r = RunRequestFromJson(body);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().fields().count("data"));
}

core::Automation WithTriggers(std::initializer_list<const char*> types) {
  core::Automation a;
  a.uuid = kAutomation;
  a.name = "Send Treasure";
  a.created_at = 1652186858000;  // 2022-05-10T12:47:38Z
  a.updated_at = 1652256577000;  // 2022-05-11T08:09:37Z
  for (const char* t : types) a.triggers.push_back({t, ""});
  return a;
}

TEST(LeatAutomationTest, EventIsTheFirstLeatTrigger) {
  EXPECT_EQ(LeatEvent(WithTriggers({"signed_up", "order_paid", "contact_updated"})), "order_paid");
  EXPECT_EQ(LeatEvent(WithTriggers({"signed_up"})), std::nullopt);
  EXPECT_EQ(LeatEvent(WithTriggers({})), std::nullopt);
  for (auto type : kLeatEventTypes) {
    EXPECT_EQ(LeatEvent(WithTriggers({std::string(type).c_str()})), std::string(type));
  }
}

TEST(LeatAutomationTest, OnlyContactUpdatedAutomationsAreRunnable) {
  EXPECT_TRUE(IsRunnable(WithTriggers({"contact_updated"})));
  EXPECT_TRUE(IsRunnable(WithTriggers({"order_paid", "contact_updated"})));
  EXPECT_FALSE(IsRunnable(WithTriggers({"contact_created"})));
  EXPECT_FALSE(IsRunnable(WithTriggers({})));
}

TEST(LeatAutomationTest, ListsStatusAndTimesAsLeatDoes) {
  using S = core::AutomationStatus;
  core::Automation a = WithTriggers({"physical_reward_reception_created"});
  for (S s : {S::kDraft, S::kCommitted, S::kRunning, S::kPaused, S::kToArchive, S::kArchived,
              S::kError, S::kToDelete}) {
    a.status = s;
    json::object o = AutomationToLeat(a, "physical_reward_reception_created");
    EXPECT_EQ(o.at("status"), s == S::kRunning ? "active" : "inactive")
        << core::AutomationStatusName(s);
  }
  json::object o = AutomationToLeat(a, "physical_reward_reception_created");
  EXPECT_EQ(o, json::parse(R"({"uuid":"0190a6f5-0a11-7c3d-8e2f-0000000000a1",
      "name":"Send Treasure","event":"physical_reward_reception_created","status":"inactive",
      "created_at":"2022-05-10T12:47:38+00:00","updated_at":"2022-05-11T08:09:37+00:00"})"));
}

json::object ErrorBody(const http::Response& r) { return json::parse(r.body).as_object(); }

TEST(LeatErrorTest, MapsStatusesToLeatCodes) {
  http::Request req;
  struct Case {
    core::Status status;
    int http_status;
    int code;
    const char* message;
  };
  core::Status invalid = core::InvalidArgument("Invalid input.");
  invalid.WithField("contact_uuid", "The contact uuid field is required.");
  Case cases[] = {
      {invalid, 422, 1003, "Invalid input."},
      {core::NotFound("x").WithField("contact", "not found"), 404, 55031, "Contact not found."},
      {core::NotFound("x").WithField("automation", "not found"), 404, 60013, "Model not found."},
      {core::NotFound("no such endpoint: GET /x"), 404, 404, "Not found."},
      {core::Unauthenticated("bad token"), 401, 401, "Unauthenticated."},
      {core::InvalidArgument("method PUT not allowed here"), 405, 405, "Method not allowed."},
      {core::FailedPrecondition("automation is DRAFT; it takes no customers"), 409, 409,
       "automation is DRAFT; it takes no customers"},
      {core::PayloadTooLarge("body too large"), 413, 413, "body too large"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status.ToString());
    http::Response r = LeatError(c.status, req);
    EXPECT_EQ(r.status, c.http_status);
    EXPECT_EQ(r.content_type, "application/json");
    json::object body = ErrorBody(r);
    EXPECT_EQ(body.at("status_code"), c.http_status);
    EXPECT_EQ(body.at("code"), c.code);
    EXPECT_EQ(body.at("message"), c.message);
    ASSERT_TRUE(body.at("errors").is_object());
  }
  json::object body = ErrorBody(LeatError(invalid, req));
  EXPECT_EQ(body.at("errors"),
            json::parse(R"({"contact_uuid":["The contact uuid field is required."]})"));
  // Input rejected as a whole is reported on the body.
  body = ErrorBody(LeatError(core::InvalidArgument("invalid JSON: syntax error"), req));
  EXPECT_EQ(body.at("errors"), json::parse(R"({"body":["invalid JSON: syntax error"]})"));
  // Not-found markers are not echoed as field errors.
  body = ErrorBody(LeatError(core::NotFound("x").WithField("contact", "not found"), req));
  EXPECT_TRUE(body.at("errors").as_object().empty());
  EXPECT_EQ(LeatError(core::Unauthenticated("x"), req).headers.Get("WWW-Authenticate"), "Bearer");
}

}  // namespace
}  // namespace rivulet::api::leat
