// ScanCommonEvent, the fast path of POST /v1/events, must give exactly what the general
// reading (http::ParseBody, then ParseEventInput) gives, or decline.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/native/contact_json.h"
#include "api/native/event_body_scan.h"
#include "http/body.h"
#include "http/limits.h"

namespace rivulet::api::native {
namespace {

core::Result<engine::EventInput> General(const std::string& body) {
  http::Request req;
  req.headers.Add("Content-Type", "application/json");
  req.body = body;
  RIVULET_ASSIGN_OR_RETURN(boost::json::value v, http::ParseBody(req, http::Limits{}));
  if (!v.is_object()) return core::InvalidArgument("not an object");
  return ParseEventInput(v.as_object());
}

std::optional<engine::EventInput> Fast(const std::string& body) {
  return ScanCommonEvent(body, http::Limits{}.max_json_depth);
}

void ExpectSame(const engine::EventInput& a, const engine::EventInput& b, const std::string& body) {
  EXPECT_EQ(a.type, b.type) << body;
  EXPECT_EQ(a.data_json, b.data_json) << body;
  EXPECT_EQ(a.occurred_at, b.occurred_at) << body;
  EXPECT_EQ(a.idempotency_key, b.idempotency_key) << body;
  EXPECT_EQ(a.contact.uuid, b.contact.uuid) << body;
  EXPECT_EQ(a.contact.email, b.contact.email) << body;
  EXPECT_EQ(a.contact.phone, b.contact.phone) << body;
  EXPECT_EQ(a.contact.external_id, b.contact.external_id) << body;
  EXPECT_EQ(a.contact.attributes_json, b.contact.attributes_json) << body;
  EXPECT_EQ(a.contact.tags, b.contact.tags) << body;
  EXPECT_EQ(a.contact.add_tags, b.contact.add_tags) << body;
  EXPECT_EQ(a.contact.remove_tags, b.contact.remove_tags) << body;
  EXPECT_EQ(a.contact.timezone, b.contact.timezone) << body;
}

TEST(EventScanTest, ReadsTheCommonShapesExactlyAsTheGeneralParser) {
  const std::vector<std::string> bodies = {
      // bench/ingest_events.lua's event.
      R"({"type":"order_paid","contact":{"email":"bench-7@example.com"},"data":{"order_id":"0-7",)"
      R"("total":129.95,"currency":"EUR","items":3,"channel":"web","coupon":"WELCOME10",)"
      R"("note":"xxxxxxxx"}})",
      // Whitespace everywhere JSON allows it, and an e-mail to normalise.
      " \n{ \"type\" : \"signup\" ,\r\n \"contact\" : { \"email\" : \"Ada@Example.COM\" } , "
      "\"data\" : { \"a\" : [ 1 , 2 , { \"b\" : [ ] } ] , \"c\" : { } } }\t\n",
      R"({"type":"t","contact_uuid":"01A20D2F-BB4F-7D13-9199-0CB94B894C3D"})",
      R"({"contact":{"uuid":"01a20d2f-bb4f-7d13-9199-0cb94b894c3d","email":"a@x.io",)"
      R"("phone":"+31 20 123 4567","external_id":"crm-42"},"type":"a.b:c-d_e"})",
      // contact_uuid replaces the contact's own uuid.
      R"({"type":"t","contact":{"uuid":"01a20d2f-bb4f-7d13-9199-0cb94b894c3d"},)"
      R"("contact_uuid":"01a20d2f-bb4f-7fe7-bec4-1a85f4eaaa43"})",
      R"({"type":"t","contact":{"email":"a@x.io"},"occurred_at":"2024-05-10T12:47:38.123+02:00",)"
      R"("idempotency_key":"order-1"})",
      R"({"type":"t","contact":{"email":"a@x.io"},"occurred_at":"2024-05-10","idempotency_key":""})",
      // Numbers of every form, and values of every kind.
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"i":0,"n":-17,"big":123456789012345678,)"
      R"("bigger":1234567890123456789,"huge":123456789012345678901234567890,"neg0":-0,)"
      R"("f":0.1,"e":1e3,"E":-2.5E-7,"ef":1.0,"t":true,"f2":false,"z":null,"s":"","u":"é ☃ 😀",)"
      R"("del":"a)"
      "\x7f"
      R"(b","ls":"a)"
      "\xe2\x80\xa8"
      R"(b","arr":[[],[[]],{},"x",1.5,null]}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{}})",
      R"({"type":"t","contact":{},"contact_uuid":"01a20d2f-bb4f-7d13-9199-0cb94b894c3d"})",
  };
  for (const std::string& body : bodies) {
    auto general = General(body);
    ASSERT_TRUE(general.ok()) << body << ": " << general.status().ToString();
    auto fast = Fast(body);
    ASSERT_TRUE(fast.has_value()) << "declined: " << body;
    ExpectSame(*fast, *general, body);
  }
}

