// Scenario tests of the PR lint flow: a fixture webhook in (the real GitHub / GitLab
// payloads adjusted to the simulator's repositories), through the receivers, the durable
// queue and the flow, against the forge simulator over HTTP, git over smart HTTP and a real
// PostgreSQL dev-database pool; the simulator's recorded state out, compared with golden
// comment bodies (bot/flows/testdata; SCHEMABOT_UPDATE_GOLDEN=1 rewrites them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "engine/sum/sum.h"
#include "tests/sim/bot_harness.h"

namespace schemabot::flows {
namespace {

namespace fs = std::filesystem;
using sim::BotHarness;
using sim::ForgeSim;
using Json = nlohmann::json;

constexpr const char* kRepo = "acme/app";
constexpr const char* kInit =
    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id),\n"
    "  total numeric);\n";
constexpr const char* kRisky =
    "-- The PR's migration: one destructive change, one that fails on data.\n"
    "DROP TABLE orders;\n"
    "ALTER TABLE users ADD COLUMN age int NOT NULL;\n";
constexpr const char* kFixed =
    "-- The PR's migration, reviewed.\n"
    "ALTER TABLE users ADD COLUMN age int;\n";

std::string SumOf(const std::map<std::string, std::string>& files) {
  std::vector<sum::NamedContent> named;
  for (const auto& [name, content] : files) named.push_back({name, content});
  return sum::FormatSum(sum::ComputeSum(named));
}

// Commits on `branch` the migration files (name -> content) under migrations/ together with
// their atlas.sum, plus `extra` files at the root.
std::map<std::string, std::string> WithSum(const std::map<std::string, std::string>& migrations,
                                           std::map<std::string, std::string> extra = {}) {
  for (const auto& [name, content] : migrations) extra["migrations/" + name] = content;
  extra["migrations/atlas.sum"] = SumOf(migrations);
  return extra;
}

std::string GoldenPath(const std::string& name) {
  return std::string(SCHEMABOT_SOURCE_DIR) + "/bot/flows/testdata/" + name;
}

std::string ReadGolden(const std::string& name) {
  std::ifstream in(GoldenPath(name), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The golden `name`, first rewritten with `actual` when SCHEMABOT_UPDATE_GOLDEN=1.
std::string Golden(const std::string& name, const std::string& actual) {
  if (const char* u = std::getenv("SCHEMABOT_UPDATE_GOLDEN"); u && *u == '1') {
    fs::create_directories(fs::path(GoldenPath(name)).parent_path());
    std::ofstream(GoldenPath(name), std::ios::binary) << actual;
  }
  return ReadGolden(name);
}

// Bodies name the head commit; goldens say HEAD.
std::string Normalize(std::string body, const std::string& head) {
  for (size_t at; (at = body.find(head.substr(0, 12))) != std::string::npos;) {
    body.replace(at, 12, "HEAD");
  }
  return body;
}

class LintPrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* pg = std::getenv("SCHEMABOT_TEST_PG_URL");
    if (!pg || !*pg) {
      if (const char* r = std::getenv("SCHEMABOT_REQUIRE_DBS"); r && *r == '1') {
        FAIL() << "SCHEMABOT_TEST_PG_URL is not set (scripts/test-dbs start)";
      }
      GTEST_SKIP() << "SCHEMABOT_TEST_PG_URL not set: no dev database (scripts/test-dbs start)";
    }
    pg_url_ = pg;
  }

  void StartSim(ForgeSim::Options options = {}) {
    auto s = ForgeSim::Start(options);
    ASSERT_TRUE(s) << s.error().message;
    sim_ = std::move(*s);
    ASSERT_TRUE(sim_->CreateRepo(kRepo));
    auto base = sim_->Commit(kRepo, "main",
                             WithSum({{"1_init.sql", kInit}}, {{"README.md", "app\n"}}), "init");
    ASSERT_TRUE(base) << base.error().message;
  }

  void StartBot(sim::BotOptions options = {}) {
    options.pg_admin_url = pg_url_;
    auto b = BotHarness::Start(*sim_, options);
    ASSERT_TRUE(b) << b.error().message;
    bot_ = std::move(*b);
  }

  // Opens PR 1 from `feature` adding 2_risky.sql.
  int64_t OpenRiskyPull() {
    auto head =
        sim_->Commit(kRepo, "feature", WithSum({{"1_init.sql", kInit}, {"2_risky.sql", kRisky}}),
                     "risky", "main");
    EXPECT_TRUE(head) << head.error().message;
    auto n = sim_->OpenPull(kRepo, "feature", "main", "Add age, drop orders");
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : 0;
  }

  void Deliver(const std::string& action, const std::string& delivery, int64_t number) {
    EXPECT_EQ(bot_->SendGitHub("pull_request", delivery,
                               sim::GitHubPullRequestPayload(*sim_, kRepo, number, action)),
              200);
    ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(90))) << "jobs did not finish";
  }

  void ExpectJobsDone() {
    for (const auto& j : bot_->Jobs()) {
      EXPECT_EQ(j.state, queue::JobState::kDone) << j.kind << " " << j.key << ": " << j.last_error;
    }
  }

  std::string Head(int64_t number) { return sim_->Pull(kRepo, number)->head_sha; }

  std::string pg_url_;
  std::unique_ptr<ForgeSim> sim_;
  std::unique_ptr<BotHarness> bot_;
};

