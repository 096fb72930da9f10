// The pipeline around the analyzers: detection (SB102-SB105), atlas.sum (SB101), naming
// config, levels, nolint file skip, and golden reports in every format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/lint/lint_test_util.h"

namespace schemabot::lint {
namespace {

using sql::Dialect;
using testing::LintFiles;

Result<report::SummaryReport> LintAgainstBase(std::map<std::string, std::string> base,
                                              std::map<std::string, std::string> head) {
  auto bdir = dir::NewMemDir(std::move(base));
  auto hdir = dir::NewMemDir(std::move(head));
  SB_TRY_ASSIGN(auto bmd, dir::LoadMigrations(*bdir, dir::DirFormat::kAtlas));
  SB_TRY_ASSIGN(auto hmd, dir::LoadMigrations(*hdir, dir::DirFormat::kAtlas));
  auto detector = BaseDirDetector(std::move(bmd));
  auto replayer = NewStaticReplayer(Dialect::kPostgres);
  LintRequest req;
  req.dir = "migrations";
  req.head = std::move(hmd);
  req.detector = detector.get();
  req.replayer = replayer.get();
  return Lint(req);
}

std::multiset<std::string> Codes(const report::SummaryReport& r) {
  std::multiset<std::string> out;
  for (const auto& f : r.files) {
    for (const auto& rep : f.reports) {
      for (const auto& d : rep.diagnostics) out.insert(d.code);
    }
  }
  return out;
}

TEST(Pipeline, EditedDeletedAndOutOfOrderFiles) {
  auto rep = LintAgainstBase({{"1_a.sql", "CREATE TABLE a (id int);\n"},
                              {"2_b.sql", "CREATE TABLE b (id int);\n"},
                              {"4_d.sql", "CREATE TABLE d (id int);\n"}},
                             {{"1_a.sql", "CREATE TABLE a (id bigint);\n"},  // edited
                              {"3_c.sql", "CREATE TABLE c (id int);\n"},     // new but before 4
                              {"4_d.sql", "CREATE TABLE d (id int);\n"},
                              {"5_e.sql", "CREATE TABLE e (id int);\n"}});  // 2_b deleted
  ASSERT_TRUE(rep) << rep.error().message;
  auto codes = Codes(*rep);
  EXPECT_EQ(codes.count("SB102"), 1u);
  EXPECT_EQ(codes.count("SB103"), 1u);
  EXPECT_EQ(codes.count("SB104"), 1u);
  EXPECT_EQ(rep->new_files, 2);
  bool deleted_marked = false;
  for (const auto& f : rep->files) deleted_marked |= f.name == "2_b.sql" && f.change == "DELETED";
  EXPECT_TRUE(deleted_marked);
  EXPECT_GT(rep->ErrorCount(), 0);  // SB102/SB103 are errors
}

TEST(Pipeline, CleanChangeHasNoFindings) {
  auto rep = LintAgainstBase(
      {{"1_a.sql", "CREATE TABLE a (id int);\n"}},
      {{"1_a.sql", "CREATE TABLE a (id int);\n"}, {"2_b.sql", "CREATE TABLE b (id int);\n"}});
  ASSERT_TRUE(rep);
  EXPECT_TRUE(Codes(*rep).empty());
  EXPECT_EQ(rep->ErrorCount(), 0);
  EXPECT_EQ(rep->from_version, "1");
  EXPECT_EQ(rep->to_version, "2");
}

TEST(Pipeline, DuplicateVersion) {
  auto out = LintFiles(Dialect::kPostgres,
                       {{"1_a.sql", "CREATE TABLE a (id int);\n"},
                        {"2_b.sql", "CREATE TABLE b (id int);\n"},
                        {"2_c.sql", "CREATE TABLE c (id int);\n"}},
                       false, {}, 2);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_GE(out->codes.count("SB105"), 1u) << report::RenderText(out->report, {});
}

TEST(Pipeline, ChecksumMismatchIsSB101) {
  auto dir = dir::NewMemDir({{"1_a.sql", "CREATE TABLE a (id int);\n"}});
  auto md = dir::LoadMigrations(*dir, dir::DirFormat::kAtlas);
  ASSERT_TRUE(md);
  auto detector = LatestDetector(1);
  auto replayer = NewStaticReplayer(Dialect::kPostgres);
  LintRequest req;
  req.head = std::move(*md);
  req.detector = detector.get();
  req.replayer = replayer.get();
  req.sum = SumStatus{true, false, "checksum mismatch", "1_a.sql", "L2: 1_a.sql was edited"};
  auto rep = Lint(req);
  ASSERT_TRUE(rep);
  EXPECT_EQ(Codes(*rep).count("SB101"), 1u);
  EXPECT_EQ(rep->steps[0].error, "checksum mismatch");
  EXPECT_EQ(rep->ErrorCount(), 2);  // the step and the atlas.sum file
}

TEST(Pipeline, LevelsAndNaming) {
  LintConfig cfg;
  cfg.levels["destructive"] = Level::kWarning;
  cfg.naming.table = NamingRule{"^[a-z_]+$", ""};
  auto out = LintFiles(Dialect::kPostgres,
                       {{"1_a.sql", "CREATE TABLE a (id int);\n"},
                        {"2_b.sql", "DROP TABLE a;\nCREATE TABLE \"BadName\" (id int);\n"}},
                       false, cfg);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->codes.count("DS102"));
  EXPECT_FALSE(out->error_of["DS102"]) << "destructive set to warning";
  EXPECT_TRUE(out->codes.count("NM102"));
  EXPECT_EQ(out->report.ErrorCount(), 0);
  cfg.levels["destructive"] = Level::kOff;
  auto off = LintFiles(Dialect::kPostgres,
                       {{"1_a.sql", "CREATE TABLE a (id int);\n"}, {"2_b.sql", "DROP TABLE a;\n"}},
                       false, cfg);
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->codes.count("DS102"));
  // Naming is off without a pattern.
  auto plain =
      LintFiles(Dialect::kPostgres, {{"1_b.sql", "CREATE TABLE \"BadName\" (id int);\n"}}, false);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->codes.count("NM102"));
}

