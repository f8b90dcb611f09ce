// The server writes every response's head itself (response_head.h), without Beast's header
// container; Beast's parser must read it back as the same response.
#include "http/response_head.h"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>

namespace rivulet::http {
namespace {

namespace bhttp = boost::beast::http;

// Parses head + body as a client would.
bhttp::response<bhttp::string_body> ParseBack(const std::string& wire) {
  bhttp::response_parser<bhttp::string_body> parser;
  boost::system::error_code ec;
  parser.eager(true);
  parser.put(boost::asio::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
  EXPECT_TRUE(parser.is_done()) << wire;
  return parser.release();
}

TEST(ResponseHeadTest, WritesStatusTypeHeadersAndLength) {
  Response r = Response::Json(201, "{\"ok\":true}\n");
  r.headers.Add("X-Request-Id", "abc-1");
  r.headers.Add("Location", "/v1/contacts/1");
  std::string head = ResponseHead(r, 11, true);
  EXPECT_EQ(head.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << head;
  auto res = ParseBack(head + r.body);
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res[bhttp::field::server], "rivulet");
  EXPECT_EQ(res["X-Request-Id"], "abc-1");
  EXPECT_EQ(res[bhttp::field::location], "/v1/contacts/1");
  EXPECT_EQ(res.body(), r.body);
  EXPECT_TRUE(res.keep_alive());
  // Extra headers keep their order.
  EXPECT_LT(head.find("X-Request-Id"), head.find("Location"));
}

TEST(ResponseHeadTest, KeepAliveFollowsTheVersion) {
  Response r = Response::Text(200, "hi");
  EXPECT_FALSE(ParseBack(ResponseHead(r, 11, false) + "hi").keep_alive());
  EXPECT_TRUE(ParseBack(ResponseHead(r, 10, true) + "hi").keep_alive());
  EXPECT_FALSE(ParseBack(ResponseHead(r, 10, false) + "hi").keep_alive());
  EXPECT_EQ(ResponseHead(r, 10, true).rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
}

TEST(ResponseHeadTest, StatusesWithoutBodyGetNoLengthOrType) {
  Response r = Response::NoContent();
  r.content_type = "application/json";
  std::string head = ResponseHead(r, 11, true);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Type"), std::string::npos) << head;
  EXPECT_TRUE(StatusHasNoBody(204));
  EXPECT_TRUE(StatusHasNoBody(304));
  EXPECT_TRUE(StatusHasNoBody(101));
  EXPECT_FALSE(StatusHasNoBody(200));
  // An empty body of another status still says its length.
  EXPECT_NE(ResponseHead(Response::Json(200, ""), 11, true).find("Content-Length: 0\r\n"),
            std::string::npos);
}

TEST(ResponseHeadTest, AStreamedBodyIsChunkedOnHttp11AndEndsWithTheConnectionOnHttp10) {
  Response r = Response::Text(200, "", "text/csv");
  r.stream = [](char*, size_t) -> std::ptrdiff_t { return 0; };
  r.headers.Add("X-Evil", "a\r\nSet-Cookie: stolen=1");
  std::string head = ResponseHead(r, 11, true);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_EQ(head.find("stolen"), std::string::npos) << head;
  auto res = ParseBack(head + "3\r\nabc\r\n0\r\n\r\n");
  EXPECT_TRUE(res.chunked());
  EXPECT_EQ(res.body(), "abc");
  EXPECT_EQ(res[bhttp::field::content_type], "text/csv");

  std::string head10 = ResponseHead(r, 10, false);
  EXPECT_EQ(head10.find("Transfer-Encoding"), std::string::npos) << head10;
  EXPECT_EQ(head10.find("Content-Length"), std::string::npos) << head10;
  EXPECT_EQ(head10.find("Connection"), std::string::npos) << head10;  // 1.0 closes by default
}

TEST(ResponseHeadTest, AHeaderThatWouldSplitTheResponseIsLeftOut) {
  Response r = Response::Text(200, "x");
  r.headers.Add("X-Evil", "a\r\nSet-Cookie: stolen=1");
  r.headers.Add("X-Also\nEvil", "b");
  r.headers.Add("X-Fine", "c");
  std::string head = ResponseHead(r, 11, true);
  EXPECT_EQ(head.find("stolen"), std::string::npos) << head;
  EXPECT_EQ(head.find("X-Also"), std::string::npos) << head;
  EXPECT_EQ(ParseBack(head + "x")["X-Fine"], "c");
}

}  // namespace
}  // namespace rivulet::http
