#include "bot/cli/args.h"

#include <gtest/gtest.h>

namespace schemabot::cli {
namespace {

const ArgSpec kSpec{{"dir", "format"}, {"static"}, {{"c", "config"}}};

TEST(Args, ParsesFlagsAndPositionals) {
  auto a = Args::Parse({"migrations", "--format", "json", "--static", "--dir=x"}, kSpec);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->positional(), std::vector<std::string>{"migrations"});
  EXPECT_EQ(a->Get("format"), "json");
  EXPECT_EQ(a->Get("dir"), "x");
  EXPECT_TRUE(a->Has("static"));
  EXPECT_FALSE(a->Has("config"));
}

TEST(Args, RejectsUnknownAndMissingValues) {
  auto unknown = Args::Parse({"--formt", "json"}, kSpec);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown flag \"--formt\"");
  auto missing = Args::Parse({"--format"}, kSpec);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "flag --format needs a value");
}

}  // namespace
}  // namespace schemabot::cli
