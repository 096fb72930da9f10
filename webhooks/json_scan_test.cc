#include "webhooks/json_scan.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/text.h"

namespace schemabot::webhooks::json {
namespace {

using nlohmann::json;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool NlohmannAccepts(std::string_view text) {
  return !json::parse(text.begin(), text.end(), nullptr, false).is_discarded();
}

// The same tree, value by value, as nlohmann's DOM (keys found through Find, which keeps
// the last of repeated keys as nlohmann does).
void ExpectSame(Value v, const json& j, const std::string& where) {
  ASSERT_TRUE(v) << where;
  if (j.is_object()) {
    ASSERT_TRUE(v.is_object()) << where;
    size_t members = 0;
    for (auto it = j.begin(); it != j.end(); ++it) {
      ExpectSame(v.Find(it.key()), it.value(), where + "." + it.key());
    }
    for ([[maybe_unused]] Value m : v.Children()) ++members;
    EXPECT_GE(members, j.size()) << where;
  } else if (j.is_array()) {
    ASSERT_TRUE(v.is_array()) << where;
    size_t i = 0;
    for (Value e : v.Children()) {
      ASSERT_LT(i, j.size()) << where;
      ExpectSame(e, j[i], where + "[" + std::to_string(i) + "]");
      ++i;
    }
    EXPECT_EQ(i, j.size()) << where;
  } else if (j.is_string()) {
    EXPECT_EQ(v.String(), j.get<std::string>()) << where;
  } else if (j.is_number_unsigned()) {
    EXPECT_EQ(v.UInt64(), j.get<uint64_t>()) << where;
  } else if (j.is_number_integer()) {
    EXPECT_EQ(v.Int64(), j.get<int64_t>()) << where;
  } else if (j.is_number_float()) {
    EXPECT_TRUE(v.is_number()) << where;
    EXPECT_FALSE(v.Int64() && v.UInt64()) << where;
  } else if (j.is_boolean()) {
    EXPECT_EQ(v.True(), j.get<bool>()) << where;
    EXPECT_TRUE(v.type() == Type::kTrue || v.type() == Type::kFalse) << where;
  } else {
    EXPECT_TRUE(v.is_null()) << where;
  }
}

TEST(JsonScan, EveryFixtureReadsAsNlohmannReadsIt) {
  int count = 0;
  for (const char* host : {"github", "gitlab"}) {
    auto dir = std::filesystem::path(SCHEMABOT_SHARED_DIR) / "fixtures" / host;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".json") continue;
      std::string text = ReadFile(entry.path());
      Doc doc(text);
      ASSERT_TRUE(doc.ok()) << entry.path() << ": " << doc.error();
      ExpectSame(doc.root(), json::parse(text), entry.path().filename().string());
      ++count;
    }
  }
  EXPECT_GE(count, 27);
}

TEST(JsonScan, AcceptsWhatNlohmannAccepts) {
  const char* cases[] = {
      // valid
      "{}",
      "[]",
      " {\"a\" : [1, -0, 2.5e3, true, false, null, \"x\"]} ",
      "\"\\u00e9\\ud83d\\ude00\"",
      "0",
      "-1",
      "1E+2",
      "\xEF\xBB\xBF{}",
      "{\"a\":1,\"a\":2}",
      "\"caf\xC3\xA9\"",
      "\"\xF0\x9F\x98\x80\"",
      "[[[[[]]]]]",
      "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
      "18446744073709551615",
      "18446744073709551616",
      "-9223372036854775809",
      // invalid
      "",
      " ",
      "{",
      "[1,]",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{a:1}",
      "01",
      "1.",
      ".5",
      "-",
      "1e",
      "+1",
      "tru",
      "nul",
      "[1 2]",
      "{} {}",
      "\"abc",
      "\"\\x\"",
      "\"\\u12\"",
      "\"\\ud800\"",
      "\"\\udc00\"",
      "\"\\ud800\\u0041\"",
      "\"\x01\"",
      "\"\xC0\xAF\"",
      "\"\xED\xA0\x80\"",
      "\"\xF4\x90\x80\x80\"",
      "\"\xE2\x82\"",
      "\"\xFF\"",
      "[\"a\"}",
      "{\"a\":1]",
      "\xEF\xBB",
      "nulll",
      "[true false]",
      "{\"\\ud800\":1}",
  };
  for (const char* c : cases) {
    Doc doc(c);
    EXPECT_EQ(doc.ok(), NlohmannAccepts(c)) << "input: " << c << " error: " << doc.error();
    if (doc.ok()) ExpectSame(doc.root(), json::parse(c), c);
  }
}

