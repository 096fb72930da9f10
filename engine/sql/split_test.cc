// Edge cases of Split(): errors with positions, CRLF, BOM, empty input, empty statements,
// directives, dialect rules, sections and goose blocks.
#include <gtest/gtest.h>

#include "engine/sql/sql.h"

namespace schemabot::sql {
namespace {

std::vector<std::string> Texts(std::string_view sql, Dialect d = Dialect::kPostgres,
                               const SplitOptions& o = {}) {
  auto r = Split(sql, d, o);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  std::vector<std::string> out;
  if (r) {
    for (const auto& s : r->statements) out.push_back(s.text);
  }
  return out;
}

using V = std::vector<std::string>;

struct ErrorCase {
  std::string sql;
  std::string message;  // Error text, with line:col
  int line, column;
  size_t offset;
};

TEST(SplitErrors, CarryLineAndColumn) {
  const ErrorCase cases[] = {
      {"'", "1:1: unclosed quote '\\''", 1, 1, 0},
      {"SELECT 1;\n \"abc", "2:2: unclosed quote '\"'", 2, 2, 11},
      {"ab(", "1:3: unclosed '('", 1, 3, 2},
      {"abcd)", "1:5: unexpected ')'", 1, 5, 4},
      {"SELECT 1;\nSELECT (a, (b)\n;", "2:8: unclosed '('", 2, 8, 17},
      {"-- atlas:delimiter ;;", "1:0: no input found after delimiter \";;\"", 1, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    SplitError err;
    auto r = Split(c.sql, Dialect::kPostgres, {}, &err);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message, c.message);
    EXPECT_EQ(err.ToString(), c.message);
    EXPECT_EQ(err.pos.line, c.line);
    EXPECT_EQ(err.pos.column, c.column);
    EXPECT_EQ(err.pos.offset, c.offset);
  }
}

TEST(SplitErrors, PositionlessAndMySQLBacktick) {
  SplitError err;
  auto r = Split("DELIMITER \nSELECT 1;", Dialect::kMySQL, {}, &err);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "empty delimiter");
  EXPECT_FALSE(err.has_position);
  r = Split("SELECT `a;", Dialect::kMySQL);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "1:8: unclosed quote '`'");
}

TEST(SplitErrors, SectionPositionsAreFilePositions) {
  SplitOptions o;
  o.base = {100, 7, 5};
  SplitError err;
  auto r = Split("SELECT 1;\n  'x", Dialect::kPostgres, o, &err);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "8:3: unclosed quote '\\''");
  EXPECT_EQ(err.pos.offset, 112u);
  r = Split("ab(", Dialect::kPostgres, o, &err);
  EXPECT_EQ(r.error().message, "7:7: unclosed '('");
}

TEST(Split, EmptyInputs) {
  EXPECT_EQ(Texts(""), V{});
  EXPECT_EQ(Texts(" \n\t\r\n"), V{});
  EXPECT_EQ(Texts("-- only a comment\n"), V{});
  EXPECT_EQ(Texts("/* c */\n"), V{});
}

TEST(Split, LineHoldingOnlySemicolonIsAnEmptyStatement) {
  auto r = Split("SELECT 1;\n;\nSELECT 2;", Dialect::kPostgres);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statements.size(), 3u);
  EXPECT_EQ(r->statements[1].text, ";");
  EXPECT_TRUE(r->statements[1].empty);
  EXPECT_FALSE(r->statements[0].empty);
  EXPECT_EQ(r->statements[2].line, 3);
}

TEST(Split, TrailingCommentWithoutNewlineIsAtlasStatement) {
  auto r = Split("SELECT 1;\n-- bye", Dialect::kPostgres);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statements.size(), 2u);
  EXPECT_EQ(r->statements[1].text, "-- bye");
  EXPECT_TRUE(r->statements[1].empty);
}

TEST(Split, PositionsCrlfAndBom) {
  auto r = Split("SELECT 1;\r\n  SELECT 2;\r\nSELECT\r\n3", Dialect::kPostgres);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statements.size(), 3u);
  EXPECT_EQ(r->statements[0].text, "SELECT 1;");
  EXPECT_EQ(r->statements[1].text, "SELECT 2;");
  EXPECT_EQ(r->statements[1].line, 2);
  EXPECT_EQ(r->statements[1].column, 3);
  EXPECT_EQ(r->statements[1].offset, 13u);
  EXPECT_EQ(r->statements[1].end_offset, 22u);
  EXPECT_EQ(r->statements[2].text, "SELECT\r\n3");
  EXPECT_EQ(r->statements[2].line, 3);

  r = Split("\xEF\xBB\xBFSELECT 1;\nSELECT 2;", Dialect::kMySQL);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statements.size(), 2u);
  EXPECT_EQ(r->statements[0].text, "SELECT 1;");
  EXPECT_EQ(r->statements[0].offset, 3u);
  EXPECT_EQ(r->statements[0].column, 4);
  EXPECT_EQ(r->statements[0].atlas_pos, 3u);  // Atlas counts the BOM's bytes
  EXPECT_EQ(r->statements[1].line, 2);
}

