// `schemabot jobs` and `schemabot config check` as an operator runs them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bot/queue/queue.h"
#include "bot/store/store.h"

namespace schemabot {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun Schemabot(const std::string& args) {
  std::string cmd = std::string(SCHEMABOT_BINARY_DIR) + "/schemabot " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class JobsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("schemabot-jobs-cli-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "schemabot.yaml").string();
    state_ = "sqlite://" + (dir_ / "state.db").string();
    std::ofstream(config_) << "state: " << state_ << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string config_, state_;
};

TEST_F(JobsCli, ListShowRetry) {
  int64_t parked = 0;
  {
    auto store = store::OpenStore(state_);
    ASSERT_TRUE(store) << store.error().message;
    queue::Queue q(**store, {});
    auto d = q.AcceptDelivery({"github:d-9", "github", "ping", "", "acme/app", ""},
                              queue::NewJob{"ping", "github:ping:acme/app", "{}", false, ""});
    ASSERT_TRUE(d);
    ASSERT_TRUE(q.Enqueue({"lint_pr", "github:acme/app#1", "{}", true, ""}));
    auto jobs = q.Lease("cli-test", 1);
    ASSERT_TRUE(jobs && jobs->size() == 1u);
    parked = (*jobs)[0].id;
    ASSERT_TRUE(q.Fail((*jobs)[0], "cli-test", "boom", std::nullopt, /*permanent=*/true));
  }
  CliRun list = Schemabot("jobs list --json -c " + config_);
  ASSERT_EQ(list.code, 0) << list.out;
  auto arr = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(arr.is_array()) << list.out;
  ASSERT_EQ(arr.size(), 2u);
  const auto& oldest = arr[1];
  EXPECT_EQ(oldest["id"], parked);
  EXPECT_EQ(oldest["kind"], "ping");
  EXPECT_EQ(oldest["key"], "github:ping:acme/app");
  EXPECT_EQ(oldest["state"], "failed");
  EXPECT_EQ(oldest["attempts"], 1);
  EXPECT_EQ(oldest["delivery"], "github:d-9");

  CliRun failed = Schemabot("jobs list --state failed -c " + config_);
  EXPECT_EQ(failed.code, 0);
  EXPECT_NE(failed.out.find("github:ping:acme/app"), std::string::npos) << failed.out;
  CliRun show = Schemabot("jobs show " + std::to_string(parked) + " -c " + config_);
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("\"last_error\": \"boom\""), std::string::npos) << show.out;
  CliRun retry = Schemabot("jobs retry " + std::to_string(parked) + " -c " + config_);
  EXPECT_EQ(retry.code, 0) << retry.out;
  CliRun again = Schemabot("jobs retry " + std::to_string(parked) + " -c " + config_);
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.out.find("is queued, not failed"), std::string::npos) << again.out;
  EXPECT_EQ(Schemabot("jobs show 999 -c " + config_).code, 1);
}

TEST_F(JobsCli, ConfigCheckAndServeRefuseBadConfigs) {
  std::ofstream(config_) << "state: " << state_ << "\nworkers: 2\ngithub:\n  api_url: x\n";
  CliRun check = Schemabot("config check -c " + config_);
  EXPECT_EQ(check.code, 1);
  EXPECT_NE(check.out.find(config_ + ":3:1: github: receiver enabled without a webhook secret"),
            std::string::npos)
      << check.out;
  CliRun serve = Schemabot("serve -c " + config_);
  EXPECT_EQ(serve.code, 2) << serve.out;
  std::ofstream(dir_ / "secret") << "s\n";
  std::ofstream(config_) << "state: postgres://bot:hunter2@127.0.0.1:1/x\ngithub:\n"
                         << "  webhook_secret_file: " << (dir_ / "secret").string() << "\n";
  CliRun print = Schemabot("serve --print-config -c " + config_);
  EXPECT_EQ(print.code, 0) << print.out;
  EXPECT_EQ(print.out.find("hunter2"), std::string::npos) << print.out;
  EXPECT_NE(print.out.find("webhook_secret_file: \"" + (dir_ / "secret").string()),
            std::string::npos)
      << print.out;
  EXPECT_EQ(Schemabot("config check -c " + config_).code, 0);
}

}  // namespace
}  // namespace schemabot
