// `schemabot hook post-receive` end to end: a real bare repository whose post-receive hook
// runs the schemabot binary, a real `git push`, a real `schemabot serve` on 127.0.0.1, and
// the job read back from its store.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "bot/queue/queue.h"
#include "bot/store/store.h"
#include "tests/integration/serve_harness.h"
#include "webhooks/event.h"

namespace schemabot {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::ServeProcess;

class HookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("schemabot-hook-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "server-secret") << "old-secret\n" << kSecret << "\n";  // rotation
    state_ = "sqlite://" + (dir_ / "state.db").string();
    config_ = (dir_ / "schemabot.yaml").string();
    std::ofstream(config_) << "listen: 127.0.0.1:0\nstate: " << state_
                           << "\nworkers: 1\nrepos: [\"team/*\"]\ngit:\n  webhook_secret_file: "
                           << (dir_ / "server-secret").string() << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs a shell command in dir_; returns its exit status, output in `out`.
  int Sh(const std::string& cmd, std::string* out = nullptr) {
    std::string log = (dir_ / "sh.out").string();
    int rc =
        std::system(("cd '" + dir_.string() + "' && (" + cmd + ") >'" + log + "' 2>&1").c_str());
    if (out) *out = ReadFile(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  // A bare repository team/<name>.git whose post-receive hook runs schemabot, configured
  // through the environment as an administrator would, with `secret` as its key.
  fs::path BareRepo(const std::string& name, int port, const std::string& secret) {
    fs::path bare = dir_ / "team" / (name + ".git");
    EXPECT_EQ(Sh("git init -q --bare -b main '" + bare.string() + "'"), 0);
    fs::path secret_file = dir_ / (name + "-hook-secret");
    std::ofstream(secret_file) << secret << "\n";
    fs::path hook = bare / "hooks" / "post-receive";
    std::ofstream(hook) << "#!/bin/sh\n"
                        << "SCHEMABOT_URL=http://127.0.0.1:" << port << " \\\n"
                        << "SCHEMABOT_HOOK_SECRET_FILE='" << secret_file.string() << "' \\\n"
                        << "exec '" << SCHEMABOT_BINARY_DIR << "/schemabot' hook post-receive\n";
    fs::permissions(hook, fs::perms::owner_all);
    return bare;
  }

  // Commits a file in a fresh work tree and pushes main to `bare`; returns the pushed SHA.
  std::string CommitAndPush(const fs::path& bare, const std::string& work, std::string* output) {
    std::string git = "git -c user.name=Ann -c user.email=ann@example.invalid";
    EXPECT_EQ(Sh("git init -q -b main " + work + " && cd " + work +
                 " && mkdir -p migrations && echo 'CREATE TABLE t (id int);' > "
                 "migrations/1_init.sql && git add . && " +
                 git + " commit -q -m init"),
              0);
    std::string sha;
    Sh("cd " + work + " && git rev-parse HEAD", &sha);
    while (!sha.empty() && std::isspace(static_cast<unsigned char>(sha.back()))) sha.pop_back();
    EXPECT_EQ(Sh("cd " + work + " && git push '" + bare.string() + "' main", output), 0) << *output;
    return sha;
  }

  std::vector<queue::Job> Jobs() {
    auto store = store::OpenStore(state_, {2, false, true});
    EXPECT_TRUE(store) << store.error().message;
    if (!store) return {};
    queue::Queue q(**store, {});
    auto jobs = q.List(std::nullopt, 100);
    EXPECT_TRUE(jobs) << jobs.error().message;
    return jobs ? *jobs : std::vector<queue::Job>{};
  }

  static constexpr const char* kSecret = "hook-secret";
  fs::path dir_;
  std::string state_, config_;
};

TEST_F(HookTest, PushNotifiesTheServerAndTheJobIsStored) {
  ServeProcess serve(config_, (dir_ / "serve.log").string());
  ASSERT_GT(serve.port(), 0) << ReadFile((dir_ / "serve.log").string());
  fs::path bare = BareRepo("app", serve.port(), kSecret);
  std::string out;
  std::string sha = CommitAndPush(bare, "work", &out);
  EXPECT_NE(out.find("remote: schemabot: refs/heads/main: queued, job 1"), std::string::npos)
      << out;

  std::vector<queue::Job> jobs = Jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, "push");
  EXPECT_EQ(jobs[0].key, "git:team/app@main");
  EXPECT_TRUE(jobs[0].delivery.starts_with("git:")) << jobs[0].delivery;
  auto ev = webhooks::EventFromJson(jobs[0].payload);
  ASSERT_TRUE(ev) << jobs[0].payload;
  EXPECT_EQ(ev->host, webhooks::Host::kGit);
  EXPECT_EQ(ev->repo, "team/app");
  EXPECT_EQ(ev->ref, "refs/heads/main");
  EXPECT_EQ(ev->after, sha);
  EXPECT_TRUE(ev->created);  // a new branch: before is all zeros
  EXPECT_EQ(ev->default_branch, "main");
  // Delivered, so nothing is left in the spool.
  EXPECT_TRUE(fs::is_empty(bare / "schemabot-spool"));
  // The server logged the delivery; the secret appears nowhere.
  std::string log = ReadFile((dir_ / "serve.log").string());
  EXPECT_NE(log.find("\"host\":\"git\""), std::string::npos);
  EXPECT_EQ(log.find(kSecret), std::string::npos);
  EXPECT_EQ(out.find(kSecret), std::string::npos);
}

TEST_F(HookTest, BadSecretIsReportedSpooledAndSentOnceFixed) {
  ServeProcess serve(config_, (dir_ / "serve.log").string());
  ASSERT_GT(serve.port(), 0) << ReadFile((dir_ / "serve.log").string());
  fs::path bare = BareRepo("api", serve.port(), "not-the-secret");
  std::string out;
  std::string sha = CommitAndPush(bare, "work", &out);  // the push itself succeeds
  EXPECT_NE(out.find("refused the signature (401)"), std::string::npos) << out;
  EXPECT_NE(out.find("1 notification kept in"), std::string::npos) << out;
  EXPECT_EQ(out.find("not-the-secret"), std::string::npos) << out;
  EXPECT_TRUE(Jobs().empty());
  std::vector<fs::path> spooled;
  for (const auto& e : fs::directory_iterator(bare / "schemabot-spool")) spooled.push_back(e);
  ASSERT_EQ(spooled.size(), 1u);
  EXPECT_NE(ReadFile(spooled[0].string()).find(sha), std::string::npos);

  // The administrator fixes the secret; the cron flush delivers what was kept.
  std::ofstream(dir_ / "api-hook-secret") << kSecret << "\n";
  std::string flush = "cd '" + bare.string() +
                      "' && SCHEMABOT_URL=http://127.0.0.1:" + std::to_string(serve.port()) +
                      " SCHEMABOT_HOOK_SECRET_FILE='" + (dir_ / "api-hook-secret").string() +
                      "' '" + SCHEMABOT_BINARY_DIR + "/schemabot' hook post-receive --flush";
  EXPECT_EQ(Sh(flush, &out), 0) << out;
  EXPECT_NE(out.find("refs/heads/main: queued, job 1"), std::string::npos) << out;
  std::vector<queue::Job> jobs = Jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].key, "git:team/api@main");
  EXPECT_EQ(jobs[0].delivery, "git:" + spooled[0].stem().string().substr(19));
  EXPECT_TRUE(fs::is_empty(bare / "schemabot-spool"));
  // A second flush finds nothing to do.
  EXPECT_EQ(Sh(flush, &out), 0) << out;
  EXPECT_EQ(Jobs().size(), 1u);
}

TEST_F(HookTest, ServerDownKeepsThePushFastAndTheNotification) {
  // No server on this port: the hook must not hold the push.
  int port = 1;
  fs::path bare = BareRepo("web", port, kSecret);
  std::string out;
  auto start = std::chrono::steady_clock::now();
  CommitAndPush(bare, "work", &out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_NE(out.find("cannot notify the server"), std::string::npos) << out;
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(bare / "schemabot-spool")) ++n;
  EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace schemabot
