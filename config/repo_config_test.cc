#include "config/repo_config.h"

#include <gtest/gtest.h>

namespace schemabot::config {
namespace {

TEST(RepoConfig, ParsesDesignExample) {
  auto rc = ParseRepoConfig(R"(version: 1
dirs:
  - path: migrations
    name: app
    format: atlas
    dialect: postgres
    lint:
      destructive: error
      concurrent_index: warning
      data_depend: off
      naming_table: "^[a-z_]+$"
    deploy:
      - env: staging
        repo: acme/gitops
        files: [envs/staging/app-migration.yaml]
        mode: tag
        auto_merge: false
)",
                            ".schemabot.yaml");
  ASSERT_TRUE(rc) << rc.error().message;
  ASSERT_EQ(rc->dirs.size(), 1u);
  const auto& d = rc->dirs[0];
  EXPECT_EQ(d.name, "app");
  EXPECT_EQ(*d.format, dir::DirFormat::kAtlas);
  EXPECT_EQ(d.lint.LevelOf("data_depend"), lint::Level::kOff);
  EXPECT_EQ(d.lint.LevelOf("destructive"), lint::Level::kError);
  EXPECT_EQ(d.lint.LevelOf("naming"), lint::Level::kWarning);  // a pattern is configured
  ASSERT_EQ(d.deploy.size(), 1u);
  EXPECT_EQ(d.deploy[0].files[0], "envs/staging/app-migration.yaml");
}

TEST(RepoConfig, ErrorsArePositioned) {
  auto unknown = ParseRepoConfig("dirs:\n  - path: m\n    lnt: {}\n", "r.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message.rfind("r.yaml:3:5: unknown key", 0), 0u)
      << unknown.error().message;
  auto bad_level = ParseRepoConfig("dirs:\n  - path: m\n    lint: {destructive: loud}\n", "r.yaml");
  ASSERT_FALSE(bad_level);
  EXPECT_NE(bad_level.error().message.find("r.yaml:3:"), std::string::npos)
      << bad_level.error().message;
  auto twice = ParseRepoConfig("dirs:\n  - path: m\n  - path: m/\n", "r.yaml");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("listed twice"), std::string::npos);
  auto escape = ParseRepoConfig("dirs:\n  - path: ../etc\n", "r.yaml");
  ASSERT_FALSE(escape);
  auto pattern = ParseRepoConfig("dirs:\n  - path: m\n    lint: {naming_match: \"[\"}\n", "r.yaml");
  ASSERT_FALSE(pattern);
  EXPECT_NE(pattern.error().message.find("bad pattern"), std::string::npos);
  auto version = ParseRepoConfig("version: 2\n", "r.yaml");
  ASSERT_FALSE(version);
}

TEST(RepoConfig, DefaultsAndLocks) {
  auto rc = ParseRepoConfig("dirs:\n  - path: db/migrations\n", "r");
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->dirs[0].name, "migrations");
  EXPECT_FALSE(rc->dirs[0].format);
  EXPECT_EQ(rc->dirs[0].dialect, sql::Dialect::kPostgres);
  auto locked = ApplyLocks("dirs:\n  - path: m\n    lint: {destructive: off}\n", "r",
                           {"dirs[].lint.destructive"});
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(ApplyLocks("dirs:\n  - path: m\n", "r", {"dirs[].lint.destructive"}));
  EXPECT_EQ(DefaultRepoConfig().dirs[0].path, "migrations");
}

}  // namespace
}  // namespace schemabot::config
