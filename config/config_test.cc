#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/server_config.h"

namespace schemabot::config {
namespace {

std::string TempFile(const std::string& content) {
  char path[] = "/tmp/schemabot-config-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fd);
  return path;
}

TEST(Config, UnknownKeyIsPositionedWithSuggestion) {
  auto r = ParseServerConfig("workers: 2\ngithub:\n  tokn_file: /x\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "s.yaml:3:3: unknown key \"github.tokn_file\" (did you mean \"github.token_file\"?)");
}

TEST(Config, BadValuesArePositioned) {
  auto r = ParseServerConfig("workers: many\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "s.yaml:1:10: workers: \"many\" is not an integer");
  auto zero = ParseServerConfig("workers: 0\n", "s.yaml");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "s.yaml:1:1: workers: must be between 1 and 256");
  auto fmt = ParseServerConfig("log: {format: xml}\n", "s.yaml");
  ASSERT_FALSE(fmt);
  EXPECT_EQ(fmt.error().message, "s.yaml:1:15: log.format: \"xml\" is not one of text|json");
  auto syntax = ParseServerConfig("workers: [1\n", "s.yaml");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().message.substr(0, 7), "s.yaml:");
  auto shape = ParseServerConfig("github: 3\n", "s.yaml");
  ASSERT_FALSE(shape);
  EXPECT_EQ(shape.error().message, "s.yaml:1:9: github: expected a mapping");
}

TEST(Config, DefaultsApply) {
  auto r = ParseServerConfig("", "empty.yaml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->listen_port, 8080);
  EXPECT_EQ(r->workers, 4);
  EXPECT_EQ(r->lease, std::chrono::minutes(5));
  EXPECT_FALSE(r->github.enabled);
  EXPECT_EQ(r->repos, std::vector<std::string>{"**"});
}

TEST(Config, EnabledReceiverNeedsSecret) {
  auto r = ParseServerConfig("github:\n  api_url: http://127.0.0.1:1\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("s.yaml:1:1: github: receiver enabled without a webhook"),
            std::string::npos)
      << r.error().message;
  auto off = ParseServerConfig("github:\n  enabled: false\n", "s.yaml");
  EXPECT_TRUE(off) << off.error().message;
}

TEST(Config, SecretsFromFilesAndEnvAndRotation) {
  std::string f1 = TempFile("old-secret\nnew-secret\n\n");
  setenv("SCHEMABOT_TEST_GITLAB_SECRET", "gl-secret", 1);
  auto r =
      ParseServerConfig("github:\n  webhook_secret_file: " + f1 +
                            "\ngitlab:\n  webhook_secret_env: [SCHEMABOT_TEST_GITLAB_SECRET]\n",
                        "s.yaml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->github.webhook_secrets, (std::vector<std::string>{"old-secret", "new-secret"}));
  EXPECT_EQ(r->gitlab.webhook_secrets, std::vector<std::string>{"gl-secret"});
  std::string printed = r->values.Print();
  EXPECT_EQ(printed.find("old-secret"), std::string::npos);
  EXPECT_NE(printed.find("webhook_secret_env: \"SCHEMABOT_TEST_GITLAB_SECRET\""), std::string::npos)
      << printed;
  auto missing = ParseServerConfig("git:\n  webhook_secret_env: SCHEMABOT_TEST_UNSET_VAR\n", "s");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "s:2:3: git.webhook_secret_env: environment variable \"SCHEMABOT_TEST_UNSET_VAR\" is "
            "not set");
  unlink(f1.c_str());
}

TEST(Config, PrintRedactsCredentials) {
  auto r = ParseServerConfig("state: postgres://bot:hunter2@db/schemabot\n", "s.yaml");
  ASSERT_TRUE(r) << r.error().message;
  std::string printed = r->values.Print();
  EXPECT_EQ(printed.find("hunter2"), std::string::npos) << printed;
  EXPECT_NE(printed.find("state: \"postgres://bot:REDACTED@db/schemabot\""), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("workers: 4  # default"), std::string::npos) << printed;
}

TEST(Config, RepoAllowlist) {
  std::vector<std::string> p = {"acme/*", "!acme/legacy"};
  EXPECT_TRUE(RepoAllowed(p, "acme/app"));
  EXPECT_FALSE(RepoAllowed(p, "acme/legacy"));
  EXPECT_FALSE(RepoAllowed(p, "other/app"));
  EXPECT_FALSE(RepoAllowed(p, "acme/sub/app"));
  EXPECT_TRUE(RepoAllowed({"acme/**"}, "acme/sub/app"));
  EXPECT_TRUE(RepoAllowed({"**"}, "x/y"));
  EXPECT_FALSE(RepoAllowed({}, "x/y"));
}

// A second table with a list of objects, as the repo config uses.
constexpr Key kListKeys[] = {
    {"version", KeyType::kInt, "1", "v"},
    {"dirs[].path", KeyType::kString, "", "p"},
    {"dirs[].lint.destructive", KeyType::kEnum, "error", "d", false, "error|warning|off"},
};

TEST(Config, ListsOfObjects) {
  auto v = Parse(kListKeys, "dirs:\n  - path: a\n  - path: b\n    lint: {destructive: off}\n", "r");
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(v->Count("dirs"), 2u);
  EXPECT_EQ(v->String("dirs[1].path"), "b");
  EXPECT_EQ(v->String("dirs[0].lint.destructive"), "error");
  EXPECT_EQ(v->String("dirs[1].lint.destructive"), "off");
  EXPECT_EQ(v->Where("dirs[1].path").ToString(), "r:3:5");
  EXPECT_EQ(v->Print(),
            "version: 1  # default\ndirs:\n  - path: \"a\"\n    lint:\n      destructive: error  "
            "# default\n  - path: \"b\"\n    lint:\n      destructive: off\n");
  auto bad = Parse(kListKeys, "dirs:\n  - pth: a\n", "r");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "r:2:5: unknown key \"dirs[0].pth\" (did you mean \"dirs[].path\"?)");
}

TEST(Config, ExampleFileIsValid) {
  std::string dir = std::string(SCHEMABOT_SOURCE_DIR) + "/config/";
  auto v = Load(kServerKeys, dir + "schemabot.example.yaml");
  ASSERT_TRUE(v) << v.error().message;
}

TEST(Config, DocsAreUpToDate) {
  std::string path = std::string(SCHEMABOT_SOURCE_DIR) + "/docs/config.md";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (std::getenv("SCHEMABOT_UPDATE_GOLDEN")) {
    std::ofstream(path) << ReferenceMarkdown();
    return;
  }
  EXPECT_EQ(ss.str(), ReferenceMarkdown())
      << "docs/config.md is stale: run `build/schemabot config docs > docs/config.md`";
}

}  // namespace
}  // namespace schemabot::config