TEST_F(LintPrTest, GitHubPullRequestGetsSummaryInlineCommentsAndStatus) {
  StartSim();
  StartBot();
  int64_t n = OpenRiskyPull();
  Deliver("opened", "gh-1", n);
  ExpectJobsDone();
  std::string head = Head(n);

  auto comments = sim_->Comments(kRepo, n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].user, sim_->options().bot_user);
  std::string summary = Normalize(comments[0].body, head);
  EXPECT_EQ(summary, Golden("github_summary.md", summary));
  EXPECT_NE(summary.find("<!-- schemabot:lint dir=migrations -->"), std::string::npos);

  auto inline_comments = sim_->ReviewComments(kRepo, n);
  ASSERT_EQ(inline_comments.size(), 2u);
  EXPECT_EQ(inline_comments[0].path, "migrations/2_risky.sql");
  EXPECT_EQ(inline_comments[0].line, 2);
  EXPECT_EQ(inline_comments[0].commit, head);
  EXPECT_EQ(Normalize(inline_comments[0].body, head),
            Golden("github_inline_ds102.md", inline_comments[0].body));
  EXPECT_EQ(inline_comments[1].line, 3);
  EXPECT_NE(inline_comments[1].body.find("MF103"), std::string::npos);

  auto statuses = sim_->Statuses(kRepo, head);
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.back().context, "schemabot/lint");
  EXPECT_EQ(statuses.back().state, "failure");
  EXPECT_EQ(statuses.back().description, "1 error, 1 warning in migrations");

  // The same event again (a redelivery under a new id): nothing new appears.
  Deliver("synchronize", "gh-2", n);
  ExpectJobsDone();
  EXPECT_EQ(sim_->Comments(kRepo, n).size(), 1u);
  EXPECT_EQ(sim_->ReviewComments(kRepo, n).size(), 2u);

  // A fix is pushed: the summary is edited to green in place, the status follows the head.
  ASSERT_TRUE(sim_->Commit(kRepo, "feature",
                           WithSum({{"1_init.sql", kInit}, {"2_risky.sql", kFixed}}), "fix"));
  Deliver("synchronize", "gh-3", n);
  ExpectJobsDone();
  std::string fixed_head = Head(n);
  ASSERT_NE(fixed_head, head);
  comments = sim_->Comments(kRepo, n);
  ASSERT_EQ(comments.size(), 1u);
  std::string green = Normalize(comments[0].body, fixed_head);
  EXPECT_EQ(green, Golden("github_summary_green.md", green));
  EXPECT_EQ(sim_->Statuses(kRepo, fixed_head).back().state, "success");
  EXPECT_EQ(sim_->ReviewComments(kRepo, n).size(), 2u);  // old ones stay, none added
}

TEST_F(LintPrTest, PullRequestWithoutMigrationsCostsOneChangedFilesCall) {
  StartSim();
  StartBot();
  ASSERT_TRUE(sim_->Commit(kRepo, "docs", {{"README.md", "app, documented\n"}}, "docs", "main"));
  auto n = sim_->OpenPull(kRepo, "docs", "main", "Docs");
  ASSERT_TRUE(n);
  int before = sim_->RequestCount("");
  Deliver("opened", "gh-docs", *n);
  ExpectJobsDone();
  auto log = sim_->RequestLog();
  std::vector<std::string> calls(log.begin() + before, log.end());
  ASSERT_EQ(calls.size(), 1u) << ::testing::PrintToString(calls);
  EXPECT_NE(calls[0].find("/pulls/" + std::to_string(*n) + "/files"), std::string::npos);
  EXPECT_TRUE(sim_->Comments(kRepo, *n).empty());
}