TEST(Split, NonAsciiColumnsAreBytes) {
  std::string sql = "SELECT 'é'; SELECT 2;";
  auto r = Split(sql, Dialect::kPostgres);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statements.size(), 2u);
  EXPECT_EQ(r->statements[1].column, 14);
  EXPECT_EQ(ColumnInCodePoints(sql, r->statements[1].offset), 13);
  EXPECT_EQ(PositionAt(sql, 13).column, 14);
}

TEST(Split, SectionBase) {
  SplitOptions o;
  o.base = {50, 4, 1};
  auto r = Split("SELECT 1;\nSELECT 2;", Dialect::kPostgres, o);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->statements[0].offset, 50u);
  EXPECT_EQ(r->statements[0].line, 4);
  EXPECT_EQ(r->statements[1].offset, 60u);
  EXPECT_EQ(r->statements[1].line, 5);
  EXPECT_EQ(r->statements[1].column, 1);
}

TEST(Directives, FileAndStatement) {
  std::string sql =
      "-- atlas:txmode none\n-- atlas:nolint DS103\n\n"
      "-- atlas:nolint destructive\n--atlas:nolint\n# atlas:nolint ignored\n"
      "ALTER TABLE t DROP COLUMN c;\n/*atlas:nolint MF101*/\nSELECT 1;\n/* atlas:nolint */\nSELECT "
      "2;";
  auto r = Split(sql, Dialect::kMySQL);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->FileDirective("txmode"), V{"none"});
  EXPECT_EQ(r->FileDirective("nolint"), V{"DS103"});
  ASSERT_EQ(r->statements.size(), 3u);
  EXPECT_EQ(r->statements[0].Directives("nolint"), (V{"destructive", ""}));
  EXPECT_EQ(r->statements[0].comments.size(), 3u);
  EXPECT_EQ(r->statements[0].comments[0], "-- atlas:nolint destructive\n");
  EXPECT_EQ(r->statements[1].Directives("nolint"), V{"MF101"});
  EXPECT_EQ(r->statements[2].Directives("nolint"), V{});
}

TEST(Directives, NoBlankLineMeansStatementComments) {
  auto r = Split("-- atlas:nolint\nDROP TABLE t;", Dialect::kPostgres);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->file_directives.empty());
  EXPECT_EQ(r->statements[0].Directives("nolint"), V{""});
  // A blank line detaches comments from the statement.
  r = Split("SELECT 1;\n-- atlas:nolint\n\nDROP TABLE t;", Dialect::kPostgres);
  EXPECT_TRUE(r->statements[1].comments.empty());
  EXPECT_EQ(FileDirectives("# atlas:checkpoint v1\n  \nSELECT 1;"),
            (std::vector<Directive>{{"checkpoint", "v1"}}));
  EXPECT_EQ(SumDirective("-- atlas:sum ignore\nx"), "ignore");
  EXPECT_EQ(SumDirective("-- atlas:sum ignore\r\nx"), "ignore\r");
  EXPECT_EQ(SumDirective("SELECT 1;"), std::nullopt);
}

TEST(Directives, AtlasDelimiter) {
  auto r =
      Split("-- atlas:delimiter \\n---\\n\nSELECT 1;\nSELECT 2\n---\nSELECT 3", Dialect::kPostgres);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->delimiter, "\n---\n");
  ASSERT_EQ(r->statements.size(), 2u);
  EXPECT_EQ(r->statements[0].text, "SELECT 1;\nSELECT 2");
  EXPECT_EQ(r->statements[0].offset, 27u);
  EXPECT_EQ(r->statements[0].line, 2);
  EXPECT_EQ(r->statements[0].atlas_pos, 0u);  // Atlas's offset skips the directive line
}

