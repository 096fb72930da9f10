// LoadMigrations per format: versions, order, sections with positions, tx flags, issues.
#include <gtest/gtest.h>

#include "engine/dir/dir.h"

namespace schemabot::dir {
namespace {

MigrationDir Load(std::map<std::string, std::string> files, DirFormat f) {
  auto md = LoadMigrations(*NewMemDir(std::move(files)), f);
  EXPECT_TRUE(md) << md.error().message;
  return md ? std::move(*md) : MigrationDir{};
}

std::vector<std::string> Files(const MigrationDir& md, bool listed_only = false) {
  std::vector<std::string> out;
  for (const auto& m : md.migrations) {
    if (!listed_only || m.atlas_listed) out.push_back(m.file);
  }
  return out;
}

std::string Issues(const MigrationDir& md) {
  std::string out;
  for (const auto& i : md.issues) {
    out += (i.severity == DirIssue::Severity::kError ? "E " : "W ") + FormatIssue(i) + "\n";
  }
  return out;
}

using Names = std::vector<std::string>;

TEST(LoadAtlas, VersionsDescriptionsAndBytewiseOrder) {
  auto md = Load({{"20220318104614_initial.sql", "a"},
                  {"1.sql", "b"},
                  {"1_baseline.sql", "c"},
                  {"2.10.x-20_description.sql", "d"},
                  {"x.txt", "ignored"},
                  {"atlas.sum", "ignored"}},
                 DirFormat::kAtlas);
  // Bytewise: '.' < '0'.
  ASSERT_EQ(Files(md), (Names{"1.sql", "1_baseline.sql", "2.10.x-20_description.sql",
                              "20220318104614_initial.sql"}));
  EXPECT_EQ(md.migrations[0].version, "1");
  EXPECT_EQ(md.migrations[0].description, "");
  EXPECT_EQ(md.migrations[3].version, "20220318104614");
  EXPECT_EQ(md.migrations[3].description, "initial");
  EXPECT_EQ(md.migrations[2].version, "2.10.x-20");
  EXPECT_EQ(md.migrations[2].description, "description");
  EXPECT_EQ(md.migrations[0].up.text, "b");
  EXPECT_EQ(md.migrations[0].up.offset, 0u);
  // "1.sql" and "1_baseline.sql" share version "1".
  EXPECT_EQ(Issues(md), "E 1_baseline.sql: two files with version \"1\": 1.sql, 1_baseline.sql\n");
}

TEST(LoadAtlas, TxModeDirective) {
  auto md = Load({{"1_a.sql", "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t(c);\n"},
                  {"2_b.sql", "-- atlas:txmode none\nCREATE INDEX i ON t(c);\n"},  // no blank
                  {"3_c.sql", "-- atlas:txmode all\n\nx;\n"},
                  {"4_d.sql", "# atlas:txmode file\n\nx;\n"}},
                 DirFormat::kAtlas);
  ASSERT_EQ(md.migrations.size(), 4u);
  EXPECT_EQ(md.migrations[0].tx, TxMode::kNone);
  EXPECT_EQ(md.migrations[0].tx_directive, "-- atlas:txmode none");
  EXPECT_EQ(md.migrations[1].tx, TxMode::kFile);  // a statement comment, not a file directive
  EXPECT_EQ(md.migrations[3].tx, TxMode::kFile);
  EXPECT_NE(Issues(md).find("E 3_c.sql: txmode \"all\" is not allowed"), std::string::npos)
      << Issues(md);
}

TEST(LoadGolangMigrate, UpFilesWithTheirDownTwins) {
  auto md = Load({{"1_initial.up.sql", "CREATE TABLE t(id int);\n"},
                  {"1_initial.down.sql", "DROP TABLE t;\n"},
                  {"2_second.up.sql", "ALTER TABLE t ADD c int;\n"},
                  {"3_orphan.down.sql", "x"},
                  {"1.up.sql", "z"},
                  {"notes.sql", "y"}},
                 DirFormat::kGolangMigrate);
  ASSERT_EQ(Files(md), (Names{"1.up.sql", "1_initial.up.sql", "2_second.up.sql"}));
  EXPECT_EQ(md.migrations[0].version, "1.up");  // Atlas's rule for names without '_'
  const Migration& m = md.migrations[1];
  EXPECT_EQ(m.version, "1");
  EXPECT_EQ(m.description, "initial");
  ASSERT_TRUE(m.down);
  EXPECT_EQ(m.down->file, "1_initial.down.sql");
  EXPECT_EQ(m.down->text, "DROP TABLE t;\n");
  EXPECT_FALSE(md.migrations[2].down);
  std::string issues = Issues(md);
  EXPECT_NE(issues.find("W 3_orphan.down.sql: down file without \"3_orphan.up.sql\""),
            std::string::npos);
  EXPECT_NE(issues.find("W notes.sql: ignored: not a golang-migrate file name"), std::string::npos);
}

constexpr char kGoose[] =
    "-- +goose NO TRANSACTION\n"             // line 1
    "-- +goose Up\n"                         // line 2
    "CREATE TABLE a (id int);\n"             // line 3, offset 38
    "-- +goose StatementBegin\n"             // line 4
    "CREATE FUNCTION f() AS $$ x; y; $$;\n"  // line 5
    "-- +goose StatementEnd\n"               // line 6
    "SELECT 1\n"                             // line 7: no ';'
    "-- +goose Down\n"                       // line 8
    "DROP TABLE a;\n";

TEST(LoadGoose, SectionsBlocksAndTransactionFlag) {
  auto md = Load({{"1_a.sql", kGoose}}, DirFormat::kGoose);
  ASSERT_EQ(md.migrations.size(), 1u);
  const Migration& m = md.migrations[0];
  EXPECT_EQ(m.tx, TxMode::kNone);
  EXPECT_EQ(m.tx_directive, "-- +goose NO TRANSACTION");
  EXPECT_EQ(m.up.line, 3);
  EXPECT_EQ(m.up.column, 1);
  EXPECT_EQ(m.up.offset, 38u);
  EXPECT_EQ(m.content.substr(m.up.offset, 6), "CREATE");
  EXPECT_EQ(m.up.text,
            "CREATE TABLE a (id int);\n-- +goose StatementBegin\n"
            "CREATE FUNCTION f() AS $$ x; y; $$;\n-- +goose StatementEnd\nSELECT 1\n");
  ASSERT_EQ(m.up.blocks.size(), 1u);
  const auto& b = m.up.blocks[0];
  EXPECT_EQ(m.up.text.substr(b.begin, b.end - b.begin), "CREATE FUNCTION f() AS $$ x; y; $$;\n");
  ASSERT_TRUE(m.down);
  EXPECT_EQ(m.down->file, "1_a.sql");
  EXPECT_EQ(m.down->text, "DROP TABLE a;\n");
  EXPECT_EQ(m.down->line, 9);
  EXPECT_EQ(Issues(md), "");
}

TEST(LoadGoose, LowercaseNoTransactionAndCrlf) {
  auto md = Load(
      {{"1_a.sql", "-- +goose Up\r\n-- +goose no transaction\r\nx;\r\n-- +goose Down\r\ny;\r\n"}},
      DirFormat::kGoose);
  const Migration& m = md.migrations[0];
  EXPECT_EQ(m.tx, TxMode::kNone);
  EXPECT_EQ(m.up.text, "-- +goose no transaction\r\nx;\r\n");
  EXPECT_EQ(m.down->text, "y;\r\n");
  EXPECT_EQ(Issues(md), "W 1_a.sql:1: has CRLF line ends\n");
}

TEST(LoadGoose, PragmaErrorsAreIssues) {
  auto md = Load({{"1_a.sql", "-- +goose Down\nx;\n"},
                  {"2_b.sql", "SELECT 1;\n"},
                  {"3_c.sql", "-- +goose Up\n-- +goose StatementBegin\nx;\n"},
                  {"4_d.sql", "-- +goose Up\n-- +goose StatementEnd\n"},
                  {"5_e.sql", "-- +goose up\nx;\n"}},
                 DirFormat::kGoose);
  EXPECT_EQ(Issues(md),
            "E 1_a.sql:1: goose: 1_a.sql:1 unexpected goosePragma 'Down'\n"
            "E 1_a.sql: no \"-- +goose Up\" annotation: the file has no statements\n"
            "E 2_b.sql: no \"-- +goose Up\" annotation: the file has no statements\n"
            "E 3_c.sql:2: \"-- +goose StatementBegin\" without StatementEnd\n"
            "E 4_d.sql:2: goose: 4_d.sql:2 unexpected goosePragma 'StatementEnd'\n"
            "E 5_e.sql: no \"-- +goose Up\" annotation: the file has no statements (line 1 "
            "spells it \"-- +goose up\"; atlas reads only \"-- +goose Up\")\n");
  EXPECT_EQ(md.migrations[1].up.text, "");
  ASSERT_EQ(md.migrations[2].up.blocks.size(), 1u);
  EXPECT_EQ(md.migrations[2].up.blocks[0].end, md.migrations[2].up.text.size());
}

TEST(LoadDbmate, SectionsAndTransactionFalse) {
  auto md = Load(
      {{"1_a.sql", "-- migrate:up\nCREATE TABLE a(id int);\n\n-- migrate:down\nDROP TABLE a;\n"},
       {"2_b.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON a(id);\n"},
       {"3_c.sql", "SELECT 1;\n"}},
      DirFormat::kDbmate);
  const Migration& a = md.migrations[0];
  EXPECT_EQ(a.up.text, "CREATE TABLE a(id int);\n\n");
  EXPECT_EQ(a.up.line, 2);
  EXPECT_EQ(a.up.offset, 14u);
  EXPECT_EQ(a.down->text, "DROP TABLE a;\n");
  EXPECT_EQ(a.tx, TxMode::kFile);
  const Migration& b = md.migrations[1];
  EXPECT_EQ(b.tx, TxMode::kNone);
  EXPECT_EQ(b.up.text, "CREATE INDEX CONCURRENTLY i ON a(id);\n");
  EXPECT_FALSE(b.down);
  std::string issues = Issues(md);
  EXPECT_NE(issues.find("W 2_b.sql:1: atlas reads no statements"), std::string::npos);
  EXPECT_NE(issues.find("E 3_c.sql: no \"-- migrate:up\" line"), std::string::npos);
}

TEST(LoadFlyway, KindsOrderSubfoldersAndUndo) {
  auto md = Load({{"V1_12_10__ten.sql", "10"},
                  {"V1_12_2__two.sql", "2"},
                  {"sub/V1_12_3__three.sql", "3"},
                  {".hidden/V9__no.sql", "h"},
                  {"R__views.sql", "r"},
                  {"U1_12_2__two.sql", "undo"},
                  {"notes.sql", "x"},
                  {"V1_12_1__one.txt", "x"}},
                 DirFormat::kFlyway);
  ASSERT_EQ(Files(md), (Names{"V1_12_2__two.sql", "sub/V1_12_3__three.sql", "V1_12_10__ten.sql",
                              "R__views.sql"}));
  EXPECT_EQ(md.migrations[0].version, "1_12_2");
  EXPECT_EQ(md.migrations[0].description, "two");
  ASSERT_TRUE(md.migrations[0].down);
  EXPECT_EQ(md.migrations[0].down->file, "U1_12_2__two.sql");
  EXPECT_EQ(md.migrations[0].down->text, "undo");
  EXPECT_EQ(md.migrations[3].kind, MigrationKind::kRepeatable);
  EXPECT_EQ(md.migrations[3].version, "");
  EXPECT_EQ(md.migrations[3].description, "views");
  EXPECT_EQ(Issues(md),
            "W notes.sql: ignored: not a flyway file name (V<version>__<description>.sql, B…, "
            "R__…, U…)\n");
}

TEST(LoadFlyway, BaselineAsAtlasFiltersIt) {
  // Import vector: B2 drops V1 and V2 (Atlas keeps V files above the baseline only).
  auto md = Load({{"B2__baseline.sql", "b"},
                  {"V1__initial.sql", "1"},
                  {"V2__second.sql", "2"},
                  {"V3__third.sql", "3"},
                  {"R__views.sql", "r"}},
                 DirFormat::kFlyway);
  EXPECT_EQ(Files(md, true), (Names{"B2__baseline.sql", "V3__third.sql", "R__views.sql"}));
  EXPECT_EQ(Files(md), (Names{"B2__baseline.sql", "V1__initial.sql", "V2__second.sql",
                              "V3__third.sql", "R__views.sql"}));
  EXPECT_EQ(md.migrations[0].kind, MigrationKind::kBaseline);
  EXPECT_EQ(Issues(md), "");
}

TEST(LoadFlyway, StringComparedBaselineQuirkIsReported) {
  auto md = Load({{"B1_20_0__base.sql", "b"},
                  {"V1_2_0__old.sql", "old"},
                  {"V1_12_0__older.sql", "x"},
                  {"V1_21_0__new.sql", "new"}},
                 DirFormat::kFlyway);
  // "1_2_0" > "1_20_0" as strings, so Atlas keeps V1_2_0 although 1.2.0 < 1.20.0.
  EXPECT_EQ(Files(md, true), (Names{"B1_20_0__base.sql", "V1_2_0__old.sql", "V1_21_0__new.sql"}));
  EXPECT_NE(Issues(md).find("W V1_2_0__old.sql: atlas keeps this file after baseline"),
            std::string::npos)
      << Issues(md);
}

TEST(LoadBadInput, NeverCrashesAndSaysWhat) {
  std::string bom =
      "\xEF\xBB\xBF"
      "CREATE TABLE t(id int);\n";
  auto md = Load({{"1_bom.sql", bom},
                  {"2_empty.sql", ""},
                  {"3_latin1.sql", "SELECT 'caf\xE9';\n"},
                  {"4_crlf.sql", "SELECT 1;\r\nSELECT 2;\r\n"},
                  {"_nover.sql", "x"},
                  {"5_nul.sql", std::string("a\0b", 3)}},
                 DirFormat::kAtlas);
  ASSERT_EQ(md.migrations.size(), 6u);
  const Migration* b = md.Find("1_bom.sql");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->up.offset, 3u);
  EXPECT_EQ(b->up.column, 4);
  EXPECT_EQ(b->up.text, "CREATE TABLE t(id int);\n");
  EXPECT_EQ(b->content, bom);  // the hash still sees every byte
  EXPECT_EQ(Issues(md),
            "W 1_bom.sql:1: starts with a UTF-8 byte order mark (BOM); it is left out of the "
            "statements, but atlas.sum hashes it\n"
            "W 2_empty.sql: empty file\n"
            "W 3_latin1.sql:1: not valid UTF-8 (first bad byte at offset 11)\n"
            "W 4_crlf.sql:1: has CRLF line ends\n"
            "W _nover.sql: name has no version (expected <version>[_<description>].sql)\n");
  EXPECT_FALSE(md.HasErrors());
}

TEST(LoadBadInput, HundredMegabyteFileWorks) {
  std::string big = "-- +goose Up\n" + std::string(100 << 20, 'x') + "\n-- +goose Down\ny;\n";
  auto md = Load({{"1_big.sql", big}}, DirFormat::kGoose);
  ASSERT_EQ(md.migrations.size(), 1u);
  EXPECT_EQ(md.migrations[0].up.text.size(), (100u << 20) + 1);
  EXPECT_EQ(md.migrations[0].down->text, "y;\n");
}

}  // namespace
}  // namespace schemabot::dir
