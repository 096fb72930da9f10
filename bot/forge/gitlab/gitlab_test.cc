// The GitLab client against the forge simulator over real sockets.
#include <gtest/gtest.h>

#include "bot/forge/forge.h"
#include "tests/sim/forge_sim.h"

namespace schemabot::forge {
namespace {

using sim::ForgeSim;

class GitLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ForgeSim::Start();
    ASSERT_TRUE(s) << s.error().message;
    sim_ = std::move(*s);
    ASSERT_TRUE(sim_->CreateRepo("group/sub/app"));
    auto base =
        sim_->Commit("group/sub/app", "main",
                     {{"README.md", "hi\n"}, {"db/1_init.sql", "CREATE TABLE t (a int);\n"}});
    ASSERT_TRUE(base) << base.error().message;
    base_sha_ = *base;
    auto f =
        NewGitLabForge({.url = sim_->gitlab_url() + "/", .token = sim_->options().gitlab_token});
    ASSERT_TRUE(f) << f.error().message;
    forge_ = std::move(*f);
  }

  int64_t OpenMr(std::map<std::string, std::string> files) {
    EXPECT_TRUE(sim_->Commit(repo_, "feature", files, "add", "main"));
    auto n = sim_->OpenPull(repo_, "feature", "main");
    EXPECT_TRUE(n) << n.error().message;
    return *n;
  }

  const std::string repo_ = "group/sub/app";
  std::unique_ptr<ForgeSim> sim_;
  std::unique_ptr<Forge> forge_;
  std::string base_sha_;
};

TEST_F(GitLabTest, MergeRequestDiffsAcrossPagesAndFiles) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 130; ++i) files["db/" + std::to_string(100 + i) + ".sql"] = "SELECT 1;\n";
  files["README.md"] = "";  // deleted
  int64_t n = OpenMr(files);
  auto mr = forge_->GetPullRequest(repo_, n);
  ASSERT_TRUE(mr) << mr.error().message;
  EXPECT_EQ(mr->state, "open");
  EXPECT_EQ(mr->base_sha, base_sha_);
  EXPECT_EQ(mr->start_sha, base_sha_);
  EXPECT_FALSE(mr->from_fork);
  auto changed = forge_->ListChangedFiles(repo_, n);
  ASSERT_TRUE(changed) << changed.error().message;
  ASSERT_EQ(changed->size(), 131u);
  EXPECT_EQ(sim_->RequestCount("/diffs"), 2);  // x-next-page followed
  EXPECT_EQ(changed->front().path, "README.md");
  EXPECT_EQ(changed->front().status, FileStatus::kRemoved);
  EXPECT_EQ(changed->back().status, FileStatus::kAdded);
  EXPECT_EQ(ChangedLines(changed->back().patch), (std::set<int>{1}));
  auto f = forge_->GetFile(repo_, "db/1_init.sql", base_sha_);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, "CREATE TABLE t (a int);\n");
  EXPECT_EQ(forge_->GetFile(repo_, "db/none.sql", "main").error().code, ErrorCode::kNotFound);
}

TEST_F(GitLabTest, NotesSkipSystemNotesAndMarkerIsFoundOnLaterPage) {
  int64_t n = OpenMr({{"db/2.sql", "SELECT 2;\n"}});
  for (int i = 0; i < 150; ++i) sim_->AddComment(repo_, n, "chatter " + std::to_string(i));
  std::string marker = SummaryMarker("db");
  auto created = forge_->CreateComment(repo_, n, "summary\n" + marker);
  ASSERT_TRUE(created) << created.error().message;
  auto all = forge_->ListComments(repo_, n);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->size(), 151u);               // the system note is left out
  EXPECT_EQ(all->front().body, "chatter 0");  // oldest first
  const Comment* c = FindCommentWithMarker(*all, marker);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->id, created->id);
  ASSERT_TRUE(forge_->UpdateComment(repo_, n, c->id, "green\n" + marker));
  EXPECT_EQ(sim_->Comments(repo_, n).back().body, "green\n" + marker);
  ASSERT_TRUE(forge_->AddReaction(repo_, n, c->id, Reaction::kEyes));
  ASSERT_TRUE(forge_->AddReaction(repo_, n, c->id, Reaction::kEyes));  // already awarded
}

