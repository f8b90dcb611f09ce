#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include "core/status_printers.h"

namespace rivulet::core {
namespace {

TEST(StatusTest, DefaultIsOkWithEmptyMessage) {
  Status st;
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.code(), Code::kOk);
  EXPECT_EQ(st.message(), "");
  EXPECT_FALSE(st.retryable());
  EXPECT_TRUE(st.fields().empty());
  EXPECT_EQ(st.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, HelpersSetCodeMessageAndRetryability) {
  EXPECT_EQ(InvalidArgument("x").code(), Code::kInvalidArgument);
  EXPECT_EQ(NotFound("x").code(), Code::kNotFound);
  EXPECT_EQ(AlreadyExists("x").code(), Code::kAlreadyExists);
  EXPECT_EQ(Unauthenticated("x").code(), Code::kUnauthenticated);
  EXPECT_EQ(PermissionDenied("x").code(), Code::kPermissionDenied);
  EXPECT_EQ(FailedPrecondition("x").code(), Code::kFailedPrecondition);
  EXPECT_EQ(PayloadTooLarge("x").code(), Code::kPayloadTooLarge);
  EXPECT_EQ(Internal("x").code(), Code::kInternal);
  EXPECT_EQ(NotFound("no such thing").message(), "no such thing");
  // Only Unavailable is retryable by default.
  EXPECT_TRUE(Unavailable("x").retryable());
  EXPECT_EQ(Unavailable("x").code(), Code::kUnavailable);
  EXPECT_FALSE(InvalidArgument("x").retryable());
  EXPECT_FALSE(Internal("x").retryable());
  EXPECT_FALSE(NotFound("x").ok());
}

TEST(StatusTest, WithFieldChainsAndToStringListsFieldsSorted) {
  Status st = InvalidArgument("bad input");
  st.WithField("zeta", "is odd").WithField("alpha", "is missing");
  ASSERT_EQ(st.fields().size(), 2u);
  EXPECT_EQ(st.fields().at("alpha"), "is missing");
  EXPECT_EQ(st.ToString(), "invalid_argument: bad input [alpha: is missing] [zeta: is odd]");
  // A later detail for the same path replaces the earlier one.
  st.WithField("alpha", "again");
  EXPECT_EQ(st.fields().at("alpha"), "again");
  EXPECT_EQ(st.fields().size(), 2u);
}

TEST(StatusTest, CodeNamesAreDistinctSnakeCase) {
  std::set<std::string> names;
  for (int c = static_cast<int>(Code::kOk); c <= static_cast<int>(Code::kInternal); ++c) {
    std::string name = CodeName(static_cast<Code>(c));
    EXPECT_NE(name, "unknown") << c;
    for (char ch : name) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '_') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(Code::kInternal) + 1);
  EXPECT_STREQ(CodeName(Code::kNotFound), "not_found");
  EXPECT_STREQ(CodeName(Code::kUnsupportedMedia), "unsupported_media_type");
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_EQ(good.value(), 42);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = NotFound("gone");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kNotFound);
  EXPECT_EQ(bad.status().message(), "gone");
}

TEST(ResultTest, BuiltFromOkStatusBecomesInternalError) {
  Result<int> r = Status::Ok();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInternal);
}

TEST(ResultTest, ArrowAndMoveOutOfValue) {
  Result<std::string> r = std::string("hello");
  EXPECT_EQ(r->size(), 5u);
  std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "hello");

  Result<std::unique_ptr<int>> p = std::make_unique<int>(7);
  std::unique_ptr<int> owned = std::move(p).value();
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 7);
}

Status Step(bool fail, int* reached) {
  RIVULET_RETURN_IF_ERROR(fail ? PermissionDenied("stop") : Status::Ok());
  *reached = 1;
  return Status::Ok();
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsEarlyOnlyOnError) {
  int reached = 0;
  Status st = Step(true, &reached);
  EXPECT_EQ(st.code(), Code::kPermissionDenied);
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(Step(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n, int* steps) {
  RIVULET_ASSIGN_OR_RETURN(int h, Half(n));
  ++*steps;
  RIVULET_ASSIGN_OR_RETURN(int q, Half(h));  // two uses on different lines
  ++*steps;
  return q;
}

Status AssignExisting(int n, int* out) {
  RIVULET_ASSIGN_OR_RETURN(*out, Half(n));
  return Status::Ok();
}

TEST(StatusMacrosTest, AssignOrReturnDeclaresAssignsAndPropagates) {
  int steps = 0;
  auto r = Quarter(8, &steps);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 2);
  EXPECT_EQ(steps, 2);

  steps = 0;
  auto odd = Quarter(6, &steps);  // 6/2 = 3 is odd: the second step fails
  EXPECT_EQ(odd.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(odd.status().message(), "odd");
  EXPECT_EQ(steps, 1);

  int out = -1;
  EXPECT_TRUE(AssignExisting(10, &out).ok());
  EXPECT_EQ(out, 5);
  out = -1;
  EXPECT_EQ(AssignExisting(3, &out).code(), Code::kInvalidArgument);
  EXPECT_EQ(out, -1);
}

}  // namespace
}  // namespace rivulet::core
