#include "engine/report/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace schemabot::report {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compares `got` with testdata/<name>.golden; SCHEMABOT_UPDATE_GOLDEN=1 rewrites it.
void ExpectGolden(const std::string& name, const std::string& got) {
  fs::path p = fs::path(SCHEMABOT_SOURCE_DIR) / "engine/report/testdata" / (name + ".golden");
  if (std::getenv("SCHEMABOT_UPDATE_GOLDEN")) {
    std::ofstream(p, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(fs::exists(p)) << p << " missing; run with SCHEMABOT_UPDATE_GOLDEN=1";
  EXPECT_EQ(got, ReadAll(p)) << "golden " << name << " differs";
}

fs::path ReportsDir() { return fs::path(SCHEMABOT_SHARED_DIR) / "fixtures/atlas-lint-reports"; }

TEST(AtlasJson, EveryFixtureRoundTripsByteForByte) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(ReportsDir())) {
    if (e.path().extension() != ".json") continue;
    std::string text = ReadAll(e.path());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto rep = ParseAtlasJson(text);
    ASSERT_TRUE(rep) << e.path() << ": " << rep.error().message;
    EXPECT_EQ(RenderAtlasJson(*rep), text) << e.path();
    ++n;
  }
  EXPECT_GE(n, 5);
}

TEST(AtlasJson, DerivesErrorReportsFromFileError) {
  auto rep = ParseAtlasJson(ReadAll(ReportsDir() / "migrate-lint.data-2.json"));
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->steps.size(), 4u);
  const auto& destructive = *rep->steps[3].result;
  ASSERT_EQ(destructive.reports.size(), 1u);
  // The fixture capitalises the Error ("Destructive changes detected"); the report text is
  // lower-case, so this one is not matched as an error — Atlas itself writes lower case.
  EXPECT_EQ(destructive.reports[0].diagnostics[0].code, "DS102");
  EXPECT_EQ(rep->files.size(), 2u);
}

TEST(AtlasJson, RejectsGarbage) {
  EXPECT_FALSE(ParseAtlasJson("{"));
  EXPECT_FALSE(ParseAtlasJson("[1,2]"));
  EXPECT_TRUE(ParseAtlasJson("{}"));
}

TEST(AtlasJson, EscapesLikeGo) {
  SummaryReport r;
  FileReport f;
  f.name = "1.sql";
  f.text = "SELECT 1 < 2 && 3 > 2;";
  r.files.push_back(f);
  std::string j = RenderAtlasJson(r);
  EXPECT_NE(j.find("1 \\u003c 2 \\u0026\\u0026 3 \\u003e 2"), std::string::npos) << j;
  EXPECT_EQ(j.find('<'), std::string::npos);
}

SummaryReport Sample() {
  SummaryReport r;
  r.env.dir = "migrations";
  r.from_version = "1";
  r.to_version = "3";
  r.new_files = 2;
  r.schema_changes = 3;
  r.steps.push_back({"Migration Integrity Check", "File atlas.sum is valid", "", std::nullopt});
  r.steps.push_back({"Detect New Migration Files", "Found 2 new migration files (from 3 total)", "",
                     std::nullopt});
  FileReport f2;
  f2.name = "2_drop.sql";
  f2.text = "-- drop the old table\nDROP TABLE t;\nALTER TABLE u ADD COLUMN c int NOT NULL;\n";
  AnalyzerReport ds{"destructive changes detected", "", {}, {}, true};
  ds.diagnostics.push_back({22,
                            "Dropping table \"t\"",
                            "DS102",
                            {{"Add a pre-migration check to ensure table \"t\" is empty before "
                              "dropping it",
                              std::nullopt}}});
  AnalyzerReport mf{"data dependent changes detected", "", {}, {}, false};
  mf.diagnostics.push_back({36,
                            "Adding a non-nullable \"integer\" column \"c\" will fail in case "
                            "table \"u\" is not empty",
                            "MF103",
                            {}});
  f2.reports = {ds, mf};
  f2.error = "destructive changes detected";
  FileReport f3;
  f3.name = "3_ok.sql";
  f3.text = "CREATE TABLE v (id int);\n";
  r.files = {f2, f3};
  r.steps.push_back({"Analyze 2_drop.sql", "2 reports were found in analysis", "", f2});
  r.steps.push_back({"Analyze 3_ok.sql", "0 reports were found in analysis", "", f3});
  return r;
}

TEST(Render, GoldenText) { ExpectGolden("sample.txt", RenderText(Sample(), {})); }
TEST(Render, GoldenMarkdown) {
  RenderOptions o;
  o.head_sha = "0123456789abcdef0123";
  ExpectGolden("sample.md", RenderMarkdown(Sample(), o));
}
TEST(Render, GoldenSarif) { ExpectGolden("sample.sarif", RenderSarif(Sample(), {})); }
TEST(Render, GoldenCodeQuality) {
  ExpectGolden("sample.codequality.json", RenderCodeQuality(Sample(), {}));
}
TEST(Render, GoldenJson) { ExpectGolden("sample.json", RenderAtlasJson(Sample()) + "\n"); }

TEST(Render, TextFooterCountsAndLines) {
  std::string t = RenderText(Sample(), {});
  EXPECT_NE(t.find("Analyzing changes from version 1 to 3 (2 migrations in total):"),
            std::string::npos);
  EXPECT_NE(t.find("-- L2: Dropping table \"t\""), std::string::npos) << t;
  EXPECT_NE(t.find("-- L3: Adding a non-nullable"), std::string::npos) << t;
  EXPECT_NE(t.find("-- 1 version ok, 1 with errors"), std::string::npos) << t;
  EXPECT_NE(t.find("-- 2 diagnostics"), std::string::npos);
}

TEST(Render, MarkdownHasMarkerAnchorsAndSafeFences) {
  SummaryReport r = Sample();
  r.files[0].text = "DROP TABLE t /* ```` tricky */;\n";
  r.files[0].reports[0].diagnostics[0].pos = 0;
  std::string md = RenderMarkdown(r, {});
  EXPECT_EQ(md.rfind("<!-- schemabot:lint dir=migrations -->", 0), 0u);
  EXPECT_NE(md.find("[DS102](docs/lint-codes.md#DS102)"), std::string::npos);
  EXPECT_NE(md.find("`````sql"), std::string::npos) << md;
}

TEST(Render, SarifIsValidJsonWithLevels) {
  auto j = nlohmann::json::parse(RenderSarif(Sample(), {}));
  EXPECT_EQ(j["version"], "2.1.0");
  const auto& results = j["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[1]["level"], "warning");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "migrations/2_drop.sql");
}

TEST(Render, PositionOf) {
  EXPECT_EQ(PositionOf("a\nbc\nd", 0).line, 1);
  EXPECT_EQ(PositionOf("a\nbc\nd", 3).line, 2);
  EXPECT_EQ(PositionOf("a\nbc\nd", 3).column, 2);
  EXPECT_EQ(PositionOf("a\nbc\nd", 999).line, 3);
  EXPECT_EQ(PositionOf("", -5).line, 1);
}

TEST(Render, ParseFormat) {
  EXPECT_EQ(*ParseFormat("sarif"), Format::kSarif);
  EXPECT_EQ(*ParseFormat("code-quality"), Format::kCodeQuality);
  auto bad = ParseFormat("xml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("\"xml\""), std::string::npos);
}

}  // namespace
}  // namespace schemabot::report
