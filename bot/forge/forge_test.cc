#include "bot/forge/forge.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/sim/forge_sim.h"

namespace schemabot::forge {
namespace {

TEST(ForgeTest, ChangedLinesFromPatch) {
  std::string patch =
      "@@ -1,3 +1,4 @@\n"
      " keep\n"
      "-gone\n"
      "+new1\n"
      "+new2\n"
      " keep2\n"
      "@@ -10,2 +11,2 @@ context\n"
      "-x\n"
      "+y\n"
      "\\ No newline at end of file\n";
  EXPECT_EQ(ChangedLines(patch), (std::set<int>{1, 2, 3, 4, 11}));
  EXPECT_EQ(AddedLines(patch), (std::set<int>{2, 3, 11}));
  EXPECT_TRUE(ChangedLines("").empty());
  EXPECT_TRUE(ChangedLines("@@ garbage\n+x\n").empty());
}

TEST(ForgeTest, MarkerAndFind) {
  EXPECT_EQ(SummaryMarker("db/migrations"), "<!-- schemabot:lint dir=db/migrations -->");
  std::vector<Comment> cs = {{1, "hello"}, {2, "x\n<!-- schemabot:lint dir=a -->"}};
  ASSERT_NE(FindCommentWithMarker(cs, SummaryMarker("a")), nullptr);
  EXPECT_EQ(FindCommentWithMarker(cs, SummaryMarker("a"))->id, 2);
  EXPECT_EQ(FindCommentWithMarker(cs, SummaryMarker("b")), nullptr);
}

size_t Count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(ForgeTest, SplitCommentKeepsCodeBlocksWhole) {
  EXPECT_EQ(SplitComment("short", 100), (std::vector<std::string>{"short"}));
  std::string md = "# Title\n\n";
  for (int i = 0; i < 40; ++i) md += "line " + std::to_string(i) + " of prose\n";
  md += "```sql\n";
  for (int i = 0; i < 60; ++i) md += "SELECT " + std::to_string(i) + ";\n";
  md += "```\n\ntail\n";
  auto parts = SplitComment(md, 300);
  ASSERT_GT(parts.size(), 3u);
  std::string joined;
  for (const auto& p : parts) {
    EXPECT_LE(p.size(), 300u);
    EXPECT_EQ(Count(p, "```") % 2, 0u) << p;  // every part has balanced fences
    joined += p;
  }
  // Nothing lost: every statement and line is there once.
  for (int i = 0; i < 60; ++i) EXPECT_EQ(Count(joined, "SELECT " + std::to_string(i) + ";\n"), 1u);
  EXPECT_EQ(Count(joined, "tail\n"), 1u);
  // A reopened fence carries its info string.
  bool reopened = false;
  for (size_t i = 1; i < parts.size(); ++i) reopened |= parts[i].rfind("```sql\n", 0) == 0;
  EXPECT_TRUE(reopened);
  // An overlong line is cut, not dropped.
  auto cut = SplitComment(std::string(1000, 'x'), 100);
  ASSERT_EQ(cut.size(), 10u);
  for (const auto& p : cut) EXPECT_EQ(p.size(), 100u);
}

TEST(ForgeTest, BuildFromConfig) {
  config::GitHubConfig gh;
  EXPECT_EQ(BuildGitHubForge(gh).error().code, ErrorCode::kInvalidArgument);
  gh.token = "t";
  auto pat = BuildGitHubForge(gh);
  ASSERT_TRUE(pat) << pat.error().message;
  EXPECT_EQ((*pat)->name(), "github");
  EXPECT_FALSE((*pat)->capabilities().check_runs);

  gh.app_id = 12;
  gh.private_key_file = "/nonexistent/key.pem";
  EXPECT_EQ(BuildGitHubForge(gh).error().code, ErrorCode::kInvalidArgument);
  std::string path =
      std::filesystem::temp_directory_path() / ("app-key-" + std::to_string(getpid()) + ".pem");
  std::ofstream(path) << sim::GenerateRsaKeyPair().private_pem;
  gh.private_key_file = path;
  auto app = BuildGitHubForge(gh);
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_TRUE((*app)->capabilities().check_runs);
  std::filesystem::remove(path);

  config::GitLabConfig gl;
  gl.url = "https://gitlab.example.com";
  EXPECT_FALSE(BuildGitLabForge(gl));
  gl.token = "x";
  auto g = BuildGitLabForge(gl);
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)->name(), "gitlab");
}

}  // namespace
}  // namespace schemabot::forge
