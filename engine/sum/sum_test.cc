// atlas.sum: every vector byte for byte, the corpus sums, and Atlas's validation cases.
#include "engine/sum/sum.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/crypto.h"

namespace schemabot::sum {
namespace {

namespace fs = std::filesystem;
using dir::DirFormat;

std::string Shared() {
  if (const char* env = std::getenv("SCHEMABOT_SHARED_DIR")) return env;
  return SCHEMABOT_SHARED_DIR;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every folder under atlas-sum-vectors/ that holds an atlas.sum, at any depth.
std::vector<fs::path> VectorDirs() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(Shared() + "/fixtures/atlas-sum-vectors")) {
    if (e.is_regular_file() && e.path().filename() == "atlas.sum")
      out.push_back(e.path().parent_path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SumVectors, EveryVectorReproducesByteForByte) {
  auto dirs = VectorDirs();
  ASSERT_GE(dirs.size(), 11u);  // the README lists 11; more may be added
  for (const auto& p : dirs) {
    SCOPED_TRACE(p.string());
    auto d = dir::OpenDiskDir(p.string());
    ASSERT_TRUE(d) << d.error().message;
    // "Atlas format unless noted": detection keeps that, and picks another format only when
    // the vector's atlas.sum says so.
    auto format = dir::DetectFormat(**d);
    DirFormat f = format ? *format : DirFormat::kAtlas;
    auto sum = ComputeSum(**d, f);
    ASSERT_TRUE(sum) << sum.error().message;
    EXPECT_EQ(FormatSum(*sum), ReadFile(p / "atlas.sum"));
    auto v = Validate(**d, f);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok()) << v->Error();
    auto parsed = ParseSum(ReadFile(p / "atlas.sum"));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->entries.size(), sum->entries.size());
  }
}

TEST(SumVectors, CorpusSumsReproduce) {
  struct C {
    const char* path;
    DirFormat format;
    size_t entries;
  };
  for (const C& c :
       {C{"hatchet-postgres-atlas/migrations", DirFormat::kAtlas, 82},
        C{"openmeter-postgres-atlas-golang-migrate/migrations", DirFormat::kGolangMigrate, 269}}) {
    SCOPED_TRACE(c.path);
    std::string path = Shared() + "/corpus/" + c.path;
    auto d = dir::OpenDiskDir(path);
    ASSERT_TRUE(d);
    auto detected = dir::DetectFormat(**d);
    ASSERT_TRUE(detected);
    EXPECT_EQ(*detected, c.format);
    auto sum = ComputeSum(**d, c.format);
    ASSERT_TRUE(sum);
    EXPECT_EQ(sum->entries.size(), c.entries);
    EXPECT_EQ(FormatSum(*sum), ReadFile(path + "/atlas.sum"));
    auto v = Validate(**d, c.format);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok());
    // Read as atlas format, openmeter's down files would count: a mismatch.
    if (c.format == DirFormat::kGolangMigrate) {
      auto wrong = Validate(**d, DirFormat::kAtlas);
      ASSERT_TRUE(wrong);
      EXPECT_EQ(wrong->Error(), "checksum mismatch");
    }
  }
}

TEST(Sum, WorkedExampleAndEmptyDir) {
  auto s =
      ComputeSum({{"20240101000000_create_users.sql", "CREATE TABLE users (id int PRIMARY KEY);\n"},
                  {"20240102000000_add_email.sql", "ALTER TABLE users ADD COLUMN email text;\n"}});
  EXPECT_EQ(FormatSum(s),
            "h1:WMQJLccglBHZpHxUP5zk4WV/HdTKR9tphi8Y4XkrdeI=\n"
            "20240101000000_create_users.sql h1:KG6REc/H08p47R11H6Vn11PvN1vePPp6uAlCOVC5Nnw=\n"
            "20240102000000_add_email.sql h1:+K0I9mlGGU5eaoTgftRK737eMWLjWVfanQHvooA+os8=\n");
  EXPECT_EQ(FormatSum(ComputeSum(std::vector<NamedContent>{})),
            "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
}

TEST(Sum, IgnoreDirectiveKeepsTheNameInTheRunningHash) {
  EXPECT_TRUE(HasSumIgnore("-- atlas:sum ignore\nINSERT 1;"));
  EXPECT_TRUE(HasSumIgnore("//atlas:sum ignore\nbar"));
  EXPECT_TRUE(HasSumIgnore("atlas:sum ignore"));
  EXPECT_FALSE(HasSumIgnore("//atlas:sum\nfoo"));
  EXPECT_FALSE(HasSumIgnore("-- atlas:sum ignore\r\nx"));  // CRLF defeats it
  EXPECT_FALSE(HasSumIgnore("-- atlas:sum ignore \nx"));
  EXPECT_FALSE(HasSumIgnore("x\n-- atlas:sum ignore\n"));
  auto s = ComputeSum({{"1_a.sql", "-- atlas:sum ignore\nseed"}, {"2_b.sql", "b"}});
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].file, "2_b.sql");
  EXPECT_EQ(s.entries[0].hash, Base64Encode(Sha256("1_a.sql2_b.sqlb")));
}