TEST(SplitPostgres, QuotesCommentsBlocks) {
  EXPECT_EQ(Texts("SELECT E'it\\'s; ok'; SELECT 2;"), (V{"SELECT E'it\\'s; ok';", "SELECT 2;"}));
  EXPECT_EQ(Texts("SELECT 'a\\'; SELECT 2;"), (V{"SELECT 'a\\';", "SELECT 2;"}));
  EXPECT_EQ(Texts("DO $x$ BEGIN PERFORM 1; END $x$; SELECT 2;"),
            (V{"DO $x$ BEGIN PERFORM 1; END $x$;", "SELECT 2;"}));
  EXPECT_EQ(Texts("SELECT 1 /* a /* b; */ c; */ ; SELECT 2;"),
            (V{"SELECT 1 /* a /* b; */ c; */ ;", "SELECT 2;"}));
  EXPECT_EQ(
      Texts("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nSELECT 2;"),
      (V{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;", "SELECT 2;"}));
  EXPECT_EQ(Texts("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;"),
            (V{"BEGIN;", "CREATE TABLE t (a int);", "COMMIT;"}));
  EXPECT_EQ(Texts("SELECT \"a;b\" FROM t; # not a comment in PG\n"),
            (V{"SELECT \"a;b\" FROM t;", "# not a comment in PG"}));
}

TEST(SplitMySQL, ProceduresDelimiterHashComments) {
  EXPECT_EQ(
      Texts("CREATE PROCEDURE p() BEGIN SELECT 1; IF 1 THEN SELECT 2; END IF; END;\nSELECT 3;",
            Dialect::kMySQL),
      (V{"CREATE PROCEDURE p() BEGIN SELECT 1; IF 1 THEN SELECT 2; END IF; END;", "SELECT 3;"}));
  EXPECT_EQ(
      Texts("DELIMITER ??\nCREATE PROCEDURE p() BEGIN SELECT 1; END??\nDELIMITER ;\nCALL p();",
            Dialect::kMySQL),
      (V{"CREATE PROCEDURE p() BEGIN SELECT 1; END", "CALL p();"}));
  EXPECT_EQ(Texts("# c;\nSELECT 'a\\';b'; SELECT 2;", Dialect::kMySQL),
            (V{"SELECT 'a\\';b';", "SELECT 2;"}));
}

TEST(SplitLimits, UnmatchedBeginsStayFast) {
  std::string many;
  for (int i = 0; i < 150; ++i) many += "BEGIN x;\n";
  auto r = Split(many, Dialect::kMySQL);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->statements.size(), 150u);
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "BEGIN ";
  r = Split(deep, Dialect::kMySQL);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "too many nested BEGIN blocks");
  std::string comments;
  for (int i = 0; i < 20000; ++i) comments += "x /* ";
  EXPECT_TRUE(Split(comments, Dialect::kPostgres).has_value());
}

TEST(SplitGoose, BlocksAndLineRule) {
  std::string file =
      "-- +goose Up\n"
      "-- +goose NO TRANSACTION\n"
      "CREATE TABLE a (x int);\n"
      "SELECT 1; -- trailing comment\n"
      "-- +goose StatementBegin\n"
      "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n"
      "-- +goose StatementEnd\n"
      "CREATE INDEX i ON a (x)\n";
  size_t up = file.find('\n') + 1;
  SplitOptions o;
  o.goose = true;
  o.base = {up, 2, 1};
  auto r = Split(std::string_view(file).substr(up), Dialect::kPostgres, o);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->statements.size(), 4u);
  EXPECT_EQ(r->statements[0].text, "CREATE TABLE a (x int);");
  EXPECT_EQ(r->statements[0].line, 3);
  EXPECT_EQ(r->statements[0].comments, V{"-- +goose NO TRANSACTION\n"});
  EXPECT_EQ(r->statements[1].text, "SELECT 1; -- trailing comment");
  EXPECT_EQ(
      r->statements[2].text,
      "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;");
  EXPECT_EQ(r->statements[2].line, 6);
  EXPECT_EQ(r->statements[2].offset, file.find("CREATE FUNCTION"));
  EXPECT_EQ(r->statements[3].text, "CREATE INDEX i ON a (x)");
  EXPECT_EQ(r->statements[3].line, 12);
}

TEST(Dialects, Parse) {
  EXPECT_EQ(*ParseDialect("PostgreSQL"), Dialect::kPostgres);
  EXPECT_EQ(*ParseDialect("postgres"), Dialect::kPostgres);
  EXPECT_EQ(*ParseDialect("mariadb"), Dialect::kMySQL);
  EXPECT_EQ(*ParseDialect("MySQL"), Dialect::kMySQL);
  auto bad = ParseDialect("oracle");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "unknown dialect \"oracle\" (want postgres or mysql)");
  EXPECT_TRUE(AtlasScanOptions(Dialect::kMySQL, "atlas").hash_comments);
  EXPECT_FALSE(AtlasScanOptions(Dialect::kMySQL, "flyway").hash_comments);
}

}  // namespace
}  // namespace schemabot::sql