TEST(Pipeline, BareFileNolintSkipsTheFile) {
  auto out = LintFiles(Dialect::kPostgres,
                       {{"1_a.sql", "CREATE TABLE a (id int);\n"},
                        {"2_b.sql", "-- atlas:nolint\n\nDROP TABLE a;\n"}},
                       false);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->codes.empty());
  EXPECT_TRUE(out->report.files.empty());
}

// 255 enum values grow to 300: the storage size changes (MY113).
std::map<std::string, std::string> EnumGrowthFiles() {
  std::string before = "CREATE TABLE t (id int, e enum(";
  std::string after = "ALTER TABLE t MODIFY e enum(";
  for (int i = 0; i < 300; ++i) {
    if (i < 255) before += (i ? "," : "") + std::string("'v") + std::to_string(i) + "'";
    after += (i ? "," : "") + std::string("'v") + std::to_string(i) + "'";
  }
  return {{"1_a.sql", before + "));\n"}, {"2_b.sql", after + ");\n"}};
}

TEST(Pipeline, EnumOver256ValuesStatic) {
  auto out = LintFiles(Dialect::kMySQL, EnumGrowthFiles(), false);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->codes.count("MY113")) << report::RenderText(out->report, {});
}

TEST(Pipeline, EnumOver256ValuesOnMariaDB) {
  SB_REQUIRE_SERVER(Dialect::kMySQL);
  auto out = LintFiles(Dialect::kMySQL, EnumGrowthFiles(), true);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->codes.count("MY113")) << report::RenderText(out->report, {});
}

// A small directory linted on the real PostgreSQL, rendered in every format and compared
// with testdata/*.golden (SCHEMABOT_UPDATE_GOLDEN=1 rewrites them).
TEST(Pipeline, GoldenReportsOnPostgres) {
  SB_REQUIRE_SERVER(Dialect::kPostgres);
  auto out = LintFiles(
      Dialect::kPostgres,
      {{"20240101000000_init.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"},
       {"20240102000000_change.sql",
        "-- Tighten users.\n"
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
        "CREATE UNIQUE INDEX users_email ON users (email);\n"
        "ALTER TABLE users DROP COLUMN name;\n"
        "-- atlas:nolint DS102\n"
        "DROP TABLE orders;\n"}},
      true);
  ASSERT_TRUE(out) << out.error().message;
  namespace fs = std::filesystem;
  auto golden = [](const std::string& name, const std::string& got) {
    fs::path p = fs::path(SCHEMABOT_SOURCE_DIR) / "engine/lint/testdata" / (name + ".golden");
    if (std::getenv("SCHEMABOT_UPDATE_GOLDEN")) {
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << got;
      return;
    }
    std::ifstream in(p, std::ios::binary);
    ASSERT_TRUE(in) << p << " missing; run with SCHEMABOT_UPDATE_GOLDEN=1";
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(got, ss.str()) << name;
  };
  report::RenderOptions ro;
  ro.dir = "migrations";
  golden("pg_change.txt", report::RenderText(out->report, ro));
  golden("pg_change.md", report::RenderMarkdown(out->report, ro));
  golden("pg_change.json", report::RenderAtlasJson(out->report) + "\n");
  golden("pg_change.sarif", report::RenderSarif(out->report, ro));
  golden("pg_change.codequality.json", report::RenderCodeQuality(out->report, ro));
}

}  // namespace
}  // namespace schemabot::lint
