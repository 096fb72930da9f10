#include "base/result.h"

#include <gtest/gtest.h>

namespace schemabot {
namespace {

Result<int> Parse(std::string_view s) {
  if (s.empty()) return InvalidArgument("empty input");
  return static_cast<int>(s.size());
}

Result<int> Twice(std::string_view s) {
  SB_TRY_ASSIGN(int n, Parse(s));
  return 2 * n;
}

Result<void> Check(std::string_view s) {
  SB_TRY(Parse(s));
  return Ok();
}

TEST(Result, ValueAndError) {
  auto ok = Twice("abc");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 6);
  auto bad = Twice("");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "empty input");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, VoidAndWrap) {
  EXPECT_TRUE(Check("x"));
  auto r = Check("");
  ASSERT_FALSE(r);
  Error e = std::move(r).error().Wrap("reading \"a.sql\"");
  EXPECT_EQ(e.message, "reading \"a.sql\": empty input");
  EXPECT_EQ(ErrorCodeName(e.code), "invalid argument");
}

}  // namespace
}  // namespace schemabot
