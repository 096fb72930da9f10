// `schemabot hash` and `schemabot validate` as a user runs them: the built binary on temp
// copies of a vector directory.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

std::string Shared() {
  if (const char* env = std::getenv("SCHEMABOT_SHARED_DIR")) return env;
  return SCHEMABOT_SHARED_DIR;
}

struct Run {
  int code;
  std::string out;  // stdout + stderr
};

Run Schemabot(const std::string& args) {
  std::string cmd = std::string(SCHEMABOT_BINARY_DIR) + "/schemabot " + args + " 2>&1";
  Run r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliSum : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "schemabot-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ / "migrations";
    fs::copy(Shared() + "/fixtures/atlas-sum-vectors/atlas-cmdapi-sqlitetx", dir_,
             fs::copy_options::recursive);
    for (const auto& e : fs::directory_iterator(dir_)) {
      fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::add);
    }
  }
  void TearDown() override { fs::remove_all(root_); }
  void Append(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file, std::ios::app | std::ios::binary) << text;
  }
  fs::path root_, dir_;
};

TEST_F(CliSum, ValidVectorPasses) {
  auto r = Schemabot("validate " + dir_.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Schemabot("validate --dir file://" + dir_.string()).code, 0);
  EXPECT_EQ(Schemabot("validate --dir " + dir_.string() + " --dir-format atlas").code, 0);
}

TEST_F(CliSum, EditedFileFailsWithAtlasMessage) {
  Append("20220925094021_second.sql", "\n-- edited\n");
  auto r = Schemabot("validate " + dir_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "You have a checksum error in your migration directory.\n"
            "\n\tL3: 20220925094021_second.sql was edited\n\n"
            "Please check your migration files and run 'schemabot hash' to re-hash the "
            "contents\n\n"
            "Error: checksum mismatch\n");
  // hash repairs it, and the result is what Atlas would write for the edited dir.
  auto h = Schemabot("hash --dir " + dir_.string());
  EXPECT_EQ(h.code, 0) << h.out;
  EXPECT_EQ(Schemabot("validate " + dir_.string()).code, 0);
}

TEST_F(CliSum, AddedAndRemovedFiles) {
  std::ofstream(dir_ / "20220925100000_fourth.sql") << "CREATE TABLE f(id int);\n";
  auto r = Schemabot("validate " + dir_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("\tL5: 20220925100000_fourth.sql was added\n"), std::string::npos) << r.out;
  fs::remove(dir_ / "20220925100000_fourth.sql");
  fs::remove(dir_ / "20220925092817_initial.sql");
  r = Schemabot("validate " + dir_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("\tL2: 20220925092817_initial.sql was removed\n"), std::string::npos)
      << r.out;
}

TEST_F(CliSum, MissingAndBrokenSum) {
  std::string original = Slurp(dir_ / "atlas.sum");
  fs::remove(dir_ / "atlas.sum");
  auto r = Schemabot("validate " + dir_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("Error: checksum file not found\n"), std::string::npos) << r.out;
  // hash writes exactly the atlas.sum Atlas wrote.
  EXPECT_EQ(Schemabot("hash " + dir_.string()).code, 0);
  EXPECT_EQ(Slurp(dir_ / "atlas.sum"), original);
  Append("atlas.sum", "not a sum line\n");
  r = Schemabot("validate " + dir_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("Error: checksum file format invalid\n"), std::string::npos) << r.out;
}

TEST_F(CliSum, UsageErrorsExitTwo) {
  EXPECT_EQ(Schemabot("validate --nope").code, 2);
  EXPECT_EQ(Schemabot("validate " + (root_ / "absent").string()).code, 2);
  EXPECT_EQ(Schemabot("validate a b").code, 2);
  EXPECT_EQ(Schemabot("hash --dir-format sqitch " + dir_.string()).code, 2);
  auto r = Schemabot("hash --dir atlas://x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unsupported directory URL"), std::string::npos);
  EXPECT_EQ(Schemabot("validate --help").code, 0);
}

TEST_F(CliSum, DetectsGolangMigrateFromTheSum) {
  // An atlas-managed golang-migrate dir: only .up.sql files are in the sum.
  fs::path gm = root_ / "gm";
  fs::create_directories(gm);
  std::ofstream(gm / "1_a.up.sql") << "CREATE TABLE a(id int);\n";
  std::ofstream(gm / "1_a.down.sql") << "DROP TABLE a;\n";
  EXPECT_EQ(Schemabot("hash " + gm.string()).code, 0);
  std::string sum = Slurp(gm / "atlas.sum");
  EXPECT_NE(sum.find("1_a.up.sql h1:"), std::string::npos);
  EXPECT_EQ(sum.find("down"), std::string::npos);
  EXPECT_EQ(Schemabot("validate " + gm.string()).code, 0);
  // Read as atlas format the down file counts, so the same sum is a mismatch.
  auto r = Schemabot("validate " + gm.string() + " --dir-format atlas");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("L2: 1_a.down.sql was added"), std::string::npos) << r.out;
}

}  // namespace
