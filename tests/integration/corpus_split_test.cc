// Every migration of ../shared/corpus/ splits without error with its dialect, read through
// its directory's format (engine/dir): up and down sections separately, goose sections with
// their StatementBegin/End blocks, positions relative to the whole file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "engine/dir/dir.h"
#include "engine/sql/sql.h"

namespace schemabot {
namespace {

namespace fs = std::filesystem;

fs::path Corpus() {
  const char* env = std::getenv("SCHEMABOT_SHARED_DIR");
  fs::path p = env && fs::is_directory(fs::path(env) / "corpus") ? fs::path(env)
                                                                 : fs::path(SCHEMABOT_SHARED_DIR);
  return p / "corpus";
}

struct CorpusDir {
  const char* path;  // under corpus/
  sql::Dialect dialect;
  dir::DirFormat format;
};

const CorpusDir kDirs[] = {
    {"hatchet-postgres-atlas/migrations", sql::Dialect::kPostgres, dir::DirFormat::kAtlas},
    {"hatchet-postgres-goose/migrations", sql::Dialect::kPostgres, dir::DirFormat::kGoose},
    {"hawkbit-mysql-flyway/migrations", sql::Dialect::kMySQL, dir::DirFormat::kFlyway},
    {"hawkbit-postgres-flyway/migrations", sql::Dialect::kPostgres, dir::DirFormat::kFlyway},
    {"mattermost-mysql-golang-migrate/migrations", sql::Dialect::kMySQL,
     dir::DirFormat::kGolangMigrate},
    {"mattermost-postgres-golang-migrate/migrations", sql::Dialect::kPostgres,
     dir::DirFormat::kGolangMigrate},
    {"openmeter-postgres-atlas-golang-migrate/migrations", sql::Dialect::kPostgres,
     dir::DirFormat::kGolangMigrate},
    {"supabase-postgres-dbmate/migrations/migrations", sql::Dialect::kPostgres,
     dir::DirFormat::kDbmate},
    {"supabase-postgres-dbmate/migrations/init-scripts", sql::Dialect::kPostgres,
     dir::DirFormat::kAtlas},
    {"vmangos-mysql-plain/migrations", sql::Dialect::kMySQL, dir::DirFormat::kAtlas},
    {"vmangos-mysql-plain/base", sql::Dialect::kMySQL, dir::DirFormat::kAtlas},
};

Result<sql::SplitResult> SplitSection(const dir::Section& s, sql::Dialect d, bool goose,
                                      std::optional<sql::ScanOptions> scan = std::nullopt) {
  sql::SplitOptions o;
  o.base = {s.offset, s.line, s.column};
  o.goose = goose;
  o.scan = scan;
  return sql::Split(s.text, d, o);
}

TEST(CorpusSplit, EveryMigrationSplitsWithItsDialect) {
  size_t files = 0, statements = 0;
  for (const auto& cd : kDirs) {
    SCOPED_TRACE(cd.path);
    auto d = dir::OpenDiskDir((Corpus() / cd.path).string());
    ASSERT_TRUE(d.has_value()) << d.error().message;
    auto md = dir::LoadMigrations(**d, cd.format);
    ASSERT_TRUE(md.has_value()) << md.error().message;
    ASSERT_FALSE(md->migrations.empty());
    bool goose = cd.format == dir::DirFormat::kGoose;
    size_t dir_statements = 0;
    for (const auto& m : md->migrations) {
      std::vector<const dir::Section*> sections = {&m.up};
      if (m.down) sections.push_back(&*m.down);
      for (const dir::Section* s : sections) {
        SCOPED_TRACE(s->file);
        auto r = SplitSection(*s, cd.dialect, goose);
        ASSERT_TRUE(r.has_value()) << s->file << ":" << r.error().message;
        for (const auto& st : r->statements) {
          // Positions point into the file: the text starts where the offset says.
          const std::string& content = s == &m.up || s->file == m.file ? m.content : "";
          if (!content.empty()) {
            ASSERT_LE(st.end_offset, content.size());
            ASSERT_EQ(content.compare(st.offset, st.text.size(), st.text), 0)
                << "offset " << st.offset << " of " << s->file;
            sql::Position p = sql::PositionAt(content, st.offset);
            ASSERT_EQ(p.line, st.line);
            ASSERT_EQ(p.column, st.column);
          }
        }
        if (s == &m.up) dir_statements += r->statements.size();
        ++files;
      }
    }
    statements += dir_statements;
    std::printf("corpus %-52s %4zu migrations %5zu up statements\n", cd.path, md->migrations.size(),
                dir_statements);
  }
  EXPECT_GT(files, 1000u);
  EXPECT_GT(statements, 3000u);
}

// What Atlas itself would do (reference §2.7: the dialect scanner only for atlas and
// liquibase, the generic one elsewhere). Not every corpus file survives that (MySQL
// procedures and backslash escapes under the generic scanner): this pins which do.
TEST(CorpusSplit, AtlasOwnScannerChoice) {
  for (const auto& cd : kDirs) {
    auto d = dir::OpenDiskDir((Corpus() / cd.path).string());
    ASSERT_TRUE(d.has_value());
    auto md = dir::LoadMigrations(**d, cd.format);
    ASSERT_TRUE(md.has_value());
    sql::ScanOptions scan = sql::AtlasScanOptions(cd.dialect, dir::DirFormatName(cd.format));
    size_t failed = 0, differ = 0;
    for (const auto& m : md->migrations) {
      auto atlas = SplitSection(m.up, cd.dialect, cd.format == dir::DirFormat::kGoose, scan);
      auto ours = SplitSection(m.up, cd.dialect, cd.format == dir::DirFormat::kGoose);
      if (!atlas) {
        ++failed;
      } else if (ours && atlas->statements.size() != ours->statements.size()) {
        ++differ;
      }
    }
    std::printf("atlas scanner on %-52s: %zu files fail, %zu split differently\n", cd.path, failed,
                differ);
    if (cd.dialect == sql::Dialect::kPostgres) {
      EXPECT_EQ(failed, 0u) << cd.path;  // PG dirs split the same under both choices
    }
  }
}

TEST(CorpusSplit, KnownTraps) {
  auto d = dir::OpenDiskDir((Corpus() / "hatchet-postgres-goose/migrations").string());
  ASSERT_TRUE(d.has_value());
  auto md = dir::LoadMigrations(**d, dir::DirFormat::kGoose);
  ASSERT_TRUE(md.has_value());
  // The up part ends without `;` right before the Down marker: still its own statement.
  const dir::Migration* m = md->Find("20250519145912_v1_0_21.sql");
  ASSERT_NE(m, nullptr);
  auto r = SplitSection(m->up, sql::Dialect::kPostgres, true);
  ASSERT_TRUE(r.has_value());
  ASSERT_FALSE(r->statements.empty());
  EXPECT_EQ(r->statements.back().text.find("+goose Down"), std::string::npos);
  // A line holding only `;` inside a StatementBegin/End block: goose sends the block as
  // one statement, so it stays one (both ALTERs and the lone `;`).
  m = md->Find("20251007231452_v1_0_48.sql");
  ASSERT_NE(m, nullptr);
  r = SplitSection(m->up, sql::Dialect::kPostgres, true);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statements.size(), 1u);
  EXPECT_NE(r->statements[0].text.find(";\n;\nALTER TABLE"), std::string::npos);
  EXPECT_EQ(r->statements[0].line, 3);
  // The same lines outside a block: the lone `;` is an empty statement of its own.
  auto plain = sql::Split("ALTER TABLE t ADD c int;\n;\nSELECT 1;", sql::Dialect::kPostgres);
  ASSERT_TRUE(plain.has_value());
  ASSERT_EQ(plain->statements.size(), 3u);
  EXPECT_TRUE(plain->statements[1].empty);
}

}  // namespace
}  // namespace schemabot
