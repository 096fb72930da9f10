#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <set>

#include "hooks/hooks.h"
#include "webhooks/notify.h"
#include "webhooks/server.h"

namespace schemabot::hooks {
namespace {

namespace fs = std::filesystem;
using webhooks::Accepted;
using webhooks::Event;
using webhooks::Outcome;

// Records what the git receiver accepted, deduplicating like the store.
class Sink : public webhooks::DeliverySink {
 public:
  Result<Accepted> Accept(const Event& e) override {
    std::lock_guard lock(mu_);
    if (!seen.insert(e.delivery).second) return Accepted{Outcome::kDuplicate, 0, ""};
    events.push_back(e);
    return Accepted{Outcome::kQueued, static_cast<int64_t>(events.size()), ""};
  }
  std::mutex mu_;
  std::set<std::string> seen;
  std::vector<Event> events;
};

class PostReceiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("schemabot-post-receive-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    webhooks::ServerOptions so;
    so.secrets.git = {"other", "s3cret"};
    auto s = webhooks::Server::Start(so, sink_);
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
    o_.url = "http://127.0.0.1:" + std::to_string(server_->port());
    o_.secret = "s3cret";
    o_.repo = "team/app";
    o_.spool_dir = (dir_ / "spool").string();
  }
  void TearDown() override {
    server_->Stop();
    fs::remove_all(dir_);
  }
  size_t Spooled() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(o_.spool_dir)) n += e.is_regular_file();
    return n;
  }
  static RefUpdate Update(char before, char after, std::string ref = "refs/heads/main") {
    return {std::string(40, before), std::string(40, after), std::move(ref)};
  }

  fs::path dir_;
  Sink sink_;
  std::unique_ptr<webhooks::Server> server_;
  PostReceiveOptions o_;
};

TEST(ParseRefUpdates, ReadsGitsLinesAndNamesTheBadOne) {
  auto u = ParseRefUpdates("aaa bbb refs/heads/main\n\nccc ddd refs/tags/v1\r\neee fff refs/x");
  ASSERT_TRUE(u) << u.error().message;
  ASSERT_EQ(u->size(), 3u);
  EXPECT_EQ((*u)[1].before, "ccc");
  EXPECT_EQ((*u)[1].ref, "refs/tags/v1");
  EXPECT_EQ((*u)[2].after, "fff");
  auto bad = ParseRefUpdates("aaa bbb refs/heads/main\naaa bbb\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "line 2: expected \"<old> <new> <ref>\"");
  EXPECT_FALSE(ParseRefUpdates("a b c d\n"));
}

TEST(GitNotification, RoundTripsThroughTheReceiversParser) {
  webhooks::GitNotification n{
      "team/app", "refs/heads/main", std::string(40, '0'), std::string(40, 'a'), "ann", "", "main"};
  std::string body = webhooks::GitNotificationJson(n);
  EXPECT_EQ(body.find("clone_url"), std::string::npos);  // empty optional fields left out
  auto ev = webhooks::ParseGitHookEvent(body);
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->kind, webhooks::EventKind::kPush);
  EXPECT_EQ(ev->repo, "team/app");
  EXPECT_EQ(ev->after, std::string(40, 'a'));
  EXPECT_TRUE(ev->created);
  EXPECT_EQ(ev->sender, "ann");
  EXPECT_EQ(ev->default_branch, "main");
  EXPECT_EQ(*webhooks::GitReceiverUrl("http://h:1/"), "http://h:1/webhooks/git");
  EXPECT_EQ(*webhooks::GitReceiverUrl("https://u:pw@h/bot/webhooks/git"),
            "https://h/bot/webhooks/git");  // credentials go to the Authorization header
  EXPECT_FALSE(webhooks::GitReceiverUrl("ftp://h"));
  EXPECT_FALSE(webhooks::GitReceiverUrl("http://"));
}

