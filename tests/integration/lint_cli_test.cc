// `schemabot lint` as CI runs it: the built binary on temp directories and git checkouts;
// exit 0 (no errors), 1 (errors found), 2 (could not lint).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Run {
  int code;
  std::string out;
};

Run Sh(const std::string& cmd) {
  Run r{-1, ""};
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

Run Lint(const std::string& args) {
  return Sh(std::string(SCHEMABOT_BINARY_DIR) + "/schemabot lint " + args);
}

class LintCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lint_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "migrations");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / "migrations" / name, std::ios::binary) << content;
  }
  std::string M() const { return (dir_ / "migrations").string(); }
  fs::path dir_;
};

TEST_F(LintCli, ExitCodesStatic) {
  Write("1_a.sql", "CREATE TABLE a (id int, c int);\n");
  Write("2_b.sql", "CREATE INDEX a_c ON a (c);\n");
  auto warn = Lint(M() + " --static");
  EXPECT_EQ(warn.code, 0) << warn.out;  // PG101 is a warning
  EXPECT_NE(warn.out.find("PG101"), std::string::npos) << warn.out;
  Write("3_c.sql", "DROP TABLE a;\n");
  auto err = Lint(M() + " --static");
  EXPECT_EQ(err.code, 1) << err.out;
  EXPECT_NE(err.out.find("Dropping table \"a\""), std::string::npos) << err.out;
  auto bad = Lint(M() + " --static --format xml");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("unknown report format \"xml\""), std::string::npos) << bad.out;
  EXPECT_EQ(Lint(M() + " --latest 0 --static").code, 2);
  EXPECT_EQ(Lint(M() + " --latest 1 --git-base main --static").code, 2);
  EXPECT_EQ(Lint((dir_ / "missing").string() + " --static").code, 2);
}

TEST_F(LintCli, JsonIsAtlasShapeAndNotedStatic) {
  Write("1_a.sql", "CREATE TABLE a (id int);\n");
  Write("2_b.sql", "DROP TABLE a;\n");
  auto r = Lint(M() + " --static --format json");
  ASSERT_EQ(r.code, 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["Files"][0]["Name"], "2_b.sql");
  EXPECT_EQ(j["Files"][0]["Reports"][0]["Diagnostics"][0]["Code"], "DS102");
  auto md = Lint(M() + " --static --format markdown");
  EXPECT_NE(md.out.find("Not checked in this run"), std::string::npos) << md.out;
}

TEST_F(LintCli, RepoConfigLevels) {
  Write("1_a.sql", "CREATE TABLE a (id int);\n");
  Write("2_b.sql", "DROP TABLE a;\n");
  std::ofstream(dir_ / ".schemabot.yaml")
      << "dirs:\n  - path: migrations\n    lint:\n      destructive: warning\n";
  auto r = Sh("cd '" + dir_.string() + "' && " + SCHEMABOT_BINARY_DIR +
              "/schemabot lint migrations --static -c .schemabot.yaml");
  EXPECT_EQ(r.code, 0) << r.out;
  std::ofstream(dir_ / ".schemabot.yaml") << "dirs:\n  - path: migrations\n    lnt: {}\n";
  auto bad = Sh("cd '" + dir_.string() + "' && " + SCHEMABOT_BINARY_DIR +
                "/schemabot lint migrations --static -c .schemabot.yaml");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find(".schemabot.yaml:3:5: unknown key"), std::string::npos) << bad.out;
}

// --git-base: files added since the base commit are new; an edited merged file is SB102.
TEST_F(LintCli, GitBase) {
  Write("1_a.sql", "CREATE TABLE a (id int);\n");
  std::string git = "cd '" + dir_.string() + "' && git -c user.email=t@t -c user.name=t ";
  ASSERT_EQ(Sh(git + "init -q -b main && " + git + "add -A && " + git + "commit -qm base").code, 0);
  Write("2_b.sql", "ALTER TABLE a ADD COLUMN b int;\n");
  auto ok = Sh("cd '" + dir_.string() + "' && " + SCHEMABOT_BINARY_DIR +
               "/schemabot lint migrations --static --git-base main --format json");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("Found 1 new migration files (from 2 total)"), std::string::npos) << ok.out;
  Write("1_a.sql", "CREATE TABLE a (id bigint);\n");
  auto edited = Sh("cd '" + dir_.string() + "' && " + SCHEMABOT_BINARY_DIR +
                   "/schemabot lint migrations --static --git-base main");
  EXPECT_EQ(edited.code, 1) << edited.out;
  EXPECT_NE(edited.out.find("SB102"), std::string::npos) << edited.out;
}

// On the real server: a statement that fails is SB106 with the server's message and line.
TEST_F(LintCli, DevUrlStatementFailure) {
  const char* url = std::getenv("SCHEMABOT_TEST_PG_URL");
  if (!url) {
    if (std::getenv("SCHEMABOT_REQUIRE_DBS")) FAIL() << "SCHEMABOT_TEST_PG_URL not set";
    GTEST_SKIP() << "no test database";
  }
  Write("1_a.sql", "CREATE TABLE a (id int);\n");
  Write("2_b.sql", "ALTER TABLE a ADD COLUMN b int;\nALTER TABLE missing ADD COLUMN c int;\n");
  auto r = Lint(M() + " --dev-url '" + url + "'");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(
      r.out.find("L2: Statement failed on the dev database: relation \"missing\" does not exist"),
      std::string::npos)
      << r.out;
  auto down = Lint(M() + " --dev-url 'postgres://nobody@/x?host=/nonexistent'");
  EXPECT_EQ(down.code, 2) << down.out;
  EXPECT_EQ(down.out.find("password"), std::string::npos);
}

}  // namespace