TEST(EventScanTest, DeclinesWhatTheGeneralParserRejectsOrReadsDifferently) {
  const std::string deep = [] {
    std::string d = R"({"type":"t","contact":{"email":"a@x.io"},"data":)";
    for (int i = 0; i < 40; ++i) d += "{\"a\":";
    d += "1";
    for (int i = 0; i < 40; ++i) d += "}";
    return d + "}";
  }();
  const std::vector<std::string> bodies = {
      "",
      "{}",
      "[]",
      R"({"events":[{"type":"t","contact":{"email":"a@x.io"}}]})",
      R"({"type":"t","contact":{"email":"a@x.io"},"extra":1})",
      R"({"type":"t","type":"u","contact":{"email":"a@x.io"}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":1,"a":2}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":"\n"}})",
      R"({"type":"t\u0041","contact":{"email":"a@x.io"}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":null})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":[]})",
      R"({"type":"t","contact":{"email":"a@x.io"},"occurred_at":null})",
      R"({"type":"t","contact":{"email":"a@x.io"},})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":[1,]}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":01}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":1.}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":tru}})",
      R"({"type":"t","contact":{"email":"a@x.io"}} x)",
      R"({"type":"t","contact":{"email":"a@x.io"})",
      "{\"type\":\"t\",\"contact\":{\"email\":\"a@x.io\"},\"data\":{\"a\":\"\xff\"}}",
      "{\"type\":\"t\",\"contact\":{\"email\":\"a@x.io\"},\"data\":{\"a\":\"\x01\"}}",
      deep,
      R"({"type":"","contact":{"email":"a@x.io"}})",
      R"({"type":"bad type","contact":{"email":"a@x.io"}})",
      R"({"type":"t","contact":{"email":"not an address"}})",
      R"({"type":"t","contact":{"uuid":"nope"}})",
      R"({"type":"t","contact":{"email":"a@x.io","tags":["x"]}})",
      R"({"type":"t","contact":{}})",
      R"({"type":"t"})",
      R"({"contact":{"email":"a@x.io"}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"occurred_at":"yesterday"})",
      R"({"type":"t","contact":{"email":"a@x.io"},"type2":1})",
      R"({"type":"t","contact":{"email":"a@x.io"},"idempotency_key":")" + std::string(256, 'k') +
          R"("})",
      R"({"type":")" + std::string(65, 'a') + R"(","contact":{"email":"a@x.io"}})",
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"s":")" + std::string(70000, 's') +
          R"("}})",
  };
  for (const std::string& body : bodies) {
    EXPECT_FALSE(Fast(body).has_value()) << "accepted: " << body.substr(0, 200);
  }
}

TEST(EventScanTest, AcceptsWhatItReadsOnlyWhenTheGeneralParserAgrees) {
  // Every prefix of a valid body is declined or read as the general parser reads it.
  std::string body =
      R"({"type":"t","contact":{"email":"a@x.io"},"data":{"a":[1,2.5,{"b":null}],"c":"d"},)"
      R"("occurred_at":"2024-05-10T12:47:38Z","idempotency_key":"k"} )";
  for (size_t n = 0; n <= body.size(); ++n) {
    std::string prefix = body.substr(0, n);
    auto fast = Fast(prefix);
    if (!fast) continue;
    auto general = General(prefix);
    ASSERT_TRUE(general.ok()) << prefix;
    ExpectSame(*fast, *general, prefix);
  }
  EXPECT_TRUE(Fast(body).has_value());
}

}  // namespace
}  // namespace rivulet::api::native
