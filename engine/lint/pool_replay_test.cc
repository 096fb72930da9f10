// The pool replayer restores the longest cached prefix: a second lint of the same history
// plus one file replays only that file.
#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/devdb/pool.h"
#include "engine/lint/dev_replay.h"
#include "engine/lint/lint_test_util.h"

namespace schemabot::lint {
namespace {

TEST(PoolReplay, SecondLintRestoresTheSnapshot) {
  SB_REQUIRE_SERVER(sql::Dialect::kPostgres);
  auto url = devdb::ParseUrl(testing::ServerUrl(sql::Dialect::kPostgres));
  ASSERT_TRUE(url);
  devdb::PoolOptions po;
  po.admin_url = *url;
  po.size = 1;
  po.name = "lpr" + std::to_string(getpid());
  po.prepare_in_background = false;
  auto pool = devdb::Pool::Open(po);
  ASSERT_TRUE(pool) << pool.error().message;

  std::map<std::string, std::string> files;
  for (int i = 1; i <= 30; ++i) {
    files[std::to_string(1000 + i) + "_t.sql"] =
        "CREATE TABLE t" + std::to_string(i) + " (id int PRIMARY KEY, v text);\n";
  }
  auto run = [&](std::map<std::string, std::string> fs, ReplayStats& st) {
    auto d = dir::NewMemDir(std::move(fs));
    auto md = dir::LoadMigrations(*d, dir::DirFormat::kAtlas);
    auto det = LatestDetector(1);
    auto rep = NewPoolReplayer(**pool, sql::Dialect::kPostgres, dir::DirFormat::kAtlas, &st);
    LintRequest req;
    req.head = std::move(*md);
    req.detector = det.get();
    req.replayer = rep.get();
    return Lint(req);
  };
  ReplayStats first;
  auto r1 = run(files, first);
  ASSERT_TRUE(r1) << r1.error().message;
  EXPECT_EQ(first.from_snapshot, 0);
  EXPECT_EQ(first.base_files, 29);
  EXPECT_TRUE(first.saved);

  // The next change adds a file after the one linted before: 30 base files, 29 cached.
  files["2000_drop.sql"] = "DROP TABLE t1;\n";
  ReplayStats second;
  auto r2 = run(files, second);
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(second.base_files, 30);
  EXPECT_EQ(second.from_snapshot, 29) << "only the 30th base file should replay";
  ASSERT_EQ(r2->files.size(), 1u);
  EXPECT_EQ(r2->files[0].reports.at(0).diagnostics.at(0).code, "DS102");
}

}  // namespace
}  // namespace schemabot::lint
