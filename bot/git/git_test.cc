// The mirror cache against real repositories served by the forge simulator over smart
// HTTP (git http-backend) and over file://.
#include "bot/git/git.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/sim/forge_sim.h"

namespace schemabot::git {
namespace {

namespace fs = std::filesystem;
using sim::ForgeSim;

class GitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ForgeSim::Start();
    ASSERT_TRUE(s) << s.error().message;
    sim_ = std::move(*s);
    ASSERT_TRUE(sim_->CreateRepo("acme/app"));
    auto base = sim_->Commit("acme/app", "main",
                             {{"README.md", "hi\n"},
                              {"migrations/1_init.sql", "CREATE TABLE t (a int);\n"},
                              {"migrations/2_more.sql", "ALTER TABLE t ADD b int;\n"}});
    ASSERT_TRUE(base) << base.error().message;
    base_ = *base;
    auto head = sim_->Commit("acme/app", "feature",
                             {{"migrations/3_new.sql", "CREATE TABLE u (a int);\n"},
                              {"migrations/2_more.sql", ""},
                              {"docs/x.md", "x\n"}},
                             "pr", "main");
    ASSERT_TRUE(head) << head.error().message;
    head_ = *head;
    ASSERT_TRUE(sim_->OpenPull("acme/app", "feature", "main"));
    cache_dir_ = sim_->git_dir("cache-root") + "-cache";
    auto c = MirrorCache::Open(cache_dir_);
    ASSERT_TRUE(c) << c.error().message;
    cache_ = std::move(*c);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(cache_dir_, ec);
  }

  Credentials GitHubToken() const { return {"x-access-token", sim_->options().github_token}; }

  std::unique_ptr<ForgeSim> sim_;
  std::unique_ptr<MirrorCache> cache_;
  std::string cache_dir_, base_, head_;
};

TEST_F(GitTest, FetchesPullHeadAndBaseOverSmartHttpWithToken) {
  std::string url = sim_->clone_url("acme/app");
  auto shas = cache_->Fetch({url, {"refs/pull/1/head", "main"}, GitHubToken()});
  ASSERT_TRUE(shas) << shas.error().message;
  ASSERT_EQ(shas->size(), 2u);
  EXPECT_EQ((*shas)[0], head_);
  EXPECT_EQ((*shas)[1], base_);
  EXPECT_TRUE(fs::exists(cache_->MirrorPath(url) + "/HEAD"));  // bare

  auto tree = cache_->OpenTree(url, head_, "migrations");
  ASSERT_TRUE(tree) << tree.error().message;
  auto files = (*tree)->List(false);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(*files, (std::vector<std::string>{"1_init.sql", "3_new.sql"}));
  EXPECT_EQ(*(*tree)->Read("3_new.sql"), "CREATE TABLE u (a int);\n");

  auto changed = cache_->ChangedFiles(url, base_, head_, "migrations");
  ASSERT_TRUE(changed) << changed.error().message;
  ASSERT_EQ(changed->size(), 2u);
  EXPECT_EQ((*changed)[0].path, "migrations/2_more.sql");
  EXPECT_EQ((*changed)[0].kind, ChangeKind::kDeleted);
  EXPECT_EQ((*changed)[1].path, "migrations/3_new.sql");
  EXPECT_EQ((*changed)[1].kind, ChangeKind::kAdded);
  auto everything = cache_->ChangedFiles(url, base_, head_, "");
  ASSERT_TRUE(everything);
  EXPECT_EQ(everything->size(), 3u);

  EXPECT_EQ(*cache_->ReadFile(url, base_, "migrations/2_more.sql"), "ALTER TABLE t ADD b int;\n");
  EXPECT_EQ(cache_->ReadFile(url, head_, "migrations/2_more.sql").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(*cache_->MergeBase(url, base_, head_), base_);

  // Shas already present need no network.
  int before = sim_->RequestCount("/git/");
  ASSERT_TRUE(cache_->Fetch({url, {head_, base_}, GitHubToken()}));
  EXPECT_EQ(sim_->RequestCount("/git/"), before);
}

TEST_F(GitTest, NewPushIsFetchedIncrementallyAndByShaAndGitLabRefs) {
  std::string url = sim_->clone_url("acme/app");
  ASSERT_TRUE(cache_->Fetch({url, {"refs/pull/1/head"}, GitHubToken()}));
  auto next = sim_->Commit("acme/app", "feature", {{"migrations/4.sql", "SELECT 4;\n"}});
  ASSERT_TRUE(next);
  // By id (the server allows any sha in want).
  auto by_sha = cache_->Fetch({url, {*next}, GitHubToken()});
  ASSERT_TRUE(by_sha) << by_sha.error().message;
  EXPECT_EQ((*by_sha)[0], *next);
  // GitLab: oauth2 + token, merge-request refs.
  auto gl = cache_->Fetch(
      {url, {"refs/merge-requests/1/head"}, Credentials{"oauth2", sim_->options().gitlab_token}});
  ASSERT_TRUE(gl) << gl.error().message;
  EXPECT_EQ((*gl)[0], head_);  // the sim moves PR/MR refs when the API reads the PR
}

TEST_F(GitTest, WrongOrMissingTokenIsPermissionDenied) {
  std::string url = sim_->clone_url("acme/app");
  auto wrong = cache_->Fetch({url, {"main"}, Credentials{"x-access-token", "nope"}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied) << wrong.error().message;
  EXPECT_EQ(wrong.error().message.find("nope"), std::string::npos);  // never echoed
  auto none = cache_->Fetch({url, {"main"}, std::nullopt});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kPermissionDenied) << none.error().message;
  auto in_url =
      cache_->Fetch({"http://x-access-token:secret@127.0.0.1:1/a.git", {"main"}, std::nullopt});
  ASSERT_FALSE(in_url);
  EXPECT_EQ(in_url.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RedactUrl("https://u:pw@h/x.git"), "https://h/x.git");
}

TEST_F(GitTest, MissingRefIsNotFound) {
  auto r = cache_->Fetch({sim_->clone_url("acme/app"), {"refs/pull/99/head"}, GitHubToken()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << r.error().message;
  EXPECT_EQ(cache_->OpenTree("file:///nowhere", "main", "").error().code, ErrorCode::kNotFound);
}

TEST_F(GitTest, ConcurrentFetchesOfOneRepositoryAreSafe) {
  std::string url = sim_->clone_url("acme/app");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto r = cache_->Fetch({url, {"refs/pull/1/head", "main"}, GitHubToken()});
      if (r && (*r)[0] == head_) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

TEST_F(GitTest, LocalFileUrl) {
  std::string url = "file://" + sim_->git_dir("acme/app");
  auto r = cache_->Fetch({url, {"feature", "main"}, std::nullopt});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0], head_);
  EXPECT_NE(cache_->MirrorPath(url), cache_->MirrorPath(sim_->clone_url("acme/app")));
}

}  // namespace
}  // namespace schemabot::git
