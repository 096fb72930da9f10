// The GitHub client against the forge simulator over real sockets.
#include <gtest/gtest.h>

#include "base/metrics.h"
#include "bot/forge/forge.h"
#include "tests/sim/forge_sim.h"

namespace schemabot::forge {
namespace {

using sim::ForgeSim;

class GitHubTest : public ::testing::Test {
 protected:
  void SetUp() override { Boot(ForgeSim::Options()); }

  void Boot(ForgeSim::Options options) {
    auto s = ForgeSim::Start(std::move(options));
    ASSERT_TRUE(s) << s.error().message;
    sim_ = std::move(*s);
    ASSERT_TRUE(sim_->CreateRepo("acme/app"));
    auto base = sim_->Commit(
        "acme/app", "main",
        {{"README.md", "hi\n"}, {"migrations/1_init.sql", "CREATE TABLE t (a int);\n"}});
    ASSERT_TRUE(base) << base.error().message;
    base_sha_ = *base;
  }

  std::unique_ptr<Forge> Client(GitHubOptions o = {}) {
    o.api_url = sim_->base_url();
    if (o.token.empty() && o.app_id.empty()) o.token = sim_->options().github_token;
    auto f = NewGitHubForge(o);
    EXPECT_TRUE(f) << f.error().message;
    return std::move(*f);
  }

  int64_t OpenPr(std::map<std::string, std::string> files) {
    auto head = sim_->Commit("acme/app", "feature", files, "add", "main");
    EXPECT_TRUE(head) << head.error().message;
    auto n = sim_->OpenPull("acme/app", "feature", "main");
    EXPECT_TRUE(n) << n.error().message;
    return *n;
  }

  std::unique_ptr<ForgeSim> sim_;
  std::string base_sha_;
};

TEST_F(GitHubTest, PullRequestAndChangedFilesAcrossPages) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 250; ++i)
    files["migrations/" + std::to_string(1000 + i) + ".sql"] = "SELECT 1;\n";
  files["README.md"] = "hello\nworld\n";
  int64_t n = OpenPr(files);
  auto f = Client();
  auto pr = f->GetPullRequest("acme/app", n);
  ASSERT_TRUE(pr) << pr.error().message;
  EXPECT_EQ(pr->head_ref, "feature");
  EXPECT_EQ(pr->base_sha, base_sha_);
  EXPECT_EQ(pr->head_sha.size(), 40u);
  EXPECT_FALSE(pr->from_fork);
  auto changed = f->ListChangedFiles("acme/app", n);
  ASSERT_TRUE(changed) << changed.error().message;
  ASSERT_EQ(changed->size(), 251u);
  EXPECT_EQ(sim_->RequestCount("/pulls/1/files"), 3);  // 100 + 100 + 51
  const ChangedFile& readme = changed->front();
  EXPECT_EQ(readme.path, "README.md");
  EXPECT_EQ(readme.status, FileStatus::kModified);
  EXPECT_EQ(ChangedLines(readme.patch), (std::set<int>{1, 2}));
  EXPECT_EQ(AddedLines(readme.patch), (std::set<int>{1, 2}));
  EXPECT_EQ(changed->back().status, FileStatus::kAdded);
}

TEST_F(GitHubTest, FileAtRef) {
  auto f = Client();
  auto got = f->GetFile("acme/app", "migrations/1_init.sql", base_sha_);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, "CREATE TABLE t (a int);\n");
  auto missing = f->GetFile("acme/app", "nope.sql", "main");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto no_repo = f->GetFile("acme/none", "x", "main");
  ASSERT_FALSE(no_repo);
  EXPECT_EQ(no_repo.error().code, ErrorCode::kNotFound);
}

TEST_F(GitHubTest, MarkerCommentFoundOnPageThreeAndUpdatedInPlace) {
  int64_t n = OpenPr({{"migrations/2.sql", "SELECT 2;\n"}});
  for (int i = 0; i < 230; ++i) sim_->AddComment("acme/app", n, "chatter " + std::to_string(i));
  auto f = Client();
  std::string marker = SummaryMarker("migrations");
  auto created = f->CreateComment("acme/app", n, "old summary\n" + marker);
  ASSERT_TRUE(created) << created.error().message;
  auto all = f->ListComments("acme/app", n);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 231u);
  EXPECT_EQ(sim_->RequestCount("/issues/1/comments"), 1 /*POST*/ + 3 /*pages*/);
  const Comment* found = FindCommentWithMarker(*all, marker);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->author, "schemabot[bot]");
  auto updated = f->UpdateComment("acme/app", n, found->id, "green\n" + marker);
  ASSERT_TRUE(updated) << updated.error().message;
  auto comments = sim_->Comments("acme/app", n);
  EXPECT_EQ(comments.size(), 231u);
  EXPECT_EQ(comments.back().body, "green\n" + marker);
  EXPECT_EQ(FindCommentWithMarker(*all, SummaryMarker("other")), nullptr);
}