TEST_F(LintPrTest, RulesComeFromTheBaseBranch) {
  StartSim();
  StartBot();
  // The PR tries to turn the destructive check off in its own .schemabot.yaml.
  auto head = sim_->Commit(
      kRepo, "sneaky",
      WithSum({{"1_init.sql", kInit}, {"2_drop.sql", "DROP TABLE orders;\n"}},
              {{".schemabot.yaml",
                "version: 1\ndirs:\n  - path: migrations\n    lint: {destructive: ignore}\n"}}),
      "sneaky", "main");
  ASSERT_TRUE(head);
  auto n = sim_->OpenPull(kRepo, "sneaky", "main");
  ASSERT_TRUE(n);
  Deliver("opened", "gh-sneaky", *n);
  ExpectJobsDone();
  auto comments = sim_->Comments(kRepo, *n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("DS102"), std::string::npos) << comments[0].body;
  EXPECT_EQ(sim_->Statuses(kRepo, *head).back().state, "failure");
}

TEST_F(LintPrTest, EditedAndDeletedMergedFilesAreIntegrityFindings) {
  StartSim();
  ASSERT_TRUE(sim_->Commit(
      kRepo, "main", WithSum({{"1_init.sql", kInit}, {"2_more.sql", "CREATE TABLE t (a int);\n"}}),
      "more"));
  StartBot();
  // The PR rewrites a merged migration and deletes another one.
  auto head = sim_->Commit(kRepo, "rewrite",
                           WithSum({{"1_init.sql", std::string(kInit) + "-- edited\n"}},
                                   {{"migrations/2_more.sql", ""}}),
                           "rewrite", "main");
  ASSERT_TRUE(head);
  auto n = sim_->OpenPull(kRepo, "rewrite", "main");
  ASSERT_TRUE(n);
  Deliver("opened", "sb-1", *n);
  ExpectJobsDone();
  auto comments = sim_->Comments(kRepo, *n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("SB102"), std::string::npos) << comments[0].body;
  EXPECT_NE(comments[0].body.find("SB103"), std::string::npos) << comments[0].body;
  EXPECT_EQ(sim_->Statuses(kRepo, *head).back().state, "failure");
}

TEST_F(LintPrTest, RepositoryTurnedOffInItsConfigIsLeftAlone) {
  StartSim();
  StartBot();
  ASSERT_TRUE(
      sim_->Commit(kRepo, "main", {{".schemabot.yaml", "version: 1\nenabled: false\n"}}, "off"));
  int64_t n = OpenRiskyPull();
  Deliver("opened", "off-1", n);
  ExpectJobsDone();
  EXPECT_TRUE(sim_->Comments(kRepo, n).empty());
  EXPECT_TRUE(sim_->ReviewComments(kRepo, n).empty());
  EXPECT_TRUE(sim_->Statuses(kRepo, Head(n)).empty());
}

TEST_F(LintPrTest, ResultForAnOlderHeadIsNeverPosted) {
  StartSim();
  StartBot();
  int64_t n = OpenRiskyPull();
  std::string old_head = Head(n);
  // Hold the first fetch's pack while a newer commit lands on the PR branch.
  sim_->InjectFault({.method = "POST",
                     .path_contains = "git-upload-pack",
                     .times = 1,
                     .status = 0,
                     .delay = std::chrono::milliseconds(2000)});
  ASSERT_EQ(bot_->SendGitHub("pull_request", "race-1",
                             sim::GitHubPullRequestPayload(*sim_, kRepo, n, "opened")),
            200);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (sim_->RequestCount("POST /git/acme/app.git/git-upload-pack") == 0 &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto newer = sim_->Commit(kRepo, "feature",
                            WithSum({{"1_init.sql", kInit}, {"2_risky.sql", kFixed}}), "newer");
  ASSERT_TRUE(newer);
  ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(60)));
  // The first run linted the old head and found the PR had moved: nothing was posted.
  EXPECT_TRUE(sim_->Comments(kRepo, n).empty());
  EXPECT_TRUE(sim_->ReviewComments(kRepo, n).empty());
  for (const auto& st : sim_->Statuses(kRepo, old_head)) EXPECT_EQ(st.state, "pending");

  Deliver("synchronize", "race-2", n);
  ExpectJobsDone();
  auto comments = sim_->Comments(kRepo, n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find(newer->substr(0, 12)), std::string::npos);
  EXPECT_NE(comments[0].body.find("✅ no findings"), std::string::npos);
  EXPECT_EQ(sim_->Statuses(kRepo, *newer).back().state, "success");
}

