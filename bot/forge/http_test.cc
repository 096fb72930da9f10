#include "bot/forge/http.h"

#include <gtest/gtest.h>

namespace schemabot::forge {
namespace {

TEST(HttpTest, NextLink) {
  EXPECT_EQ(
      NextLink(
          R"(<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last")"),
      "https://api.github.com/x?page=2");
  EXPECT_EQ(NextLink(R"(<https://h/x?page=1>; rel="first", <https://h/x?page=3>; rel="next")"),
            "https://h/x?page=3");
  EXPECT_EQ(NextLink(R"(<https://h/x?page=1>; rel="prev")"), "");
  EXPECT_EQ(NextLink(""), "");
  EXPECT_EQ(NextLink("<unterminated"), "");
}

HttpResponse Resp(int status, Headers h, std::string body = "") {
  return HttpResponse{status, std::move(h), std::move(body)};
}

TEST(HttpTest, StatusesMapToCodes) {
  HttpRequest req{.method = "GET", .target = "/x"};
  EXPECT_EQ(ResponseError("github", req, Resp(404, {}), 0).code, ErrorCode::kNotFound);
  EXPECT_EQ(ResponseError("github", req, Resp(401, {}), 0).code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(ResponseError("github", req, Resp(403, {}, "forbidden"), 0).code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ResponseError("github", req, Resp(422, {}), 0).code, ErrorCode::kConflict);
  EXPECT_EQ(ResponseError("gitlab", req, Resp(409, {}), 0).code, ErrorCode::kConflict);
  EXPECT_EQ(ResponseError("gitlab", req, Resp(400, {}), 0).code, ErrorCode::kInvalidArgument);
  Error e = ResponseError("github", req, Resp(503, {}), 0);
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_FALSE(e.retry_after_seconds);
  EXPECT_EQ(e.message, "github: GET /x: 503");
}

TEST(HttpTest, RateLimitsCarryRetryAfter) {
  HttpRequest req{.method = "POST", .target = "/c"};
  // Primary limit: remaining 0, wait until the reset.
  Error primary = ResponseError(
      "github", req, Resp(403, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1100"}}),
      1000);
  EXPECT_EQ(primary.code, ErrorCode::kUnavailable);
  EXPECT_EQ(primary.retry_after_seconds, 100);
  // Secondary limit with Retry-After.
  Error secondary = ResponseError("github", req, Resp(403, {{"retry-after", "30"}}), 0);
  EXPECT_EQ(secondary.retry_after_seconds, 30);
  // Secondary limit without headers: at least a minute.
  Error bare = ResponseError(
      "github", req, Resp(403, {}, R"({"message":"You have exceeded a secondary rate limit"})"), 0);
  EXPECT_EQ(bare.code, ErrorCode::kUnavailable);
  EXPECT_EQ(bare.retry_after_seconds, 60);
  // GitLab 429 with RateLimit-Reset.
  Error gl = ResponseError(
      "gitlab", req, Resp(429, {{"ratelimit-remaining", "0"}, {"ratelimit-reset", "1010"}}), 1000);
  EXPECT_EQ(gl.retry_after_seconds, 10);
  // Wrap keeps the hint.
  EXPECT_EQ(Error(gl).Wrap("posting").retry_after_seconds, 10);
}

TEST(HttpTest, RefusesOtherOrigins) {
  auto c = NewHttpClient("http://127.0.0.1:1/api/v4", {});
  ASSERT_TRUE(c);
  auto r = (*c)->Send({.target = "http://evil.example/steal"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(NewHttpClient("ftp://x", {}));
  EXPECT_FALSE(NewHttpClient("https://user:pw@host", {}));
  // Nothing listens on port 1: a connection error is kUnavailable.
  auto down = (*c)->Send({.target = "/projects"});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
}

TEST(HttpTest, UrlEncoding) {
  EXPECT_EQ(PercentEncode("group/sub project"), "group%2Fsub%20project");
  EXPECT_EQ(UrlEncodePath("migrations/1 a.sql"), "migrations/1%20a.sql");
}

}  // namespace
}  // namespace schemabot::forge