TEST_F(GitHubTest, UpsertKeepsOneLivingCommentAndSplitsLongReports) {
  int64_t n = OpenPr({{"migrations/2.sql", "SELECT 2;\n"}});
  for (int i = 0; i < 70; ++i) sim_->AddComment("acme/app", n, "chatter");
  auto f = Client();
  std::string marker = SummaryMarker("migrations");
  ASSERT_TRUE(UpsertMarkedComment(*f, "acme/app", n, marker, "2 errors"));
  ASSERT_TRUE(UpsertMarkedComment(*f, "acme/app", n, marker, "no issues"));
  int posts = sim_->RequestCount("POST /repos/acme/app/issues/1/comments");
  ASSERT_TRUE(UpsertMarkedComment(*f, "acme/app", n, marker, "no issues"));  // unchanged: no write
  EXPECT_EQ(sim_->RequestCount("POST /repos/acme/app/issues/1/comments"), posts);
  EXPECT_EQ(sim_->RequestCount("PATCH /repos/acme/app/issues/comments/"), 1);
  auto comments = sim_->Comments("acme/app", n);
  ASSERT_EQ(comments.size(), 71u);
  EXPECT_EQ(comments.back().body, "no issues\n" + marker);

  // A report over 65 536 characters: split into parts, each under the limit, fences intact.
  std::string big = "```sql\n";
  for (int i = 0; i < 9000; ++i) big += "SELECT " + std::to_string(i) + ";\n";
  big += "```\n";
  ASSERT_TRUE(UpsertMarkedComment(*f, "acme/app", n, marker, big));
  comments = sim_->Comments("acme/app", n);
  ASSERT_EQ(comments.size(), 72u);  // the summary plus one more part
  for (const auto& c : comments) EXPECT_LE(c.body.size(), 65536u);
  EXPECT_NE(comments.back().body.find("<!-- schemabot:lint dir=migrations part=2 -->"),
            std::string::npos);
  // Short again: part 2 is retired, not left with stale findings.
  ASSERT_TRUE(UpsertMarkedComment(*f, "acme/app", n, marker, "no issues"));
  comments = sim_->Comments("acme/app", n);
  EXPECT_EQ(comments[70].body, "no issues\n" + marker);
  EXPECT_EQ(comments.back().body.find("SELECT"), std::string::npos);
}

TEST_F(GitHubTest, CommentLimitIsConflict) {
  int64_t n = OpenPr({{"migrations/2.sql", "SELECT 2;\n"}});
  auto f = Client();
  EXPECT_TRUE(f->CreateComment("acme/app", n, std::string(65536, 'x')));
  auto big = f->CreateComment("acme/app", n, std::string(65537, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::kConflict);
  EXPECT_NE(big.error().message.find("422"), std::string::npos) << big.error().message;
}

TEST_F(GitHubTest, ReviewCommentsOnDiffLinesAndNoDuplicates) {
  int64_t n = OpenPr({{"migrations/2.sql", "CREATE TABLE u (a int);\nDROP TABLE t;\n"}});
  auto f = Client();
  auto pr = f->GetPullRequest("acme/app", n);
  ASSERT_TRUE(pr);
  NewReviewComment c{
      .path = "migrations/2.sql", .line = 2, .body = "DS102", .commit_sha = pr->head_sha};
  // What a flow does: list, skip what is there, create the rest; twice.
  for (int run = 0; run < 2; ++run) {
    auto existing = f->ListReviewComments("acme/app", n);
    ASSERT_TRUE(existing) << existing.error().message;
    bool dup = false;
    for (const auto& e : *existing) dup |= e.path == c.path && e.line == c.line && e.body == c.body;
    if (!dup) {
      ASSERT_TRUE(f->CreateReviewComment("acme/app", n, c));
    }
  }
  auto stored = sim_->ReviewComments("acme/app", n);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].line, 2);
  EXPECT_EQ(stored[0].commit, pr->head_sha);
  c.line = 9;  // not in the diff
  auto off = f->CreateReviewComment("acme/app", n, c);
  ASSERT_FALSE(off);
  EXPECT_EQ(off.error().code, ErrorCode::kConflict);
}