TEST(JsonScan, ErrorsSayWhere) {
  Doc doc("{\"a\" 1}");
  EXPECT_FALSE(doc.ok());
  EXPECT_EQ(doc.error(), "at byte 5: expected ':'");
  EXPECT_FALSE(doc.root());
  EXPECT_FALSE(doc.root().Find("a"));
  EXPECT_EQ(doc.root().String(), "");
}

TEST(JsonScan, DeepNestingDoesNotRecurse) {
  std::string deep(200'000, '[');
  deep += std::string(200'000, ']');
  Doc doc(deep);
  EXPECT_TRUE(doc.ok()) << doc.error();
  Doc open(std::string(200'000, '{'));
  EXPECT_FALSE(open.ok());
}

TEST(JsonScan, FindTakesTheLastOfRepeatedKeysAndUnescapesKeys) {
  Doc doc(R"({"a":1,"b\u0022":"q","a":{"c":[1,2]}})");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc.root().Find("a").is_object());
  EXPECT_EQ(doc.root().Find("b\"").String(), "q");
  EXPECT_FALSE(doc.root().Find("c"));
  int n = 0;
  for (Value v : doc.root().Find("a").Find("c").Children()) n += static_cast<int>(*v.Int64());
  EXPECT_EQ(n, 3);
}

TEST(JsonScan, AppendJsonStringWritesValidJsonForAnyBytes) {
  const std::string inputs[] = {"plain",
                                "q\"b\\s/",
                                std::string("nul\0ctl\x01\x1f\n\t", 11),
                                "caf\xC3\xA9 \xF0\x9F\x98\x80",
                                "bad\xFF\xC0\xAF"
                                "end",
                                "cut\xE2\x82",
                                std::string(100, 'x') + "\"" + std::string(9, 'y')};
  for (const std::string& in : inputs) {
    std::string out;
    AppendJsonString(out, in);
    Doc doc(out);
    ASSERT_TRUE(doc.ok()) << out << ": " << doc.error();
    ASSERT_TRUE(NlohmannAccepts(out)) << out;
    std::string back = doc.root().String();
    EXPECT_EQ(back, json::parse(out).get<std::string>());
    if (in.find('\xFF') == std::string::npos && in.find("\xE2\x82") == std::string::npos) {
      EXPECT_EQ(back, in);
    }
  }
  std::string out;
  AppendJsonString(out,
                   "a\xFF"
                   "b");
  EXPECT_EQ(out,
            "\"a\xEF\xBF\xBD"
            "b\"");
  out.clear();
  AppendJsonString(out, std::string("\x01\"", 2));
  EXPECT_EQ(out, "\"\\u0001\\\"\"");
}

// Not a timed test: guards against an accidental quadratic path (a 28 KB payload must stay
// far below a millisecond even on a loaded machine).
TEST(JsonScan, ReadsThePullRequestFixtureQuickly) {
  std::string text = ReadFile(std::filesystem::path(SCHEMABOT_SHARED_DIR) /
                              "fixtures/github/pull_request.opened.json");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) {
    Doc doc(text);
    ASSERT_TRUE(doc.ok());
  }
  auto per = (std::chrono::steady_clock::now() - start) / 100;
  EXPECT_LT(per, std::chrono::milliseconds(5));
}

}  // namespace
}  // namespace schemabot::webhooks::json
