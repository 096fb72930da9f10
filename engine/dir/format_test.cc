// Format names, version ordering, the directive matcher and format detection.
#include <gtest/gtest.h>

#include "engine/dir/dir.h"

namespace schemabot::dir {
namespace {

TEST(DirFormat, ParseAndName) {
  for (auto f : {DirFormat::kAtlas, DirFormat::kGolangMigrate, DirFormat::kGoose,
                 DirFormat::kDbmate, DirFormat::kFlyway, DirFormat::kLiquibase}) {
    auto parsed = ParseDirFormat(DirFormatName(f));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, f);
  }
  auto bad = ParseDirFormat("sqitch");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "unknown dir format \"sqitch\"");
}

TEST(CompareVersions, FlywayIsNumericPartByPart) {
  auto fw = [](std::string_view a, std::string_view b) {
    return CompareVersions(DirFormat::kFlyway, a, b);
  };
  EXPECT_LT(fw("1_12_2", "1_12_10"), 0);
  EXPECT_GT(fw("1_12_10", "1_12_9"), 0);
  EXPECT_LT(fw("1_2_0", "1_20_0"), 0);
  EXPECT_EQ(fw("1.1", "1_1"), 0);
  EXPECT_EQ(fw("01", "1"), 0);
  EXPECT_LT(fw("1", "1.0"), 0);    // shorter first when the common parts are equal
  EXPECT_EQ(fw("1_x", "1_0"), 0);  // non-numeric parts are 0
  EXPECT_LT(fw("-1", "0"), 0);     // Go's Atoi takes a sign
  EXPECT_EQ(fw("99999999999999999999", "9223372036854775807"), 0);  // clamps like Atoi
  // Other formats compare the strings, as Atlas's executor does.
  EXPECT_GT(CompareVersions(DirFormat::kAtlas, "1_12_2", "1_12_10"), 0);
  EXPECT_LT(CompareVersions(DirFormat::kGoose, "20240101", "20240102"), 0);
  EXPECT_EQ(CompareVersions(DirFormat::kAtlas, "1", "1"), 0);
}

TEST(MatchDirective, FollowsAtlasRegex) {
  auto arg = [](std::string_view text) -> std::string {
    auto d = MatchDirective(text);
    return d ? d->name + "|" + d->arg : "none";
  };
  EXPECT_EQ(arg("-- atlas:sum ignore\nSELECT 1;"), "sum|ignore");
  EXPECT_EQ(arg("//atlas:sum ignore\nbar"), "sum|ignore");
  EXPECT_EQ(arg("atlas:sum ignore"), "sum|ignore");
  EXPECT_EQ(arg("//atlas:sum\nfoo"), "sum|");
  EXPECT_EQ(arg("-- atlas:sum ignore \n"), "sum|ignore ");
  EXPECT_EQ(arg("-- atlas:sum ignore\r\n"), "sum|ignore\r");
  EXPECT_EQ(arg("-- atlas:sum   ignore"), "sum|ignore");
  EXPECT_EQ(arg("-- atlas:sum  "), "sum| ");
  EXPECT_EQ(arg("-- atlas:sum "), "sum|");
  EXPECT_EQ(arg("SELECT 1;\n-- atlas:sum ignore"), "none");  // only the first line
  EXPECT_EQ(arg("-- é atlas:sum ignore"), "none");           // prefix must be printable ASCII
  EXPECT_EQ(arg("-- atlas:sum ignore atlas:txmode none"), "txmode|none");  // greedy prefix
  EXPECT_EQ(arg("-- atlas: x"), "none");
  EXPECT_EQ(arg(""), "none");
  auto d = MatchDirective("-- atlas:txmode none");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->prefix, "-- ");
}

Result<DirFormat> Detect(std::map<std::string, std::string> files) {
  return DetectFormat(*NewMemDir(std::move(files)));
}

TEST(DetectFormat, RecognisesEachFormat) {
  EXPECT_EQ(*Detect({{"1_a.sql", "CREATE TABLE a(id int);"}}), DirFormat::kAtlas);
  EXPECT_EQ(*Detect({{"1_a.up.sql", "x"}, {"1_a.down.sql", "y"}}), DirFormat::kGolangMigrate);
  EXPECT_EQ(*Detect({{"1_a.sql", "-- +goose Up\nx;\n-- +goose Down\ny;\n"}}), DirFormat::kGoose);
  EXPECT_EQ(*Detect({{"1_a.sql", "-- migrate:up\nx;\n-- migrate:down\n"}}), DirFormat::kDbmate);
  EXPECT_EQ(*Detect({{"1_a.sql", "--liquibase formatted sql\n--changeset a:1\nx;\n"}}),
            DirFormat::kLiquibase);
  EXPECT_EQ(*Detect({{"V1__a.sql", "x"}, {"sub/V2__b.sql", "y"}}), DirFormat::kFlyway);
  EXPECT_EQ(*Detect({}), DirFormat::kAtlas);
  EXPECT_EQ(*Detect({{"atlas.sum", "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"}}),
            DirFormat::kAtlas);
}

TEST(DetectFormat, SaysWhyWhenAmbiguous) {
  auto r = Detect({{"1_a.up.sql", "x"},
                   {"1_a.down.sql", "x"},
                   {"2_b.up.sql", "x"},
                   {"V1__a.sql", "x"},
                   {"V2__b.sql", "x"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      r.error().message,
      "ambiguous: 2 files match flyway (V1__a.sql, V2__b.sql) and 3 files match golang-migrate "
      "(1_a.down.sql, 1_a.up.sql, …); give the format (--dir-format)");
}

TEST(DetectFormat, NoMigrationFiles) {
  auto r = Detect({{"README", "x"}, {"notes.txt", "y"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "no migration files: 2 files match no format (README, notes.txt)");
  auto nested = Detect({{"a/1_x.sql", "x"}});
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().message,
            "no migration files: 1 .sql file is in sub-folders (a/1_x.sql) and only flyway "
            "reads sub-folders");
}

}  // namespace
}  // namespace schemabot::dir
