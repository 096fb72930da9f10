#include <gtest/gtest.h>

#include "engine/sql/sql.h"

namespace schemabot::sql {
namespace {

std::vector<std::pair<TokenKind, std::string>> Kinds(std::string_view sql, Dialect d) {
  std::vector<std::pair<TokenKind, std::string>> out;
  for (const auto& t : Tokenize(sql, d)) out.emplace_back(t.kind, std::string(t.text));
  return out;
}

TEST(Tokenize, PostgresKinds) {
  using K = TokenKind;
  auto got = Kinds(
      "CREATE INDEX CONCURRENTLY \"Idx\" ON t -- c\n (a, $1::int, E'x\\'y', $f$q;$f$) /* n /* m */ "
      "*/ 1.5e3;",
      Dialect::kPostgres);
  std::vector<std::pair<TokenKind, std::string>> want = {{K::kKeyword, "CREATE"},
                                                         {K::kKeyword, "INDEX"},
                                                         {K::kKeyword, "CONCURRENTLY"},
                                                         {K::kQuotedIdentifier, "\"Idx\""},
                                                         {K::kKeyword, "ON"},
                                                         {K::kIdentifier, "t"},
                                                         {K::kPunct, "("},
                                                         {K::kIdentifier, "a"},
                                                         {K::kPunct, ","},
                                                         {K::kParameter, "$1"},
                                                         {K::kOperator, "::"},
                                                         {K::kKeyword, "int"},
                                                         {K::kPunct, ","},
                                                         {K::kString, "E'x\\'y'"},
                                                         {K::kPunct, ","},
                                                         {K::kString, "$f$q;$f$"},
                                                         {K::kPunct, ")"},
                                                         {K::kNumber, "1.5e3"},
                                                         {K::kPunct, ";"}};
  EXPECT_EQ(got, want);
}

TEST(Tokenize, MySQLKinds) {
  using K = TokenKind;
  auto got =
      Kinds("ALTER TABLE `t` ADD c INT DEFAULT \"x\" # c\n, ALGORITHM=INPLACE;", Dialect::kMySQL);
  std::vector<std::pair<TokenKind, std::string>> want = {{K::kKeyword, "ALTER"},
                                                         {K::kKeyword, "TABLE"},
                                                         {K::kQuotedIdentifier, "`t`"},
                                                         {K::kKeyword, "ADD"},
                                                         {K::kIdentifier, "c"},
                                                         {K::kKeyword, "INT"},
                                                         {K::kKeyword, "DEFAULT"},
                                                         {K::kString, "\"x\""},
                                                         {K::kPunct, ","},
                                                         {K::kKeyword, "ALGORITHM"},
                                                         {K::kOperator, "="},
                                                         {K::kKeyword, "INPLACE"},
                                                         {K::kPunct, ";"}};
  EXPECT_EQ(got, want);
}

TEST(Tokenize, OffsetsAndUnterminated) {
  auto t = Tokenize("a 'b", Dialect::kPostgres);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].offset, 2u);
  EXPECT_EQ(t[1].text, "'b");
  EXPECT_TRUE(Tokenize("/* never closed", Dialect::kPostgres).empty());
}

TEST(MatchWords, SequencesCaseInsensitive) {
  auto t = Tokenize("alter table x add constraint c foreign key (a) references y not valid;",
                    Dialect::kPostgres);
  EXPECT_TRUE(MatchWords(t, 0, "ALTER TABLE"));
  EXPECT_TRUE(MatchWords(t, 0, "ALTER TABLE * ADD CONSTRAINT"));
  EXPECT_FALSE(MatchWords(t, 1, "ALTER TABLE"));
  EXPECT_EQ(FindWords(t, "NOT VALID"), t.size() - 3);
  EXPECT_EQ(FindWords(t, "CONCURRENTLY"), std::string_view::npos);
  EXPECT_FALSE(MatchWords(t, t.size() - 1, "; x"));
}

TEST(Unquote, Names) {
  auto t = Tokenize("\"a\"\"b\" `x` 'it''s' $$d$$ plain", Dialect::kPostgres);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(Unquote(t[0]), "a\"b");
  EXPECT_EQ(Unquote(t[2]), "it's");
  EXPECT_EQ(Unquote(t[3]), "d");
  EXPECT_EQ(Unquote(t[4]), "plain");
}

}  // namespace
}  // namespace schemabot::sql
