#include "engine/lint/codes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace schemabot::lint {
namespace {

TEST(Codes, UniqueAndKnownFamilies) {
  std::set<std::string_view> seen;
  for (const auto& c : AllCodes()) {
    EXPECT_TRUE(seen.insert(c.code).second) << "duplicate code " << c.code;
    EXPECT_TRUE(IsFamily(c.family)) << c.code << " has unknown family " << c.family;
    EXPECT_FALSE(c.summary.empty()) << c.code;
  }
  EXPECT_EQ(FindCode("DS102")->family, "destructive");
  EXPECT_EQ(FindCode("DS102")->default_level, Level::kError);
  EXPECT_EQ(FindCode("XX999"), nullptr);
}

// docs/lint-codes.md has exactly one anchor per code, and no anchor for a code that does
// not exist.
TEST(Codes, EveryCodeDocumentedAndEveryDocumentedCodeExists) {
  std::ifstream in(std::filesystem::path(SCHEMABOT_SOURCE_DIR) / "docs/lint-codes.md");
  ASSERT_TRUE(in) << "docs/lint-codes.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  std::regex anchor(R"re(<a id="([a-z]{2}[0-9]{3})"></a>)re");
  std::multiset<std::string> documented;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), anchor); it != std::sregex_iterator();
       ++it) {
    std::string code = (*it)[1];
    for (auto& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    documented.insert(code);
  }
  for (const auto& c : AllCodes()) {
    EXPECT_EQ(documented.count(std::string(c.code)), 1u) << c.code << " not documented once";
  }
  for (const auto& d : documented) EXPECT_NE(FindCode(d), nullptr) << d << " documented, unknown";
}

}  // namespace
}  // namespace schemabot::lint
