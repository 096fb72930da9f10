// The real migration directories of public projects, linted end to end: statically with
// the full history and the latest file, and on the real servers where the corpus README
// says the directory replays clean — there, no statement may fail (SB106) and the lint of
// the last file must succeed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/lint/lint_test_util.h"

namespace schemabot::lint {
namespace {

namespace fs = std::filesystem;
using sql::Dialect;

struct CorpusDir {
  const char* name;
  Dialect dialect;
  dir::DirFormat format;
  bool replays_clean;  // per shared/corpus/README.md
};

const CorpusDir kCorpus[] = {
    {"hatchet-postgres-atlas", Dialect::kPostgres, dir::DirFormat::kAtlas, true},
    {"hatchet-postgres-goose", Dialect::kPostgres, dir::DirFormat::kGoose, false},
    {"hawkbit-mysql-flyway", Dialect::kMySQL, dir::DirFormat::kFlyway, true},
    {"hawkbit-postgres-flyway", Dialect::kPostgres, dir::DirFormat::kFlyway, true},
    {"mattermost-mysql-golang-migrate", Dialect::kMySQL, dir::DirFormat::kGolangMigrate, false},
    {"mattermost-postgres-golang-migrate", Dialect::kPostgres, dir::DirFormat::kGolangMigrate, true},
    {"openmeter-postgres-atlas-golang-migrate", Dialect::kPostgres, dir::DirFormat::kGolangMigrate,
     true},
    {"supabase-postgres-dbmate", Dialect::kPostgres, dir::DirFormat::kDbmate, false},
    {"vmangos-mysql-plain", Dialect::kMySQL, dir::DirFormat::kAtlas, false},
};

fs::path CorpusPath(const CorpusDir& c) {
  fs::path p = fs::path(SCHEMABOT_SHARED_DIR) / "corpus" / c.name / "migrations";
  if (std::string(c.name) == "supabase-postgres-dbmate") p /= "migrations";
  return p;
}

Result<report::SummaryReport> LintCorpus(const CorpusDir& c, int latest, Replayer& replayer) {
  SB_TRY_ASSIGN(auto d, dir::OpenDiskDir(CorpusPath(c).string()));
  SB_TRY_ASSIGN(auto md, dir::LoadMigrations(*d, c.format));
  auto detector = LatestDetector(latest);
  LintRequest req;
  req.dir = c.name;
  req.head = std::move(md);
  req.detector = detector.get();
  req.dialect = c.dialect;
  req.replayer = &replayer;
  return Lint(req);
}

size_t Count(const report::SummaryReport& r, std::string_view code) {
  size_t n = 0;
  for (const auto& f : r.files) {
    for (const auto& rep : f.reports) {
      for (const auto& d : rep.diagnostics) n += d.code == code;
    }
  }
  return n;
}

std::string Sb106(const report::SummaryReport& r) {
  std::string out;
  for (const auto& f : r.files) {
    for (const auto& rep : f.reports) {
      for (const auto& d : rep.diagnostics) {
        if (d.code == "SB106") out += f.name + ": " + d.text + "\n";
      }
    }
  }
  return out;
}

class CorpusLint : public ::testing::TestWithParam<CorpusDir> {};

TEST_P(CorpusLint, StaticFullHistoryAndLatest) {
  const auto& c = GetParam();
  for (int latest : {1, 1 << 20}) {
    auto replayer = NewStaticReplayer(c.dialect);
    auto rep = LintCorpus(c, latest, *replayer);
    ASSERT_TRUE(rep) << c.name << ": " << rep.error().message;
    EXPECT_EQ(Count(*rep, "SB107"), 0u) << c.name << ": a file did not split";
    EXPECT_GT(rep->new_files, 0) << c.name;
  }
}

TEST_P(CorpusLint, DevDatabaseLatest) {
  const auto& c = GetParam();
  if (!c.replays_clean) GTEST_SKIP() << c.name << " does not replay on a stock server";
  SB_REQUIRE_SERVER(c.dialect);
  testing::ScratchDb db(c.dialect);
  ASSERT_NE(db.db(), nullptr);
  auto replayer = NewDriverReplayer(*db.db(), c.dialect, c.format);
  auto rep = LintCorpus(c, 1, *replayer);
  ASSERT_TRUE(rep) << c.name << ": " << rep.error().message;
  EXPECT_EQ(Count(*rep, "SB106"), 0u) << Sb106(*rep);
  for (const auto& s : rep->steps) EXPECT_TRUE(s.error.empty()) << s.name << ": " << s.error;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusLint, ::testing::ValuesIn(kCorpus),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (auto& ch : n) ch = ch == '-' ? '_' : ch;
                           return n;
                         });

}  // namespace
}  // namespace schemabot::lint