TEST(ParseSum, AtlasRules) {
  std::string good = FormatSum(ComputeSum({{"1_a.sql", "a"}, {"2_b.sql", "b"}}));
  auto p = ParseSum(good);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->entries.size(), 2u);
  EXPECT_EQ(p->entries[1].file, "2_b.sql");
  // CRLF and extra spaces before h1: parse to the same sum.
  std::string crlf;
  for (char c : good) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  ASSERT_TRUE(ParseSum(crlf));
  std::string spaced = good;
  spaced.replace(spaced.find(" h1:"), 4, "   h1:");
  auto sp = ParseSum(spaced);
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->entries[0].file, "1_a.sql");
  // A line without h1: (also a blank line) is a format error.
  EXPECT_EQ(ParseSum(good + "\n").error().message, "checksum file format invalid");
  EXPECT_EQ(ParseSum(good + "junk\n").error().message, "checksum file format invalid");
  // A hand-edited total is a mismatch.
  std::string edited = good;
  edited[5] = edited[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ParseSum(edited).error().message, "checksum mismatch");
  EXPECT_EQ(ParseSum("").error().message, "checksum mismatch");
  EXPECT_TRUE(ParseSum("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));  // "h1:" optional
}

// The vector of Atlas's TestValidate, copied into memory so each case can edit it.
std::map<std::string, std::string> MigrateVector() {
  std::map<std::string, std::string> files;
  fs::path p = Shared() + "/fixtures/atlas-sum-vectors/atlas-sqlmigrate-migrate";
  for (const char* f : {"1_initial.down.sql", "1_initial.up.sql", "atlas.sum"}) {
    files[f] = ReadFile(p / f);
  }
  return files;
}

Validation ValidateMem(std::map<std::string, std::string> files) {
  auto d = dir::NewMemDir(std::move(files));
  auto v = Validate(*d, DirFormat::kAtlas);
  EXPECT_TRUE(v);
  return v ? *v : Validation{};
}

TEST(Validate, AtlasTestValidateCases) {
  auto files = MigrateVector();
  EXPECT_TRUE(ValidateMem(files).ok());

  auto none = files;
  none.erase("1_initial.down.sql");
  none.erase("1_initial.up.sql");
  auto v = ValidateMem(none);
  ASSERT_TRUE(v.mismatch);
  EXPECT_EQ(v.Detail(), "L2: 1_initial.down.sql was removed");
  EXPECT_EQ(v.mismatch->pos, 48u);

  auto edited = files;
  edited["1_initial.up.sql"] += "\nALTER TABLE t ADD c int;";
  v = ValidateMem(edited);
  ASSERT_TRUE(v.mismatch);
  EXPECT_EQ(v.Detail(), "L3: 1_initial.up.sql was edited");
  EXPECT_EQ(v.mismatch->pos, 115u);

  auto added = files;
  added["2_second.sql"] = "CREATE TABLE s(id int);";
  v = ValidateMem(added);
  ASSERT_TRUE(v.mismatch);
  EXPECT_EQ(v.Detail(), "L4: 2_second.sql was added");
  EXPECT_EQ(v.mismatch->pos, 180u);
  EXPECT_EQ(v.mismatch->total, 2);

  auto renamed = files;
  renamed["1_first.up.sql"] = renamed["1_initial.up.sql"];
  renamed.erase("1_initial.up.sql");
  v = ValidateMem(renamed);
  ASSERT_TRUE(v.mismatch);
  EXPECT_EQ(v.Detail(), "L2: 1_first.up.sql was added");
  EXPECT_EQ(v.Error(), "checksum mismatch");
  EXPECT_EQ(LintReportError(v), "checksum mismatch (atlas.sum): L2: 1_first.up.sql was added");
}

TEST(Validate, MissingAndInvalidSum) {
  auto files = MigrateVector();
  files.erase("atlas.sum");
  EXPECT_EQ(ValidateMem(files).Error(), "checksum file not found");
  EXPECT_TRUE(ValidateMem({{"README", "x"}}).ok());  // no migrations, no sum: fine
  auto bad = MigrateVector();
  bad["atlas.sum"] += "garbage\n";
  auto v = ValidateMem(bad);
  EXPECT_EQ(v.status, Validation::Status::kFormatInvalid);
  EXPECT_EQ(v.Error(), "checksum file format invalid");
  auto hand = MigrateVector();
  hand["atlas.sum"][4] ^= 1;
  v = ValidateMem(hand);
  EXPECT_EQ(v.Error(), "checksum mismatch");
  EXPECT_FALSE(v.mismatch);
}

TEST(Validate, CliReportIsAtlasText) {
  auto files = MigrateVector();
  files["1_initial.up.sql"] += "x";
  auto v = ValidateMem(files);
  EXPECT_EQ(CliReport(v, "'atlas migrate hash'"),
            "You have a checksum error in your migration directory.\n"
            "\n\tL3: 1_initial.up.sql was edited\n\n"
            "Please check your migration files and run 'atlas migrate hash' to re-hash the "
            "contents\n\n"
            "Error: checksum mismatch\n");
  files.erase("atlas.sum");
  EXPECT_EQ(CliReport(ValidateMem(files)),
            "You have a checksum error in your migration directory.\n"
            "Please check your migration files and run 'schemabot hash' to re-hash the "
            "contents\n\n"
            "Error: checksum file not found\n");
  EXPECT_EQ(CliReport(Validation{}), "");
}

TEST(WriteSum, WritesAndValidates) {
  auto d = dir::NewMemDir({{"1_a.sql", "a"}, {"2_b.sql", "b"}});
  auto text = WriteSum(*d, DirFormat::kAtlas);
  ASSERT_TRUE(text);
  EXPECT_EQ(*d->Read("atlas.sum"), *text);
  EXPECT_TRUE(Validate(*d, DirFormat::kAtlas)->ok());
}

TEST(SumVectors, GitTreeGivesTheSameSum) {
  // The bot hashes directories at commits: a vector committed to a bare repository hashes
  // exactly as on disk.
  std::string tmpl = (fs::temp_directory_path() / "schemabot-sum-git-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path root = tmpl;
  fs::path vec = Shared() + "/fixtures/atlas-sum-vectors/atlas-cmdapi-baseline2";
  fs::create_directories(root / "work");
  fs::copy(vec, root / "work" / "db", fs::copy_options::recursive);
  std::string git = "git -C " + (root / "work").string() + " -c user.name=t -c user.email=t@e ";
  std::string cmd = "git init -q " + (root / "work").string() + " && " + git + "add -A && " + git +
                    "commit -q -m v && git clone -q --bare " + (root / "work").string() + " " +
                    (root / "bare.git").string();
  ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0);
  auto tree = dir::OpenGitTreeDir((root / "bare.git").string(), "HEAD", "db");
  ASSERT_TRUE(tree) << tree.error().message;
  auto sum = ComputeSum(**tree, DirFormat::kAtlas);
  ASSERT_TRUE(sum);
  EXPECT_EQ(FormatSum(*sum), ReadFile(vec / "atlas.sum"));
  EXPECT_TRUE(Validate(**tree, DirFormat::kAtlas)->ok());
  EXPECT_EQ(WriteSum(**tree, DirFormat::kAtlas).error().code, ErrorCode::kPermissionDenied);
  fs::remove_all(root);
}

TEST(Sum, FlywayUsesAtlasOrder) {
  // Import vector: B2 then V3 then R; V1/V2 are covered by the baseline; U ignored.
  auto d = dir::OpenDiskDir(Shared() + "/fixtures/atlas-import-vectors/flyway");
  ASSERT_TRUE(d);
  auto s = ComputeSum(**d, DirFormat::kFlyway);
  ASSERT_TRUE(s);
  std::vector<std::string> names;
  for (const auto& e : s->entries) names.push_back(e.file);
  EXPECT_EQ(names, (std::vector<std::string>{"B2__baseline.sql", "V3__third_migration.sql",
                                             "R__views.sql"}));
}

}  // namespace
}  // namespace schemabot::sum
