// Every code fires on a case and stays quiet on its near miss, on the real servers of each
// dialect it applies to. Static mode runs the same table and must agree on the cases it
// claims (`static_ok`).
#include <gtest/gtest.h>

#include "engine/lint/lint_test_util.h"

namespace schemabot::lint {
namespace {

using sql::Dialect;
using testing::LintFiles;

struct Case {
  const char* name;
  Dialect dialect;
  std::vector<std::string> base;   // one file each
  std::string fresh;               // the new file
  std::set<std::string> want;      // codes that must be reported
  std::set<std::string> not_want;  // codes that must not be
  bool static_ok = true;           // static mode agrees
  bool dev_ok = true;              // run on the dev database
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const Dialect PG = Dialect::kPostgres;
const Dialect MY = Dialect::kMySQL;

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      // destructive
      {"DS101_drop_schema",
       PG,
       {"CREATE SCHEMA s;\nCREATE TABLE s.t (id int);"},
       "DROP SCHEMA s CASCADE;",
       {"DS101"},
       {"DS102"}},
      {"DS101_near_created_here",
       PG,
       {"CREATE TABLE t (id int);"},
       "CREATE SCHEMA s2;\nDROP SCHEMA s2;",
       {},
       {"DS101"}},
      {"DS102_drop_table", PG, {"CREATE TABLE t (id int);"}, "DROP TABLE t;", {"DS102"}, {}},
      {"DS102_near_created_here",
       PG,
       {"CREATE TABLE t (id int);"},
       "CREATE TABLE t2 (id int);\nDROP TABLE t2;",
       {},
       {"DS102"}},
      {"DS102_mysql", MY, {"CREATE TABLE t (id int);"}, "DROP TABLE t;", {"DS102"}, {}},
      {"DS103_drop_column",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t DROP COLUMN c;",
       {"DS103"},
       {}},
      {"DS103_near_column_added_here",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN d int;\nALTER TABLE t DROP COLUMN d;",
       {},
       {"DS103"}},
      {"DS103_mysql_near_virtual",
       MY,
       {"CREATE TABLE t (id int, a int, v int AS (a * 2) VIRTUAL);"},
       "ALTER TABLE t DROP COLUMN v;",
       {},
       {"DS103"},
       false},
      {"DS103_mysql_stored",
       MY,
       {"CREATE TABLE t (id int, a int, s int AS (a * 2) STORED);"},
       "ALTER TABLE t DROP COLUMN s;",
       {"DS103"},
       {},
       false},
      // data_depend
      {"MF101_unique_existing",
       PG,
       {"CREATE TABLE t (id int, email text);"},
       "CREATE UNIQUE INDEX t_email ON t (email);",
       {"MF101"},
       {}},
      {"MF101_near_new_column",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN code text;\nCREATE UNIQUE INDEX t_code ON t (code);",
       {},
       {"MF101"}},
      {"MF101_mysql",
       MY,
       {"CREATE TABLE t (id int, email varchar(100));"},
       "CREATE UNIQUE INDEX t_email ON t (email);",
       {"MF101"},
       {}},
      {"MF102_mysql_index_made_unique",
       MY,
       {"CREATE TABLE t (id int, c int);\nCREATE INDEX i ON t (c);"},
       "ALTER TABLE t DROP INDEX i, ADD UNIQUE INDEX i (c);",
       {"MF102"},
       {"MF101"},
       false},
      {"MF102_near_new_index",
       MY,
       {"CREATE TABLE t (id int, c int);"},
       "CREATE INDEX i ON t (c);\nALTER TABLE t DROP INDEX i, ADD UNIQUE INDEX i (c);",
       {},
       {"MF102"},
       false},
      {"MF103_not_null_no_default",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN c int NOT NULL;",
       {"MF103"},
       {}},
      {"MF103_near_default",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
       {},
       {"MF103"}},
      {"MF103_near_new_table",
       PG,
       {},
       "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int NOT NULL;",
       {},
       {"MF103"}},
      {"MF104_set_not_null",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
       {"MF104", "PG303"},
       {}},
      {"MF104_near_backfilled",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "UPDATE t SET c = 0 WHERE c IS NULL;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;",
       {},
       {"MF104"}},
      {"MF104_mysql",
       MY,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t MODIFY c int NOT NULL;",
       {"MF104"},
       {}},
      // incompatible
      {"BC101_rename_table",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t RENAME TO t2;",
       {"BC101"},
       {"DS102"}},
      {"BC101_near_view_keeps_name",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t RENAME TO t2;\nCREATE VIEW t AS SELECT * FROM t2;",
       {},
       {"BC101"}},
      {"BC101_mysql",
       MY,
       {"CREATE TABLE t (id int);"},
       "RENAME TABLE t TO t2;",
       {"BC101"},
       {"DS102"}},
      {"BC102_rename_column",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t RENAME COLUMN c TO d;",
       {"BC102"},
       {"DS103"}},
      {"BC102_near_added_back",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t RENAME COLUMN c TO d;\nALTER TABLE t ADD COLUMN c int;",
       {},
       {"BC102"}},
      {"BC102_mysql",
       MY,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t RENAME COLUMN c TO d;",
       {"BC102"},
       {"DS103"}},
      // condrop
      {"CD101_drop_fk",
       PG,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int, pid int, CONSTRAINT "
        "t_pid_fk FOREIGN KEY (pid) REFERENCES p (id));"},
       "ALTER TABLE t DROP CONSTRAINT t_pid_fk;",
       {"CD101"},
       {}},
      {"CD101_near_column_dropped",
       PG,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int, pid int, CONSTRAINT "
        "t_pid_fk FOREIGN KEY (pid) REFERENCES p (id));"},
       "ALTER TABLE t DROP COLUMN pid;",
       {"DS103"},
       {"CD101"}},
      {"CD101_mysql",
       MY,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int, pid int, CONSTRAINT "
        "t_pid_fk FOREIGN KEY (pid) REFERENCES p (id));"},
       "ALTER TABLE t DROP FOREIGN KEY t_pid_fk;",
       {"CD101"},
       {}},
      // concurrent_index
      {"PG101_create_index",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "CREATE INDEX t_c ON t (c);",
       {"PG101"},
       {}},
      {"PG101_near_concurrently",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY t_c ON t (c);",
       {},
       {"PG101", "PG103"}},
      {"PG101_near_new_table",
       PG,
       {},
       "CREATE TABLE t (id int, c int);\nCREATE INDEX t_c ON t (c);",
       {},
       {"PG101"}},
      {"PG102_drop_index",
       PG,
       {"CREATE TABLE t (id int, c int);\nCREATE INDEX t_c ON t (c);"},
       "DROP INDEX t_c;",
       {"PG102"},
       {}},
      {"PG102_near_concurrently",
       PG,
       {"CREATE TABLE t (id int, c int);\nCREATE INDEX t_c ON t (c);"},
       "-- atlas:txmode none\n\nDROP INDEX CONCURRENTLY t_c;",
       {},
       {"PG102"}},
      {"PG103_concurrently_in_tx",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "CREATE INDEX CONCURRENTLY t_c ON t (c);",
       {"PG103", "SB106"},
       {"PG101"},
       false},
      {"PG103_static",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "CREATE INDEX CONCURRENTLY t_c ON t (c);",
       {"PG103"},
       {"PG101"},
       true,
       false},
      {"PG104_add_primary_key",
       PG,
       {"CREATE TABLE t (id int NOT NULL);"},
       "ALTER TABLE t ADD PRIMARY KEY (id);",
       {"PG104"},
       {"PG304"}},
      {"PG104_near_using_index",
       PG,
       {"CREATE TABLE t (id int NOT NULL);"},
       "-- atlas:txmode none\n\nCREATE UNIQUE INDEX CONCURRENTLY t_id ON t (id);\nALTER TABLE t "
       "ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id;",
       {},
       {"PG104"},
       false},
      {"PG105_add_unique",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c);",
       {"PG105", "MF101"},
       {}},
      {"PG105_near_new_table",
       PG,
       {},
       "CREATE TABLE t (id int, c int);\nALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c);",
       {},
       {"PG105"}},
      // blocking
      {"PG301_type_change",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t ALTER COLUMN c TYPE bigint;",
       {"PG301"},
       {},
       false},
      {"PG301_near_varchar_widen",
       PG,
       {"CREATE TABLE t (id int, c varchar(10));"},
       "ALTER TABLE t ALTER COLUMN c TYPE varchar(20);",
       {},
       {"PG301"}},
      {"PG302_volatile_default",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();",
       {"PG302"},
       {}},
      {"PG302_near_now",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN ts timestamptz DEFAULT now();",
       {},
       {"PG302"}},
      {"PG303_near_check",
       PG,
       {"CREATE TABLE t (id int, c int);\nALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT "
        "NULL);"},
       "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
       {},
       {"PG303", "MF104"}},
      {"PG304_pk_on_nullable",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD PRIMARY KEY (id);",
       {"PG304", "PG104"},
       {}},
      {"PG305_check",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0);",
       {"PG305"},
       {}},
      {"PG305_near_not_valid",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0) NOT VALID;",
       {},
       {"PG305"}},
      {"PG306_fk",
       PG,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int, pid int);"},
       "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id);",
       {"PG306"},
       {}},
      {"PG306_near_not_valid",
       PG,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int, pid int);"},
       "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) NOT VALID;",
       {},
       {"PG306"}},
      // mysql
      {"MY101_implicit_zero",
       MY,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN c int NOT NULL;",
       {"MY101"},
       {"MF103"}},
      {"MY101_near_default",
       MY,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
       {},
       {"MY101"}},
      // MySQL ignores column-level REFERENCES (static mode assumes MySQL)...
      {"MY102_inline_references",
       MY,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN pid int REFERENCES p (id);",
       {"MY102"},
       {},
       true,
       false},
      // ...but MariaDB 10.5+ creates the foreign key, so there is nothing to report.
      {"MY102_near_mariadb_honours_it",
       MY,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN pid int REFERENCES p (id);",
       {},
       {"MY102"},
       false},
      {"MY102_near_table_constraint",
       MY,
       {"CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int);"},
       "ALTER TABLE t ADD COLUMN pid int, ADD FOREIGN KEY (pid) REFERENCES p (id);",
       {},
       {"MY102"}},
      {"MY110_enum_removed",
       MY,
       {"CREATE TABLE t (id int, e enum('a','b','c'));"},
       "ALTER TABLE t MODIFY e enum('a','b');",
       {"MY110"},
       {}},
      {"MY111_enum_reordered",
       MY,
       {"CREATE TABLE t (id int, e enum('a','b','c'));"},
       "ALTER TABLE t MODIFY e enum('b','a','c');",
       {"MY111"},
       {}},
      {"MY112_enum_inserted",
       MY,
       {"CREATE TABLE t (id int, e enum('a','b','c'));"},
       "ALTER TABLE t MODIFY e enum('a','x','b','c');",
       {"MY112"},
       {}},
      {"MY11x_near_appended",
       MY,
       {"CREATE TABLE t (id int, e enum('a','b','c'));"},
       "ALTER TABLE t MODIFY e enum('a','b','c','d');",
       {},
       {"MY110", "MY111", "MY112", "MY113"}},
      {"MY120_set_removed",
       MY,
       {"CREATE TABLE t (id int, s set('a','b','c'));"},
       "ALTER TABLE t MODIFY s set('a','b');",
       {"MY120"},
       {}},
      {"MY121_set_reordered",
       MY,
       {"CREATE TABLE t (id int, s set('a','b','c'));"},
       "ALTER TABLE t MODIFY s set('c','b','a');",
       {"MY121"},
       {}},
      {"MY122_set_inserted",
       MY,
       {"CREATE TABLE t (id int, s set('a','b','c'));"},
       "ALTER TABLE t MODIFY s set('x','a','b','c');",
       {"MY122"},
       {}},
      {"MY123_set_grows_a_byte",
       MY,
       {"CREATE TABLE t (id int, s set('a','b','c','d','e','f','g','h'));"},
       "ALTER TABLE t MODIFY s set('a','b','c','d','e','f','g','h','i');",
       {"MY123"},
       {"MY122"}},
      {"MY12x_near_appended",
       MY,
       {"CREATE TABLE t (id int, s set('a','b','c'));"},
       "ALTER TABLE t MODIFY s set('a','b','c','d');",
       {},
       {"MY120", "MY121", "MY122", "MY123"}},
      // integrity
      {"SB106_statement_fails",
       PG,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE missing ADD COLUMN x int;",
       {"SB106"},
       {},
       false},
      {"SB106_mysql",
       MY,
       {"CREATE TABLE t (id int);"},
       "ALTER TABLE missing ADD COLUMN x int;",
       {"SB106"},
       {},
       false},
      {"SB107_unclosed_quote", PG, {}, "SELECT 'unclosed;\n", {"SB107"}, {}},
      {"SB108_explicit_commit", PG, {}, "BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;", {"SB108"}, {}},
      {"SB108_near_txmode_none",
       PG,
       {},
       "-- atlas:txmode none\n\nBEGIN;\nCREATE TABLE x (id int);\nCOMMIT;",
       {},
       {"SB108"}},
      {"SB109_unused_nolint",
       PG,
       {"CREATE TABLE t (id int);"},
       "-- atlas:nolint DS102\nCREATE TABLE u (id int);",
       {"SB109"},
       {}},
      {"SB109_near_nolint_used",
       PG,
       {"CREATE TABLE t (id int);"},
       "-- atlas:nolint DS102\nDROP TABLE t;",
       {},
       {"SB109", "DS102"}},
      {"nolint_family_name",
       PG,
       {"CREATE TABLE t (id int, c int);"},
       "-- atlas:nolint destructive\nALTER TABLE t DROP COLUMN c;",
       {},
       {"DS103", "SB109"}},
      {"nolint_file_level_args",
       PG,
       {"CREATE TABLE t (id int);\nCREATE TABLE u (id int);"},
       "-- atlas:nolint DS102\n\nDROP TABLE t;\nDROP TABLE u;",
       {},
       {"DS102"}},
  };
  return kCases;
}

