#include "bot/cli/dir_arg.h"

#include <gtest/gtest.h>

namespace schemabot::cli {
namespace {

Result<DirArg> Parse(std::vector<std::string> argv) {
  ArgSpec spec{{std::begin(kDirFlags), std::end(kDirFlags)}, {}, {}};
  auto args = Args::Parse(argv, spec);
  if (!args) return args.error();
  return ParseDirArg(*args);
}

TEST(DirArg, Forms) {
  EXPECT_EQ(Parse({})->path, "migrations");
  EXPECT_FALSE(Parse({})->format);
  EXPECT_EQ(Parse({"db/m"})->path, "db/m");
  EXPECT_EQ(Parse({"--dir", "db/m"})->path, "db/m");
  EXPECT_EQ(Parse({"--dir=file://db/m"})->path, "db/m");
  auto url = Parse({"--dir", "file://db/m?format=goose", "--dir-format", "flyway"});
  ASSERT_TRUE(url);
  EXPECT_EQ(url->path, "db/m");
  EXPECT_EQ(*url->format, dir::DirFormat::kGoose);  // the URL wins
  EXPECT_EQ(*Parse({"x", "--dir-format", "golang-migrate"})->format,
            dir::DirFormat::kGolangMigrate);
  EXPECT_EQ(Parse({"file:///abs/path"})->path, "/abs/path");
}

TEST(DirArg, Errors) {
  EXPECT_EQ(Parse({"a", "--dir", "b"}).error().message,
            "give the directory either as DIR or as --dir, not both");
  EXPECT_EQ(Parse({"a", "b"}).error().message, "one directory expected, got 2");
  EXPECT_EQ(Parse({"--dir", "atlas://app"}).error().message,
            "unsupported directory URL \"atlas://app\" (only file:// is)");
  EXPECT_EQ(Parse({"--dir-format", "x"}).error().message, "unknown dir format \"x\"");
  EXPECT_FALSE(Parse({"--dir", "file://"}));
}

}  // namespace
}  // namespace schemabot::cli