TEST_F(LintPrTest, ForkPullRequestRunsAsTheRestrictedRoleAndNeverTouchesTheFork) {
  StartSim();
  StartBot();
  std::string marker =
      (fs::temp_directory_path() / ("schemabot-pwned-" + std::to_string(getpid()))).string();
  std::string evil = "COPY (SELECT 1) TO PROGRAM 'touch " + marker + "';\n";
  ASSERT_TRUE(sim_->Commit(kRepo, "fork-branch",
                           WithSum({{"1_init.sql", kInit}, {"2_evil.sql", evil}}), "evil", "main"));
  auto n = sim_->OpenPull(kRepo, "fork-branch", "main", "Totally harmless", "mallory");
  ASSERT_TRUE(n);
  auto payload = Json::parse(sim::GitHubPullRequestPayload(*sim_, kRepo, *n, "opened"));
  payload["pull_request"]["head"]["repo"]["full_name"] = "mallory/app";
  payload["pull_request"]["head"]["repo"]["fork"] = true;
  payload["pull_request"]["head"]["repo"]["clone_url"] = "https://example.invalid/mallory/app.git";
  ASSERT_EQ(bot_->SendGitHub("pull_request", "fork-1", payload.dump()), 200);
  ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(60)));
  ExpectJobsDone();
  EXPECT_FALSE(fs::exists(marker)) << "the fork's migration ran a program on the server";
  auto comments = sim_->Comments(kRepo, *n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("SB106"), std::string::npos) << comments[0].body;
  for (const auto& line : sim_->RequestLog())
    EXPECT_EQ(line.find("mallory"), std::string::npos) << line;
}

TEST_F(LintPrTest, GitHubAppReportsCheckRunWithAnnotations) {
  sim::RsaKeyPair key = sim::GenerateRsaKeyPair();
  ForgeSim::Options so;
  so.app_id = "4242";
  so.app_public_key_pem = key.public_pem;
  so.installation_id = 77;
  StartSim(so);
  sim::BotOptions bo;
  bo.github_app = true;
  bo.app_private_key_pem = key.private_pem;
  StartBot(bo);
  int64_t n = OpenRiskyPull();
  Deliver("opened", "app-1", n);
  ExpectJobsDone();
  auto runs = sim_->CheckRuns(kRepo);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].name, "schemabot/lint");
  EXPECT_EQ(runs[0].head_sha, Head(n));
  EXPECT_EQ(runs[0].conclusion, "failure");
  EXPECT_EQ(runs[0].title, "1 error, 1 warning in migrations");
  ASSERT_EQ(runs[0].annotations.size(), 2u);
  EXPECT_EQ(runs[0].annotations[0]["path"], "migrations/2_risky.sql");
  EXPECT_EQ(runs[0].annotations[0]["start_line"], 2);
  EXPECT_EQ(runs[0].annotations[0]["annotation_level"], "failure");
  EXPECT_EQ(runs[0].annotations[1]["annotation_level"], "warning");
  EXPECT_EQ(sim_->Comments(kRepo, n).size(), 1u);
  EXPECT_TRUE(sim_->Statuses(kRepo, Head(n)).empty());  // the check run replaces the status
}

TEST_F(LintPrTest, GitLabMergeRequestGetsNoteDiscussionsAndStatus) {
  StartSim();
  StartBot();
  int64_t n = OpenRiskyPull();
  ASSERT_EQ(bot_->SendGitLab("Merge Request Hook", "gl-1",
                             sim::GitLabMergeRequestPayload(*sim_, kRepo, n, "open")),
            200);
  ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(90)));
  ExpectJobsDone();
  std::string head = Head(n);
  auto notes = sim_->Comments(kRepo, n);
  ASSERT_EQ(notes.size(), 1u);
  std::string summary = Normalize(notes[0].body, head);
  EXPECT_EQ(summary, Golden("gitlab_summary.md", summary));
  auto discussions = sim_->ReviewComments(kRepo, n);
  ASSERT_EQ(discussions.size(), 2u);
  EXPECT_EQ(discussions[0].line, 2);
  auto statuses = sim_->Statuses(kRepo, head);
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.back().state, "failed");
  EXPECT_EQ(statuses.back().context, "schemabot/lint");

  // An update with oldrev and a new commit: the note is edited in place.
  ASSERT_TRUE(sim_->Commit(kRepo, "feature",
                           WithSum({{"1_init.sql", kInit}, {"2_risky.sql", kFixed}}), "fix"));
  ASSERT_EQ(bot_->SendGitLab("Merge Request Hook", "gl-2",
                             sim::GitLabMergeRequestPayload(*sim_, kRepo, n, "update", head)),
            200);
  ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(90)));
  ExpectJobsDone();
  notes = sim_->Comments(kRepo, n);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].body.find("✅ no findings"), std::string::npos) << notes[0].body;
  EXPECT_EQ(sim_->Statuses(kRepo, Head(n)).back().state, "success");
}

