// Every directory of the shared corpus and the import vectors loads through its format,
// with the migration counts of corpus/README.md.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/dir/dir.h"
#include "engine/dir/test_util.h"

namespace schemabot::dir {
namespace {

struct CorpusDir {
  const char* path;  // under corpus/
  DirFormat format;
  size_t migrations;  // atlas-listed migrations
  size_t downs;       // migrations with a down section
  size_t duplicate_versions = 0;
};

// corpus/README.md: files per directory (ups; downs are sections of their up).
const CorpusDir kCorpus[] = {
    {"hatchet-postgres-atlas/migrations", DirFormat::kAtlas, 82, 0},
    {"hatchet-postgres-goose/migrations", DirFormat::kGoose, 224, 136},
    {"hawkbit-mysql-flyway/migrations", DirFormat::kFlyway, 59, 0},
    {"hawkbit-postgres-flyway/migrations", DirFormat::kFlyway, 26, 0},
    {"mattermost-mysql-golang-migrate/migrations", DirFormat::kGolangMigrate, 140, 140},
    {"mattermost-postgres-golang-migrate/migrations", DirFormat::kGolangMigrate, 146, 146},
    {"openmeter-postgres-atlas-golang-migrate/migrations", DirFormat::kGolangMigrate, 269, 269},
    {"supabase-postgres-dbmate/migrations/init-scripts", DirFormat::kDbmate, 4, 4},
    {"supabase-postgres-dbmate/migrations/migrations", DirFormat::kDbmate, 30, 30},
    {"vmangos-mysql-plain/migrations", DirFormat::kAtlas, 130, 0, 1},
};

std::string Corpus(const char* path) { return testing::SharedDir() + "/corpus/" + path; }

TEST(Corpus, EveryDirectoryLoadsWithTheReadmeCounts) {
  for (const auto& c : kCorpus) {
    SCOPED_TRACE(c.path);
    auto d = OpenDiskDir(Corpus(c.path));
    ASSERT_TRUE(d) << d.error().message;
    auto detected = DetectFormat(**d);
    ASSERT_TRUE(detected) << detected.error().message;
    EXPECT_EQ(DirFormatName(*detected), DirFormatName(c.format));
    auto md = LoadMigrations(**d, c.format);
    ASSERT_TRUE(md) << md.error().message;
    EXPECT_EQ(md->migrations.size(), c.migrations);
    size_t downs = 0;
    for (const auto& m : md->migrations) {
      downs += m.down.has_value();
      // Every section is a verbatim slice of its file at the stated position.
      EXPECT_EQ(m.content.substr(m.up.offset, m.up.text.size()), m.up.text) << m.file;
      for (const auto& b : m.up.blocks) {
        EXPECT_LE(b.begin, b.end);
        EXPECT_LE(b.end, m.up.text.size());
      }
    }
    EXPECT_EQ(downs, c.downs);
    size_t duplicates = 0;
    for (const auto& i : md->issues) {
      if (i.message.rfind("two files with version", 0) == 0) {
        ++duplicates;
        continue;
      }
      EXPECT_NE(i.severity, DirIssue::Severity::kError) << FormatIssue(i);
    }
    EXPECT_EQ(duplicates, c.duplicate_versions);
  }
}

TEST(Corpus, KnownFacts) {
  auto goose = OpenDiskDir(Corpus("hatchet-postgres-goose/migrations"));
  ASSERT_TRUE(goose);
  auto md = LoadMigrations(**goose, DirFormat::kGoose);
  ASSERT_TRUE(md);
  size_t no_tx = 0, blocks = 0;
  for (const auto& m : md->migrations) {
    no_tx += m.tx == TxMode::kNone;
    blocks += m.up.blocks.size() + (m.down ? m.down->blocks.size() : 0);
  }
  EXPECT_EQ(no_tx, 33u);    // files with "-- +goose NO TRANSACTION" (either case)
  EXPECT_EQ(blocks, 281u);  // StatementBegin/End pairs

  auto atlas = OpenDiskDir(Corpus("hatchet-postgres-atlas/migrations"));
  ASSERT_TRUE(atlas);
  auto amd = LoadMigrations(**atlas, DirFormat::kAtlas);
  ASSERT_TRUE(amd);
  size_t none = 0;
  for (const auto& m : amd->migrations) none += m.tx == TxMode::kNone;
  EXPECT_EQ(none, 12u);  // "-- atlas:txmode none"

  // hawkbit: one baseline; Atlas lists it plus the V files its string comparison keeps.
  auto hawk = OpenDiskDir(Corpus("hawkbit-mysql-flyway/migrations"));
  ASSERT_TRUE(hawk);
  auto hmd = LoadMigrations(**hawk, DirFormat::kFlyway);
  ASSERT_TRUE(hmd);
  EXPECT_EQ(hmd->migrations[0].file, "B1_20_0__1.0.0_baseline__MYSQL.sql");
  EXPECT_EQ(hmd->migrations[0].kind, MigrationKind::kBaseline);
  EXPECT_EQ(hmd->migrations[1].file, "V1_0_1__init___MYSQL.sql");
  // V1_12_2 sorts before V1_12_10.
  std::vector<std::string> order;
  for (const auto& m : hmd->migrations) order.push_back(m.file);
  auto pos = [&](const std::string& f) {
    return std::find(order.begin(), order.end(), f) - order.begin();
  };
  EXPECT_LT(pos("V1_12_2__missing_non_null_enum___MYSQL.sql"),
            pos("V1_12_10__change_length_of_target_attributes_key___MYSQL.sql"));
  EXPECT_LT(pos("V1_9_0__add_rollout_groups_created___MYSQL.sql"),
            pos("V1_10_0__advanced_rolloutgroup__MYSQL.sql"));
}

TEST(ImportVectors, EachSourceFormatLoads) {
  struct V {
    const char* dir;
    DirFormat format;
    std::vector<std::string> listed;
  };
  const V vectors[] = {
      {"dbmate", DirFormat::kDbmate, {"1_initial.sql", "2_second_migration.sql"}},
      {"goose", DirFormat::kGoose, {"1_initial.sql", "2_second_migration.sql"}},
      {"golang-migrate",
       DirFormat::kGolangMigrate,
       {"1_initial.up.sql", "2_second_migration.up.sql"}},
      {"liquibase", DirFormat::kLiquibase, {"1_initial.sql", "2_second_migration.sql"}},
      {"flyway",
       DirFormat::kFlyway,
       {"B2__baseline.sql", "V3__third_migration.sql", "R__views.sql"}},
  };
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.dir);
    auto d = OpenDiskDir(testing::SharedDir() + "/fixtures/atlas-import-vectors/" + v.dir);
    ASSERT_TRUE(d);
    auto detected = DetectFormat(**d);
    ASSERT_TRUE(detected) << detected.error().message;
    EXPECT_EQ(DirFormatName(*detected), DirFormatName(v.format));
    auto md = LoadMigrations(**d, v.format);
    ASSERT_TRUE(md);
    std::vector<std::string> listed;
    for (const auto& m : md->migrations) {
      if (m.atlas_listed) listed.push_back(m.file);
    }
    EXPECT_EQ(listed, v.listed);
    // The gold dir names each file <version>_<desc>.sql: versions and descriptions agree.
    for (const auto& m : md->migrations) {
      if (!m.atlas_listed || m.kind == MigrationKind::kRepeatable) continue;
      std::string gold = testing::SharedDir() + "/fixtures/atlas-import-vectors/" + v.dir +
                         "_gold/" + m.version + "_" + m.description + ".sql";
      EXPECT_TRUE(std::filesystem::exists(gold)) << gold;
    }
  }
}

}  // namespace
}  // namespace schemabot::dir