TEST_F(GitHubTest, StatusPermissionReaction) {
  int64_t n = OpenPr({{"migrations/2.sql", "SELECT 2;\n"}});
  auto f = Client();
  auto pr = f->GetPullRequest("acme/app", n);
  ASSERT_TRUE(pr);
  ASSERT_TRUE(
      f->SetCommitStatus("acme/app", pr->head_sha,
                         CommitStatus{.state = CommitState::kFailure, .description = "2 errors"}));
  auto st = sim_->Statuses("acme/app", pr->head_sha);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].state, "failure");
  EXPECT_EQ(st[0].context, "schemabot/lint");
  auto bad = f->SetCommitStatus("acme/app", std::string(40, 'a'), CommitStatus{});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kConflict);

  sim_->SetPermission("acme/app", "bob", "maintain");
  sim_->SetPermission("acme/app", "carol", "triage");
  EXPECT_EQ(*f->GetPermission("acme/app", "bob"), Permission::kMaintain);
  EXPECT_EQ(*f->GetPermission("acme/app", "carol"), Permission::kTriage);
  EXPECT_EQ(*f->GetPermission("acme/app", "mallory"), Permission::kNone);

  int64_t cid = sim_->AddComment("acme/app", n, "/schemabot lint", "bob");
  ASSERT_TRUE(f->AddReaction("acme/app", n, cid, Reaction::kEyes));
  ASSERT_TRUE(f->AddReaction("acme/app", n, cid, Reaction::kEyes));  // 200: already there
  EXPECT_EQ(sim_->Comments("acme/app", n)[0].reactions, (std::set<std::string>{"eyes"}));
}

