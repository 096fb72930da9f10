// `schemabot serve` end to end as deployed: the binary with a YAML config (GitHub token
// from a file, api_url and clone URLs on the forge simulator, a PostgreSQL dev-database
// server, cache_dir) receives a signed pull_request webhook and posts its summary, inline
// comments and status — the wiring of bot/flows Resources, not the test harness's.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/serve_harness.h"
#include "tests/sim/bot_harness.h"

namespace schemabot {
namespace {

namespace fs = std::filesystem;

TEST(ServeFlowTest, ServeLintsAPullRequestOnTheSimulator) {
  const char* pg = std::getenv("SCHEMABOT_TEST_PG_URL");
  if (!pg || !*pg) {
    if (const char* r = std::getenv("SCHEMABOT_REQUIRE_DBS"); r && *r == '1') {
      FAIL() << "SCHEMABOT_TEST_PG_URL is not set";
    }
    GTEST_SKIP() << "SCHEMABOT_TEST_PG_URL not set (scripts/test-dbs start)";
  }
  auto s = sim::ForgeSim::Start();
  ASSERT_TRUE(s) << s.error().message;
  auto& sim = **s;
  ASSERT_TRUE(sim.CreateRepo("acme/shop"));
  ASSERT_TRUE(
      sim.Commit("acme/shop", "main",
                 {{"migrations/1_init.sql", "CREATE TABLE items (id int PRIMARY KEY);\n"}}));
  ASSERT_TRUE(sim.Commit("acme/shop", "drop", {{"migrations/2_drop.sql", "DROP TABLE items;\n"}},
                         "drop", "main"));
  auto n = sim.OpenPull("acme/shop", "drop", "main");
  ASSERT_TRUE(n);

  fs::path dir = fs::temp_directory_path() / ("schemabot-serveflow-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "secret") << "serve-flow-secret\n";
  std::ofstream(dir / "token") << sim.options().github_token << "\n";
  std::string cfg = (dir / "schemabot.yaml").string();
  std::ofstream(cfg) << "listen: 127.0.0.1:0\n"
                     << "state: sqlite://" << (dir / "state.db").string() << "\n"
                     << "github:\n"
                     << "  api_url: " << sim.base_url() << "\n"
                     << "  webhook_secret_file: " << (dir / "secret").string() << "\n"
                     << "  token_file: " << (dir / "token").string() << "\n"
                     << "devdb:\n"
                     << "  postgres: { admin_url: \"" << pg << "\", pool_size: 1 }\n"
                     << "queue: { poll_interval: 50ms }\n";
  std::string log = (dir / "serve.log").string();
  {
    testing::ServeProcess serve(cfg, log);
    ASSERT_GT(serve.port(), 0) << testing::ReadFile(log);
    std::string body = sim::GitHubPullRequestPayload(sim, "acme/shop", *n, "opened");
    auto r = testing::SendGitHub(serve.port(), "serve-flow-secret", "pull_request", "sf-1", body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (sim.Statuses("acme/shop", sim.Pull("acme/shop", *n)->head_sha).size() < 2 &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(serve.Kill(SIGTERM), 0);
  }
  std::string head = sim.Pull("acme/shop", *n)->head_sha;
  auto statuses = sim.Statuses("acme/shop", head);
  ASSERT_EQ(statuses.size(), 2u) << testing::ReadFile(log);
  EXPECT_EQ(statuses[0].state, "pending");
  EXPECT_EQ(statuses[1].state, "failure");
  auto comments = sim.Comments("acme/shop", *n);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("DS102"), std::string::npos) << comments[0].body;
  ASSERT_EQ(sim.ReviewComments("acme/shop", *n).size(), 1u);
  EXPECT_EQ(sim.ReviewComments("acme/shop", *n)[0].line, 1);
  // The token was given in a file and must not appear in the log.
  EXPECT_EQ(testing::ReadFile(log).find(sim.options().github_token), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "cache")) << "cache_dir defaults to beside the SQLite state";
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace schemabot
