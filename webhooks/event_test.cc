#include "webhooks/event.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace schemabot::webhooks {
namespace {

std::string Fixture(const std::string& rel) {
  std::ifstream in(std::string(SCHEMABOT_SHARED_DIR) + "/fixtures/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// GitHub fixtures are named <event>.<variant>.json; GitLab ones by their hook.
std::string GitHubEventName(const std::string& file) { return file.substr(0, file.find('.')); }
std::string GitLabEventName(const std::string& file) {
  if (file.starts_with("merge_request")) return "Merge Request Hook";
  if (file.starts_with("note")) return "Note Hook";
  if (file.starts_with("push")) return "Push Hook";
  if (file.starts_with("pipeline")) return "Pipeline Hook";
  return "";
}

TEST(Event, EveryFixtureParses) {
  int count = 0;
  for (const char* host : {"github", "gitlab"}) {
    auto dir = std::filesystem::path(SCHEMABOT_SHARED_DIR) / "fixtures" / host;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".json") continue;
      std::string body = Fixture(std::string(host) + "/" + name);
      auto ev = std::string(host) == "github" ? ParseGitHubEvent(GitHubEventName(name), body)
                                              : ParseGitLabEvent(GitLabEventName(name), body);
      ASSERT_TRUE(ev) << name << ": " << ev.error().message;
      if (!name.starts_with("check_") && !name.starts_with("pipeline") &&
          !(name.starts_with("issue_comment") && name.find("pull-request") == std::string::npos)) {
        EXPECT_NE(ev->kind, EventKind::kOther) << name << ": " << ev->ignored_reason;
      }
      // The job payload round-trips.
      auto back = EventFromJson(EventToJson(*ev));
      ASSERT_TRUE(back) << name;
      EXPECT_EQ(EventToJson(*back), EventToJson(*ev)) << name;
      ++count;
    }
  }
  EXPECT_GE(count, 27);
}

TEST(Event, GitHubPullRequestSynchronize) {
  auto ev = ParseGitHubEvent("pull_request", Fixture("github/pull_request.synchronize.json"));
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->kind, EventKind::kPullRequest);
  EXPECT_EQ(ev->pr_action, PrAction::kUpdated);
  EXPECT_EQ(ev->repo, "Codertocat/Hello-World");
  EXPECT_EQ(ev->pr_number, 2);
  EXPECT_EQ(ev->before, "f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
  EXPECT_EQ(ev->head_sha, "ec26c3e57ca3a959ca5aad62de7213c562f8c821");
}

TEST(Event, GitHubClosedIsMergedOnlyWithMergedTrue) {
  auto closed = ParseGitHubEvent("pull_request", Fixture("github/pull_request.closed.json"));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->pr_action, PrAction::kClosed);
  EXPECT_EQ(closed->merge_sha, "");
  auto merged =
      ParseGitHubEvent("pull_request", Fixture("github/pull_request.closed.merged.DERIVED.json"));
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->pr_action, PrAction::kMerged);
  EXPECT_EQ(merged->merge_sha, "c4295bd74fb0f4fda03689c3df3f2803b658fd85");
}

TEST(Event, GitHubCommentOnPullRequestOnly) {
  auto pr = ParseGitHubEvent("issue_comment",
                             Fixture("github/issue_comment.created.on-pull-request.json"));
  ASSERT_TRUE(pr);
  EXPECT_EQ(pr->kind, EventKind::kComment);
  EXPECT_EQ(pr->pr_number, 3);
  EXPECT_EQ(pr->comment_id, 546616131);
  EXPECT_EQ(pr->comment_author, "chhsia0");
  EXPECT_EQ(pr->comment_body, "/build");
  auto issue = ParseGitHubEvent("issue_comment", Fixture("github/issue_comment.created.json"));
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->kind, EventKind::kOther);
}

TEST(Event, GitHubPushAndTagDeletion) {
  auto del = ParseGitHubEvent("push", Fixture("github/push.tag-deleted.json"));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->kind, EventKind::kPush);
  EXPECT_TRUE(del->deleted);
  EXPECT_EQ(del->after, std::string(40, '0'));
}

TEST(Event, GitLabMergeRequestWithTrailingSpaceKeys) {
  auto ev =
      ParseGitLabEvent("Merge Request Hook", Fixture("gitlab/merge_request.merge.go-gitlab.json"));
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->pr_action, PrAction::kMerged);
  EXPECT_GT(ev->pr_number, 0);
  EXPECT_FALSE(ev->base_ref.empty());
}

TEST(Event, GitLabUpdateWithOldrevIsNewCode) {
  auto ev = ParseGitLabEvent("Merge Request Hook",
                             Fixture("gitlab/merge_request.update-with-oldrev.go-gitlab.json"));
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->pr_action, PrAction::kUpdated);
  EXPECT_EQ(ev->repo, "test/woodpecker");
  EXPECT_EQ(ev->pr_number, 2);
  EXPECT_EQ(ev->before, "6ef047571374c96a2bf13c361efd1fb008b0063e");
  EXPECT_EQ(ev->head_sha, "0ab96a10266b95b4b533dcfd98738015fbe70889");
}

TEST(Event, GitLabNoteOnMergeRequest) {
  auto ev = ParseGitLabEvent("Note Hook", Fixture("gitlab/note_merge_request.go-gitlab.json"));
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->kind, EventKind::kComment);
  EXPECT_EQ(ev->pr_number, 1);
  EXPECT_EQ(ev->comment_id, 1244);
  EXPECT_EQ(ev->comment_author, "root");
}

TEST(Event, GitHook) {
  auto ev = ParseGitHookEvent(
      R"({"event":"push","repo":"team/app","ref":"refs/heads/main","before":"a","after":"b","pusher":"ann"})");
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->kind, EventKind::kPush);
  EXPECT_EQ(ev->repo, "team/app");
  EXPECT_EQ(ev->sender, "ann");
  EXPECT_FALSE(ParseGitHookEvent(R"({"event":"push"})"));
}

TEST(Event, BadBodiesAreErrorsNotCrashes) {
  for (const char* body : {"", "{", "[]", "null", "{\"pull_request\": 3}", "\xff\xfe",
                           "{\"pull_request\":{\"number\":\"x\"}}"}) {
    EXPECT_FALSE(ParseGitHubEvent("pull_request", body)) << body;
  }
  EXPECT_FALSE(ParseGitLabEvent("Merge Request Hook", "{\"object_attributes\":[]}"));
  auto unknown = ParseGitHubEvent("star", "{}");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->kind, EventKind::kOther);
}

}  // namespace
}  // namespace schemabot::webhooks