TEST_F(PostReceiveTest, SendsEachRefInOrderAndEmptiesTheSpool) {
  PostReceiveResult r =
      PostReceive({Update('1', '2'), Update('3', '3'), Update('4', '5', "refs/tags/v1")}, o_);
  EXPECT_EQ(r.sent, 2);  // the unchanged ref is skipped
  EXPECT_EQ(r.exit_code(), 0);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].ref, "refs/heads/main");
  EXPECT_EQ(sink_.events[1].ref, "refs/tags/v1");
  EXPECT_NE(sink_.events[0].delivery, sink_.events[1].delivery);
  EXPECT_EQ(Spooled(), 0u);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0], "schemabot: refs/heads/main: queued, job 1");
}

TEST_F(PostReceiveTest, WrongSecretKeepsEverythingAndOlderGoFirstLater) {
  o_.secret = "wrong";
  PostReceiveResult r = PostReceive({Update('1', '2')}, o_);
  EXPECT_EQ(r.pending, 1);
  EXPECT_EQ(r.exit_code(), 1);
  ASSERT_FALSE(r.lines.empty());
  EXPECT_NE(r.lines[0].find("refused the signature (401)"), std::string::npos) << r.lines[0];
  for (const auto& l : r.lines) EXPECT_EQ(l.find("wrong"), std::string::npos) << l;
  EXPECT_TRUE(sink_.events.empty());

  // Fixed: the next push sends the kept notification first, then its own.
  o_.secret = "s3cret";
  r = PostReceive({Update('2', '3')}, o_);
  EXPECT_EQ(r.sent, 2);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].after, std::string(40, '2'));
  EXPECT_EQ(sink_.events[1].after, std::string(40, '3'));
  EXPECT_EQ(Spooled(), 0u);
}

TEST_F(PostReceiveTest, MalformedIsSetAsideAndTheRestStillGoes) {
  o_.repo = "";  // the receiver answers 400: missing repo
  PostReceiveResult r = PostReceive({Update('1', '2')}, o_);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_EQ(Spooled(), 0u);
  size_t rejected = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "spool" / "rejected")) {
    ++rejected;
  }
  EXPECT_EQ(rejected, 1u);
  o_.repo = "team/app";
  r = PostReceive({Update('2', '3')}, o_);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.exit_code(), 0);
}

TEST_F(PostReceiveTest, NoServerOrNoConfigSpoolsQuickly) {
  server_->Stop();
  auto start = std::chrono::steady_clock::now();
  PostReceiveResult r = PostReceive({Update('1', '2'), Update('2', '3')}, o_);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(r.pending, 2);  // the first failure stops sending: order is kept
  EXPECT_NE(r.lines[0].find("cannot notify the server"), std::string::npos) << r.lines[0];
  o_.url.clear();
  r = PostReceive({Update('3', '4')}, o_);
  EXPECT_EQ(r.pending, 3);
  EXPECT_NE(r.lines[0].find("no server URL"), std::string::npos) << r.lines[0];
  EXPECT_EQ(Spooled(), 3u);
}

TEST_F(PostReceiveTest, FlushSendsOnlyTheSpoolAndRedeliveryIsDeduplicated) {
  o_.secret = "wrong";
  PostReceive({Update('1', '2')}, o_);
  // Simulate a copy of the same notification being sent twice (two hooks at once).
  fs::path kept = fs::directory_iterator(o_.spool_dir)->path();
  fs::path copy = kept.parent_path() / ("9" + kept.filename().string().substr(1));
  fs::copy_file(kept, copy);
  o_.secret = "s3cret";
  o_.flush_only = true;
  PostReceiveResult r = PostReceive({Update('7', '8')}, o_);
  EXPECT_EQ(r.sent, 2);
  ASSERT_EQ(sink_.events.size(), 1u);  // the copy was a duplicate
  EXPECT_EQ(sink_.events[0].after, std::string(40, '2'));
  EXPECT_NE(r.lines[1].find("duplicate"), std::string::npos) << r.lines[1];
}

}  // namespace
}  // namespace schemabot::hooks