TEST_F(LintPrTest, FaultsRetryToTheSameEndState) {
  StartSim();
  sim::BotOptions bo;
  bo.http_timeout = std::chrono::milliseconds(800);
  StartBot(bo);
  int64_t n = OpenRiskyPull();
  // A 500 on the first comment post (not retried by the client: creates are not
  // idempotent), a secondary rate limit on the review comment listing, and a status call
  // that times out after the host has applied it.
  sim_->InjectFault({.method = "POST", .path_contains = "/issues/1/comments", .times = 1});
  sim_->InjectFault({.method = "GET",
                     .path_contains = "/pulls/1/comments",
                     .times = 1,
                     .status = 403,
                     .retry_after = 1,
                     .body = R"({"message":"You have exceeded a secondary rate limit."})"});
  sim_->InjectFault({.method = "POST",
                     .path_contains = "/statuses/",
                     .times = 1,
                     .status = 0,
                     .delay = std::chrono::milliseconds(1500)});
  Deliver("opened", "fault-1", n);
  ExpectJobsDone();
  auto comments = sim_->Comments(kRepo, n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(Normalize(comments[0].body, Head(n)), ReadGolden("github_summary.md"));
  EXPECT_EQ(sim_->ReviewComments(kRepo, n).size(), 2u);
  EXPECT_EQ(sim_->Statuses(kRepo, Head(n)).back().state, "failure");
  EXPECT_GE(sim_->RequestCount("POST /repos/acme/app/issues/1/comments"), 2);
}

TEST_F(LintPrTest, InlineCommentsAreCappedAndCountedInTheSummary) {
  StartSim();
  sim::BotOptions bo;
  bo.flow.max_inline = 1;
  StartBot(bo);
  int64_t n = OpenRiskyPull();
  Deliver("opened", "cap-1", n);
  ExpectJobsDone();
  EXPECT_EQ(sim_->ReviewComments(kRepo, n).size(), 1u);
  auto comments = sim_->Comments(kRepo, n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("1 more finding on changed lines is listed here but not posted "
                                  "inline (at most 1 inline comments per run)"),
            std::string::npos)
      << comments[0].body;
}

TEST_F(LintPrTest, MergeGroupGetsTheCheckOnTheQueueCommit) {
  StartSim();
  StartBot();
  std::string base = sim_->Pull(kRepo, OpenRiskyPull())->base_sha;
  // GitHub builds the queue branch: the PR merged onto the base.
  std::string queue_ref = "gh-readonly-queue/main/pr-1-" + base;
  auto head = sim_->Commit(
      kRepo, queue_ref, WithSum({{"1_init.sql", kInit}, {"2_risky.sql", kRisky}}), "queue", "main");
  ASSERT_TRUE(head);
  ASSERT_EQ(bot_->SendGitHub("merge_group", "mg-1",
                             sim::GitHubMergeGroupPayload(*sim_, kRepo, "refs/heads/" + queue_ref,
                                                          *head, "refs/heads/main", base)),
            200);
  ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(90)));
  ExpectJobsDone();
  auto statuses = sim_->Statuses(kRepo, *head);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].state, "failure");
  EXPECT_EQ(statuses[0].description, "1 error, 1 warning in migrations");

  // A queue commit without migration changes still gets its (green) check.
  auto plain = sim_->Commit(kRepo, queue_ref + "-2", {{"README.md", "docs\n"}}, "queue", "main");
  ASSERT_TRUE(plain);
  ASSERT_EQ(
      bot_->SendGitHub("merge_group", "mg-2",
                       sim::GitHubMergeGroupPayload(*sim_, kRepo, "refs/heads/" + queue_ref + "-2",
                                                    *plain, "refs/heads/main", base)),
      200);
  ASSERT_TRUE(bot_->WaitIdle(std::chrono::seconds(90)));
  ExpectJobsDone();
  ASSERT_EQ(sim_->Statuses(kRepo, *plain).size(), 1u);
  EXPECT_EQ(sim_->Statuses(kRepo, *plain)[0].state, "success");
  EXPECT_EQ(sim_->Statuses(kRepo, *plain)[0].description, "no migration changes");
}

}  // namespace
}  // namespace schemabot::flows