TEST_F(GitHubTest, BranchFileAndBumpPullRequest) {
  auto f = Client();
  auto main_sha = f->GetBranch("acme/app", "main");
  ASSERT_TRUE(main_sha) << main_sha.error().message;
  EXPECT_EQ(*main_sha, base_sha_);
  EXPECT_EQ(f->GetBranch("acme/app", "nope").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(f->CreateBranch("acme/app", "schemabot/app/staging", *main_sha));
  EXPECT_EQ(f->CreateBranch("acme/app", "schemabot/app/staging", *main_sha).error().code,
            ErrorCode::kConflict);
  auto c1 =
      f->PutFile("acme/app", "schemabot/app/staging", "envs/staging.yaml", "tag: a\n", "bump a");
  ASSERT_TRUE(c1) << c1.error().message;
  auto c2 =
      f->PutFile("acme/app", "schemabot/app/staging", "envs/staging.yaml", "tag: b\n", "bump b");
  ASSERT_TRUE(c2) << c2.error().message;
  EXPECT_NE(*c1, *c2);
  EXPECT_EQ(*f->GetFile("acme/app", "envs/staging.yaml", "schemabot/app/staging"), "tag: b\n");

  EXPECT_FALSE(*f->FindOpenPullRequest("acme/app", "schemabot/app/staging", "main"));
  auto pr = f->OpenPullRequest(
      "acme/app", {.head = "schemabot/app/staging", .base = "main", .title = "bump", .body = "b"});
  ASSERT_TRUE(pr) << pr.error().message;
  EXPECT_EQ(pr->head_sha, *c2);
  auto again = f->OpenPullRequest(
      "acme/app", {.head = "schemabot/app/staging", .base = "main", .title = "bump", .body = "b"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto found = f->FindOpenPullRequest("acme/app", "schemabot/app/staging", "main");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->number, pr->number);
  auto upd = f->UpdatePullRequest("acme/app", pr->number, "bump 2", "body 2");
  ASSERT_TRUE(upd);
  EXPECT_EQ(sim_->Pull("acme/app", pr->number)->title, "bump 2");
  ASSERT_TRUE(f->ResetBranch("acme/app", "schemabot/app/staging", *main_sha));
  EXPECT_EQ(*f->GetBranch("acme/app", "schemabot/app/staging"), *main_sha);
}

TEST_F(GitHubTest, CheckRunsNeedAnAppAndAnnotationsGoInBatchesOf50) {
  auto pat = Client();
  EXPECT_FALSE(pat->capabilities().check_runs);
  EXPECT_EQ(pat->CreateCheckRun("acme/app", CheckRun{}).error().code, ErrorCode::kInvalidArgument);

  sim::RsaKeyPair keys = sim::GenerateRsaKeyPair();
  ForgeSim::Options o;
  o.app_id = "4242";
  o.app_public_key_pem = keys.public_pem;
  o.installation_id = 77;
  Boot(o);
  GitHubOptions g{.app_id = "4242", .private_key_pem = keys.private_pem, .installation_id = 77};
  auto app = Client(g);
  EXPECT_TRUE(app->capabilities().check_runs);
  CheckRun run{.head_sha = base_sha_,
               .conclusion = CheckConclusion::kFailure,
               .title = "3 errors",
               .summary = "summary"};
  for (int i = 0; i < 120; ++i) {
    run.annotations.push_back(Annotation{.path = "migrations/1_init.sql",
                                         .start_line = i + 1,
                                         .end_line = i + 1,
                                         .message = "m" + std::to_string(i)});
  }
  auto id = app->CreateCheckRun("acme/app", run);
  ASSERT_TRUE(id) << id.error().message;
  auto runs = sim_->CheckRuns("acme/app");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, *id);
  EXPECT_EQ(runs[0].annotations.size(), 120u);
  EXPECT_EQ(runs[0].requests, 3);
  EXPECT_EQ(runs[0].conclusion, "failure");
  EXPECT_EQ(runs[0].annotations[119]["message"], "m119");
  EXPECT_EQ(sim_->TokensIssued(), 1);  // cached across the three requests
}

TEST_F(GitHubTest, AppJwtIsVerifiedAndTokensRefreshBeforeExpiry) {
  sim::RsaKeyPair keys = sim::GenerateRsaKeyPair();
  ForgeSim::Options o;
  o.app_id = "4242";
  o.app_public_key_pem = keys.public_pem;
  o.installation_id = 77;
  o.token_ttl = std::chrono::seconds(3600);
  Boot(o);
  auto offset = std::make_shared<std::chrono::seconds>(0);
  GitHubOptions g{.app_id = "4242", .private_key_pem = keys.private_pem, .installation_id = 77};
  g.now = [offset] { return std::chrono::system_clock::now() + *offset; };
  auto app = Client(g);
  ASSERT_TRUE(app->GetFile("acme/app", "README.md", "main"));
  ASSERT_TRUE(app->GetFile("acme/app", "README.md", "main"));
  EXPECT_EQ(sim_->TokensIssued(), 1);
  // 56 minutes later (by our clock) the token is within 5 minutes of expiry, so a new
  // JWT is made — with an iat 56 minutes in the host's future, which it refuses.
  *offset = std::chrono::seconds(56 * 60);
  auto late = app->GetFile("acme/app", "README.md", "main");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kPermissionDenied) << late.error().message;
  EXPECT_EQ(sim_->TokensIssued(), 1);

  // A key the App does not own: the JWT signature does not verify.
  sim::RsaKeyPair other = sim::GenerateRsaKeyPair();
  GitHubOptions bad{.app_id = "4242", .private_key_pem = other.private_pem, .installation_id = 77};
  auto wrong = Client(bad)->GetFile("acme/app", "README.md", "main");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(wrong.error().message.find("installation token"), std::string::npos);
  EXPECT_FALSE(NewGitHubForge({.app_id = "1", .private_key_pem = "junk", .installation_id = 1}));
}

TEST_F(GitHubTest, AppFindsEachRepositorysInstallation) {
  sim::RsaKeyPair keys = sim::GenerateRsaKeyPair();
  ForgeSim::Options o;
  o.app_id = "4242";
  o.app_public_key_pem = keys.public_pem;
  o.installation_id = 31;
  Boot(o);
  auto app = Client({.app_id = "4242", .private_key_pem = keys.private_pem});  // no installation id
  ASSERT_TRUE(app->GetFile("acme/app", "README.md", "main"));
  ASSERT_TRUE(app->GetFile("acme/app", "README.md", "main"));
  EXPECT_EQ(sim_->RequestCount("GET /repos/acme/app/installation"), 1);  // cached
  EXPECT_EQ(sim_->TokensIssued(), 1);
  EXPECT_EQ(app->GetFile("acme/none", "README.md", "main").error().code, ErrorCode::kNotFound);
}