class AnalyzerCase : public ::testing::TestWithParam<Case> {};

std::map<std::string, std::string> Files(const Case& c) {
  std::map<std::string, std::string> files;
  int v = 1;
  for (const auto& b : c.base) files[std::to_string(v++) + "_base.sql"] = b + "\n";
  files[std::to_string(v) + "_new.sql"] = c.fresh + "\n";
  return files;
}

void Check(const Case& c, const testing::LintOutcome& out, const char* mode) {
  for (const auto& w : c.want) {
    EXPECT_TRUE(out.codes.count(w)) << mode << ": " << c.name << ": want " << w << "\n"
                                    << report::RenderText(out.report, {});
  }
  for (const auto& n : c.not_want) {
    EXPECT_FALSE(out.codes.count(n)) << mode << ": " << c.name << ": did not want " << n << "\n"
                                     << report::RenderText(out.report, {});
  }
}

TEST_P(AnalyzerCase, DevDatabase) {
  const Case& c = GetParam();
  if (!c.dev_ok) GTEST_SKIP() << "static-only case";
  SB_REQUIRE_SERVER(c.dialect);
  auto out = LintFiles(c.dialect, Files(c), /*dev=*/true);
  ASSERT_TRUE(out) << out.error().message;
  Check(c, *out, "dev");
}

