// `schemabot split` as a user runs it: the built binary on the bundled example, on a
// broken file, on a goose file with --dir-format, and with bad flags.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code;
  std::string out;
};

CliRun Schemabot(const std::string& args, bool with_stderr = true) {
  std::string cmd = std::string(SCHEMABOT_BINARY_DIR) + "/schemabot " + args +
                    (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Write(const std::string& name, const std::string& content) {
  fs::path p = fs::temp_directory_path() / ("sb_split_cli_" + std::to_string(getpid()));
  fs::create_directories(p);
  std::ofstream(p / name, std::ios::binary) << content;
  return (p / name).string();
}

TEST(SplitCli, ExampleAsJson) {
  std::string file =
      std::string(SCHEMABOT_SOURCE_DIR) + "/examples/atlas-app/20240102120000_add_orders.sql";
  CliRun r = Schemabot("split " + file + " --dialect postgres --format json", false);
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["statements"].size(), 2u);
  EXPECT_EQ(j["statements"][1]["line"], 7);
  EXPECT_EQ(j["statements"][1]["column"], 1);
  EXPECT_EQ(j["dialect"], "postgres");
  CliRun text = Schemabot("split " + file);
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("-- statement 2 at 7:1 (offset 205)"), std::string::npos) << text.out;
}

TEST(SplitCli, DirectivesAndErrors) {
  std::string ok =
      Write("1_a.sql", "-- atlas:txmode none\n\n-- atlas:nolint DS102\nDROP TABLE t;\n");
  CliRun r = Schemabot("split " + ok + " --dialect mysql");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("file directive: atlas:txmode none"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[atlas:nolint DS102]"), std::string::npos) << r.out;

  std::string bad = Write("2_b.sql", "SELECT 1;\nSELECT ('x;\n");
  r = Schemabot("split " + bad);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(bad + ":2:9: unclosed quote '\\''"), std::string::npos) << r.out;

  EXPECT_EQ(Schemabot("split").code, 2);
  EXPECT_EQ(Schemabot("split " + ok + " --dialect oracle").code, 2);
  EXPECT_EQ(Schemabot("split " + ok + " --format xml").code, 2);
  EXPECT_EQ(Schemabot("split " + ok + " --dir-format nope").code, 2);
  EXPECT_EQ(Schemabot("split /nonexistent/x.sql").code, 2);
  fs::remove_all(fs::path(ok).parent_path());
}

TEST(SplitCli, GooseSectionKeepsFilePositions) {
  std::string g = Write("3_c.sql",
                        "-- +goose Up\nCREATE TABLE a (x int);\n-- +goose StatementBegin\n"
                        "SELECT 1;\nSELECT 2;\n-- +goose StatementEnd\n-- +goose Down\n"
                        "DROP TABLE a;\n");
  CliRun r = Schemabot("split " + g + " --dir-format goose --format json", false);
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["statements"].size(), 2u);
  EXPECT_EQ(j["statements"][0]["line"], 2);
  EXPECT_EQ(j["statements"][1]["text"], "SELECT 1;\nSELECT 2;");
  EXPECT_EQ(j["statements"][1]["line"], 4);
  fs::remove_all(fs::path(g).parent_path());
}

}  // namespace