TEST_F(GitHubTest, ExpiredInstallationTokenIsRefreshed) {
  sim::RsaKeyPair keys = sim::GenerateRsaKeyPair();
  ForgeSim::Options o;
  o.app_id = "9";
  o.app_public_key_pem = keys.public_pem;
  o.installation_id = 5;
  o.token_ttl = std::chrono::seconds(299);  // under the 5 min margin: refreshed on every use
  Boot(o);
  auto app = Client({.app_id = "9", .private_key_pem = keys.private_pem, .installation_id = 5});
  ASSERT_TRUE(app->GetFile("acme/app", "README.md", "main"));
  ASSERT_TRUE(app->GetFile("acme/app", "README.md", "main"));
  EXPECT_EQ(sim_->TokensIssued(), 2);
}

TEST_F(GitHubTest, BadTokenIsPermissionDenied) {
  auto f = Client({.token = "wrong"});
  auto r = f->GetFile("acme/app", "README.md", "main");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(GitHubTest, RetriesFiveHundredsThenSucceeds) {
  auto f = NewRetryingForge(Client(), {.sleep = [](std::chrono::milliseconds) {}});
  sim_->InjectFault({.path_contains = "/contents/README.md", .times = 2, .status = 500});
  auto r = f->GetFile("acme/app", "README.md", "main");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(sim_->RequestCount("/contents/README.md"), 3);
  // Three 500s exhaust the attempts.
  sim_->InjectFault({.path_contains = "/contents/README.md", .times = 3, .status = 502});
  auto gave_up = f->GetFile("acme/app", "README.md", "main");
  ASSERT_FALSE(gave_up);
  EXPECT_EQ(gave_up.error().code, ErrorCode::kUnavailable);
}

TEST_F(GitHubTest, CreatesAreNotRepeated) {
  int64_t n = OpenPr({{"migrations/2.sql", "SELECT 2;\n"}});
  auto f = NewRetryingForge(Client(), {.sleep = [](std::chrono::milliseconds) {}});
  sim_->InjectFault({.method = "POST", .path_contains = "/comments", .times = 1, .status = 500});
  auto r = f->CreateComment("acme/app", n, "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(sim_->RequestCount("POST /repos/acme/app/issues/1/comments"), 1);
}

TEST_F(GitHubTest, SecondaryRateLimitRetryAfterIsHonoured) {
  std::vector<std::chrono::milliseconds> waits;
  auto f = NewRetryingForge(Client(),
                            {.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d); }});
  sim_->InjectFault({.path_contains = "/contents/",
                     .times = 1,
                     .status = 403,
                     .retry_after = 2,
                     .body = R"({"message":"You have exceeded a secondary rate limit."})"});
  ASSERT_TRUE(f->GetFile("acme/app", "README.md", "main"));
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0], std::chrono::seconds(2));
  // Longer than max_wait: handed back at once with the hint for the queue.
  waits.clear();
  sim_->InjectFault({.path_contains = "/contents/", .times = 1, .status = 429, .retry_after = 120});
  auto r = f->GetFile("acme/app", "README.md", "main");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(r.error().retry_after_seconds);
  EXPECT_EQ(*r.error().retry_after_seconds, 120);
  EXPECT_TRUE(waits.empty());
}

TEST_F(GitHubTest, TimeoutIsUnavailable) {
  GitHubOptions o;
  o.http.timeout = std::chrono::milliseconds(300);
  auto f = Client(o);
  sim_->InjectFault({.path_contains = "/contents/",
                     .times = 1,
                     .status = 0,
                     .delay = std::chrono::milliseconds(1200)});
  auto r = f->GetFile("acme/app", "README.md", "main");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().message;
}

TEST_F(GitHubTest, MetricsCountCallsAndRateLimit) {
  auto f = NewMetricsForge(Client());
  double ok0 = metrics::Value("schemabot_forge_calls_total",
                              {{"forge", "github"}, {"method", "GetFile"}, {"outcome", "ok"}});
  ASSERT_TRUE(f->GetFile("acme/app", "README.md", "main"));
  EXPECT_FALSE(f->GetFile("acme/app", "nope", "main"));
  EXPECT_EQ(metrics::Value("schemabot_forge_calls_total",
                           {{"forge", "github"}, {"method", "GetFile"}, {"outcome", "ok"}}),
            ok0 + 1);
  EXPECT_GE(metrics::Value("schemabot_forge_calls_total",
                           {{"forge", "github"}, {"method", "GetFile"}, {"outcome", "not_found"}}),
            1);
  double remaining = metrics::Value("schemabot_forge_rate_limit_remaining", {{"forge", "github"}});
  EXPECT_GT(remaining, 0);
  EXPECT_LT(remaining, 5000);
  EXPECT_NE(metrics::Render().find("schemabot_forge_calls_total{"), std::string::npos);
}

}  // namespace
}  // namespace schemabot::forge