TEST_F(GitLabTest, DiffDiscussionsWithPositions) {
  int64_t n = OpenMr({{"db/2.sql", "CREATE TABLE u (a int);\nDROP TABLE t;\n"}});
  auto mr = forge_->GetPullRequest(repo_, n);
  ASSERT_TRUE(mr);
  NewReviewComment c{.path = "db/2.sql", .line = 2, .body = "DS102", .commit_sha = mr->head_sha};
  auto posted = forge_->CreateReviewComment(repo_, n, c);
  ASSERT_TRUE(posted) << posted.error().message;
  auto listed = forge_->ListReviewComments(repo_, n);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].path, "db/2.sql");
  EXPECT_EQ((*listed)[0].line, 2);
  EXPECT_EQ((*listed)[0].id, posted->id);
  // Diff notes are not summary candidates.
  auto notes = forge_->ListComments(repo_, n);
  ASSERT_TRUE(notes);
  EXPECT_TRUE(notes->empty());
  c.line = 7;
  auto off = forge_->CreateReviewComment(repo_, n, c);
  ASSERT_FALSE(off);
  EXPECT_EQ(off.error().code, ErrorCode::kConflict) << off.error().message;
}

TEST_F(GitLabTest, StatusesPermissionsBranchesAndMergeRequests) {
  ASSERT_TRUE(forge_->SetCommitStatus(repo_, base_sha_, {.state = CommitState::kPending}));
  ASSERT_TRUE(
      forge_->SetCommitStatus(repo_, base_sha_, {.state = CommitState::kPending}));  // same state
  ASSERT_TRUE(forge_->SetCommitStatus(repo_, base_sha_,
                                      {.state = CommitState::kFailure, .description = "1 error"}));
  auto st = sim_->Statuses(repo_, base_sha_);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[1].state, "failed");
  EXPECT_EQ(st[1].context, "schemabot/lint");
  EXPECT_FALSE(forge_->capabilities().check_runs);
  EXPECT_EQ(forge_->CreateCheckRun(repo_, {}).error().code, ErrorCode::kInvalidArgument);

  sim_->SetPermission(repo_, "dev", "write");
  sim_->SetPermission(repo_, "owner", "admin");
  EXPECT_EQ(*forge_->GetPermission(repo_, "dev"), Permission::kWrite);
  EXPECT_EQ(*forge_->GetPermission(repo_, "owner"), Permission::kAdmin);
  EXPECT_EQ(*forge_->GetPermission(repo_, "stranger"), Permission::kNone);

  ASSERT_TRUE(forge_->CreateBranch(repo_, "schemabot/app/prod", base_sha_));
  EXPECT_EQ(forge_->CreateBranch(repo_, "schemabot/app/prod", base_sha_).error().code,
            ErrorCode::kConflict);
  auto c1 = forge_->PutFile(repo_, "schemabot/app/prod", "envs/prod.yaml", "tag: a\n", "bump");
  ASSERT_TRUE(c1) << c1.error().message;
  auto c2 = forge_->PutFile(repo_, "schemabot/app/prod", "envs/prod.yaml", "tag: b\n", "bump");
  ASSERT_TRUE(c2) << c2.error().message;
  EXPECT_EQ(*forge_->GetBranch(repo_, "schemabot/app/prod"), *c2);
  EXPECT_EQ(*forge_->GetFile(repo_, "envs/prod.yaml", "schemabot/app/prod"), "tag: b\n");
  auto mr = forge_->OpenPullRequest(
      repo_, {.head = "schemabot/app/prod", .base = "main", .title = "bump"});
  ASSERT_TRUE(mr) << mr.error().message;
  EXPECT_EQ(
      forge_
          ->OpenPullRequest(repo_, {.head = "schemabot/app/prod", .base = "main", .title = "bump"})
          .error()
          .code,
      ErrorCode::kConflict);
  auto found = forge_->FindOpenPullRequest(repo_, "schemabot/app/prod", "main");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->number, mr->number);
  ASSERT_TRUE(forge_->UpdatePullRequest(repo_, mr->number, "bump 2", "d"));
  EXPECT_EQ(sim_->Pull(repo_, mr->number)->title, "bump 2");
  ASSERT_TRUE(forge_->ResetBranch(repo_, "schemabot/app/prod", base_sha_));
  EXPECT_EQ(*forge_->GetBranch(repo_, "schemabot/app/prod"), base_sha_);
}

TEST_F(GitLabTest, BadTokenAndRateLimit) {
  auto bad = NewGitLabForge({.url = sim_->gitlab_url(), .token = "nope"});
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)->GetFile(repo_, "README.md", "main").error().code, ErrorCode::kPermissionDenied);
  sim_->InjectFault(
      {.path_contains = "/repository/files/", .times = 1, .status = 429, .retry_after = 7});
  auto limited = forge_->GetFile(repo_, "README.md", "main");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(limited.error().retry_after_seconds, 7);
  ASSERT_TRUE(forge_->GetFile(repo_, "README.md", "main"));
  EXPECT_GT(forge_->last_rate_limit().remaining, 0);  // from RateLimit-Remaining
}

}  // namespace
}  // namespace schemabot::forge