TEST_P(AnalyzerCase, Static) {
  const Case& c = GetParam();
  if (!c.static_ok) GTEST_SKIP() << "needs the dev database";
  auto out = LintFiles(c.dialect, Files(c), /*dev=*/false);
  ASSERT_TRUE(out) << out.error().message;
  Check(c, *out, "static");
}

INSTANTIATE_TEST_SUITE_P(Codes, AnalyzerCase, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Every code that the table says fires is a real code, and every analyzer code of the
// code table has a firing case (SB101-SB105 are covered in pipeline_test.cc).
TEST(AnalyzerCases, CoverEveryCode) {
  std::set<std::string> fired;
  for (const auto& c : Cases()) fired.insert(c.want.begin(), c.want.end());
  for (const auto& code : fired) EXPECT_NE(FindCode(code), nullptr) << code;
  for (const auto& info : AllCodes()) {
    std::string code(info.code);
    if (code.rfind("NM", 0) == 0 || code == "SB101" || code == "SB102" || code == "SB103" ||
        code == "SB104" || code == "SB105" || code == "MY113") {
      continue;  // pipeline_test.cc
    }
    EXPECT_TRUE(fired.count(code)) << code << " has no firing case";
  }
}

}  // namespace
}  // namespace schemabot::lint

namespace schemabot::lint {
namespace {

// A partial back-fill (UPDATE ... WHERE something else) does not make SET NOT NULL safe.
TEST(AnalyzerExtra, PartialBackfillStillWarnsMF104) {
  auto out = testing::LintFiles(
      sql::Dialect::kPostgres,
      {{"1_a.sql", "CREATE TABLE t (id int, c text, s text);\n"},
       {"2_b.sql",
        "UPDATE t SET c = 'x' WHERE s = 'a';\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\n"}},
      false);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->codes.count("MF104"));
  auto full = testing::LintFiles(
      sql::Dialect::kPostgres,
      {{"1_a.sql", "CREATE TABLE t (id int, c text, s text);\n"},
       {"2_b.sql",
        "UPDATE t SET c = 'x' WHERE (c IS NULL);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\n"}},
      false);
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->codes.count("MF104"));
}

TEST(AnalyzerExtra, SB108OncePerFile) {
  auto out = testing::LintFiles(
      sql::Dialect::kPostgres, {{"1_a.sql", "BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;\n"}}, false);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->codes.count("SB108"), 1u);
}

}  // namespace
}  // namespace schemabot::lint
