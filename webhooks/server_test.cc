#include "webhooks/server.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "base/metrics.h"
#include "tests/http_client.h"
#include "webhooks/signature.h"

namespace schemabot::webhooks {
namespace {

using testing::HttpCall;

TEST(Signature, GitHubDocumentedVector) {
  EXPECT_EQ(SignatureHeader("It's a Secret to Everybody", "Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  std::vector<std::string> secrets = {"old", "It's a Secret to Everybody"};
  EXPECT_TRUE(
      VerifySignature(secrets, "Hello, World!",
                      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
  EXPECT_FALSE(
      VerifySignature(secrets, "Hello, World?",
                      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
  EXPECT_FALSE(VerifySignature(secrets, "Hello, World!", ""));
  EXPECT_FALSE(VerifySignature(secrets, "Hello, World!", "sha1=abc"));
  EXPECT_TRUE(VerifyToken({"a", "b"}, "b"));
  EXPECT_FALSE(VerifyToken({"a", "b"}, "c"));
  EXPECT_FALSE(VerifyToken({""}, ""));
}

// A sink that remembers delivery ids, as the store does.
class MemorySink : public DeliverySink {
 public:
  Result<Accepted> Accept(const Event& e) override {
    std::lock_guard lock(mu_);
    if (e.kind == EventKind::kOther) return Accepted{Outcome::kIgnored, 0, e.ignored_reason};
    if (!seen_.insert(e.delivery).second) return Accepted{Outcome::kDuplicate, 0, ""};
    return Accepted{Outcome::kQueued, static_cast<int64_t>(seen_.size()), ""};
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

 private:
  std::mutex mu_;
  std::set<std::string> seen_;
};

const char kPing[] = R"({"zen":"Keep it logically awesome.","hook_id":1})";

std::map<std::string, std::string> GitHub(const std::string& body, const std::string& event,
                                          const std::string& delivery,
                                          const std::string& secret = "s3cret") {
  return {{"Content-Type", "application/json"},
          {"X-GitHub-Event", event},
          {"X-GitHub-Delivery", delivery},
          {"X-Hub-Signature-256", SignatureHeader(secret, body)}};
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions opt;
    opt.max_body_bytes = 4096;
    opt.read_timeout = std::chrono::milliseconds(500);
    opt.secrets.github = {"s3cret"};
    opt.secrets.gitlab = {"gl-token"};
    auto s = Server::Start(opt, sink_);
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }
  void TearDown() override { server_->Stop(); }
  int port() { return server_->port(); }

  MemorySink sink_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, AcceptsSignedAndDedupes) {
  auto r = HttpCall(port(), "POST", "/webhooks/github", GitHub(kPing, "ping", "d-1"), kPing);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"outcome\":\"queued\""), std::string::npos) << r.body;
  auto again = HttpCall(port(), "POST", "/webhooks/github", GitHub(kPing, "ping", "d-1"), kPing);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos) << again.body;
  EXPECT_EQ(sink_.size(), 1u);
}

TEST_F(ServerTest, RefusesBadInputAndKeepsServing) {
  auto h = GitHub(kPing, "ping", "d-2", "wrong");
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/github", h, kPing).status, 401);
  h.erase("X-Hub-Signature-256");
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/github", h, kPing).status, 401);
  auto form = GitHub(kPing, "ping", "d-3");
  form["Content-Type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/github", form, kPing).status, 415);
  std::string broken = "{\"zen\":";
  EXPECT_EQ(
      HttpCall(port(), "POST", "/webhooks/github", GitHub(broken, "ping", "d-4"), broken).status,
      400);
  std::string big(5000, ' ');
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/github", GitHub(big, "ping", "d-5"), big).status,
            413);
  std::string star = "{}";
  auto ignored = HttpCall(port(), "POST", "/webhooks/github", GitHub(star, "star", "d-6"), star);
  EXPECT_EQ(ignored.status, 202) << ignored.body;
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/git", GitHub(kPing, "ping", "d-7"), kPing).status,
            404);  // receiver not enabled
  EXPECT_EQ(HttpCall(port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(sink_.size(), 0u);
  auto m = HttpCall(port(), "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("outcome=\"too_large\""), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("outcome=\"unauthorized\""), std::string::npos);
}

TEST_F(ServerTest, GitLabTokenAndIdempotencyKey) {
  std::string body = R"({"object_kind":"push","ref":"refs/heads/main","before":"a","after":"b",
                         "project":{"path_with_namespace":"g/p"}})";
  std::map<std::string, std::string> h = {{"Content-Type", "application/json"},
                                          {"X-Gitlab-Event", "Push Hook"},
                                          {"X-Gitlab-Token", "gl-token"},
                                          {"Idempotency-Key", "k-1"}};
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/gitlab", h, body).status, 200);
  h["X-Gitlab-Token"] = "nope";
  EXPECT_EQ(HttpCall(port(), "POST", "/webhooks/gitlab", h, body).status, 401);
}

TEST_F(ServerTest, SlowClientTimesOutWithoutBlockingOthers) {
  // Send headers promising a body that never comes; the server gives up after the read
  // timeout while still answering others.
  std::thread slow([&] { HttpCall(port(), "GET", "/healthz", {{"Content-Length", "100"}}, ""); });
  EXPECT_EQ(HttpCall(port(), "GET", "/healthz").status, 200);
  slow.join();
}

}  // namespace
}  // namespace schemabot::webhooks

namespace schemabot::webhooks {
namespace {

TEST(ServerExtra, ReadinessAndGitLabUuidFallbackAndExtraRoutes) {
  MemorySink sink;
  ServerOptions opt;
  opt.secrets.gitlab = {"t"};
  opt.ready = [] { return Result<void>(Unavailable("store down")); };
  opt.routes.push_back({"GET", "/api/v1/dirs", [](const HttpRequest& r) {
                          return HttpResponse{200, "text/plain", "path=" + r.path};
                        }});
  auto s = Server::Start(opt, sink);
  ASSERT_TRUE(s) << s.error().message;
  auto ready = HttpCall((*s)->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("store down"), std::string::npos);
  auto route = HttpCall((*s)->port(), "GET", "/api/v1/dirs/app/tags");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "path=/api/v1/dirs/app/tags");
  std::string body = R"({"object_kind":"push","ref":"refs/heads/main","after":"b",
                         "project":{"path_with_namespace":"g/p"}})";
  std::map<std::string, std::string> h = {{"Content-Type", "application/json; charset=utf-8"},
                                          {"X-Gitlab-Event", "Push Hook"},
                                          {"X-Gitlab-Token", "t"},
                                          {"X-Gitlab-Event-UUID", "uuid-1"}};
  auto first = HttpCall((*s)->port(), "POST", "/webhooks/gitlab", h, body);
  EXPECT_NE(first.body.find("\"delivery\":\"uuid-1\""), std::string::npos) << first.body;
  auto again = HttpCall((*s)->port(), "POST", "/webhooks/gitlab", h, body);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos) << again.body;
  (*s)->Stop();
}

}  // namespace
}  // namespace schemabot::webhooks
