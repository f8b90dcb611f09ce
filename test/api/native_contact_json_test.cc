// The identifier fields of contact documents (ContactIdentifierFields), shared by
// ParseContactInput and the event fast path: each is bounded, normalised, and reported on
// its own field path when it does not normalise.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>

#include "api/native/contact_json.h"

namespace rivulet::api::native {
namespace {

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

std::map<std::string, std::string> FieldsOf(const core::Status& st) { return st.fields(); }

TEST(ContactJsonTest, IdentifiersAreNormalised) {
  auto in = ParseContactInput(Obj(R"({"uuid":"01A20D2F-BB4F-7D13-9199-0CB94B894C3D",)"
                                  R"("email":"ada@example.com","external_id":"crm-42"})"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->uuid, "01a20d2f-bb4f-7d13-9199-0cb94b894c3d");
  EXPECT_EQ(in->email, "ada@example.com");
  EXPECT_EQ(in->external_id, "crm-42");
  EXPECT_FALSE(in->phone.has_value());
}

TEST(ContactJsonTest, AnIdentifierThatDoesNotNormaliseIsReportedOnItsField) {
  const std::map<std::string, std::map<std::string, std::string>> cases = {
      {R"({"uuid":"nope"})", {{"uuid", "must be a uuid"}}},
      {R"({"email":"not an address"})", {{"email", "is not an e-mail address"}}},
      {R"({"phone":"call me"})", {{"phone", "is not a phone number"}}},
      {R"({"external_id":""})", {{"external_id", "must be 1 to 255 printable characters"}}},
      // Read in order: the uuid's problem is reported first.
      {R"({"email":"not an address","uuid":"nope"})", {{"uuid", "must be a uuid"}}},
      {R"({"email":")" + std::string(321, 'a') + R"("})", {{"email", "must be at most 320 bytes"}}},
      {R"({"uuid":7})", {{"uuid", "must be a string"}}},
  };
  for (const auto& [text, fields] : cases) {
    auto in = ParseContactInput(Obj(text.c_str()));
    ASSERT_FALSE(in.ok()) << text;
    EXPECT_EQ(in.status().code(), core::Code::kInvalidArgument) << text;
    EXPECT_EQ(FieldsOf(in.status()), fields) << text;
  }
}

TEST(ContactJsonTest, AnEventsContactIsReportedUnderItsPath) {
  auto in = ParseEventInput(Obj(R"({"type":"t","contact":{"phone":"call me"}})"));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(FieldsOf(in.status()),
            (std::map<std::string, std::string>{{"contact.phone", "is not a phone number"}}));
}

}  // namespace
}  // namespace rivulet::api::native
