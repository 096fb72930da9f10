// Golden tests: every X.sql under ../shared/fixtures/atlas-lex-vectors/<folder>/ must split
// into the statements of X.sql.golden (texts joined by "\n-- end --\n"), with the scanner
// options Atlas's own lex_test.go uses for that folder (see the vectors' README).
// New vectors in known folders need no code change; a new folder fails until its options
// are added to OptionsFor().
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/sql/shared_dir_test_util.h"
#include "engine/sql/sql.h"

namespace schemabot::sql {
namespace {

namespace fs = std::filesystem;

fs::path VectorsDir() { return testing::SharedDir() / "fixtures" / "atlas-lex-vectors"; }

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<ScanOptions> OptionsFor(const std::string& folder, const std::string& name) {
  ScanOptions o;
  if (folder == "lex") {
    o.match_begin = o.match_begin_atomic = o.match_dollar_quote = true;
    o.backslash_escapes = o.escaped_string_ext = true;
    o.hash_comments = name.find("_pg") == std::string::npos;
    o.go_command = name.find("_ms") != std::string::npos;
  } else if (folder == "lexgroup") {
    o.match_begin = true;
  } else if (folder == "lexescaped") {
    if (name.find(".my.") != std::string::npos) o.backslash_escapes = true;
    if (name.find(".pg.") != std::string::npos) o.escaped_string_ext = true;
  } else if (folder == "lexbegintry") {
    o.match_begin = o.match_begin_atomic = o.match_begin_try_catch = true;
    o.match_dollar_quote = o.backslash_escapes = o.escaped_string_ext = true;
  } else if (folder == "sqlserver") {
    o.match_begin = o.begin_end_terminator = true;
  } else {
    return std::nullopt;
  }
  return o;
}

TEST(SplitGolden, EveryAtlasLexVector) {
  fs::path root = VectorsDir();
  ASSERT_TRUE(fs::is_directory(root)) << root;
  int checked = 0;
  for (const auto& folder : fs::directory_iterator(root)) {
    if (!folder.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(folder.path())) {
      if (f.path().extension() != ".sql") continue;
      std::string fname = folder.path().filename().string();
      std::string name = f.path().filename().string();
      SCOPED_TRACE(fname + "/" + name);
      fs::path golden = f.path().string() + ".golden";
      ASSERT_TRUE(fs::exists(golden)) << "missing " << golden;
      auto opts = OptionsFor(fname, name);
      ASSERT_TRUE(opts.has_value()) << "no scanner options known for folder " << fname;
      SplitOptions so;
      so.scan = *opts;
      auto r = Split(ReadAll(f.path()), Dialect::kPostgres, so);
      ASSERT_TRUE(r.has_value()) << r.error().message;
      std::string joined;
      for (size_t i = 0; i < r->statements.size(); ++i) {
        if (i) joined += "\n-- end --\n";
        joined += r->statements[i].text;
      }
      EXPECT_EQ(joined, ReadAll(golden));
      ++checked;
    }
  }
  EXPECT_GE(checked, 25);
}

// The upstream test's negative case: 2.pg.sql with backslash escapes must fail.
TEST(SplitGolden, PgEscapedFailsWithBackslashEscapes) {
  SplitOptions so;
  so.scan = ScanOptions{};
  so.scan->backslash_escapes = true;
  SplitError err;
  auto r = Split(ReadAll(VectorsDir() / "lexescaped" / "2.pg.sql"), Dialect::kPostgres, so, &err);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "4:40: unclosed quote '\\''");
  EXPECT_EQ(err.pos.line, 4);
  EXPECT_EQ(err.pos.column, 40);
  EXPECT_EQ(err.message, "unclosed quote '\\''");
}

}  // namespace
}  // namespace schemabot::sql
