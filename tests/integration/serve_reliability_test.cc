// Reliability of `schemabot serve`: crash during a burst, redelivery, two replicas on one
// PostgreSQL queue. Real processes, real sockets on 127.0.0.1, real stores.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "bot/queue/queue.h"
#include "bot/store/store.h"
#include "tests/integration/serve_harness.h"
#include "tests/pg_testing.h"

namespace schemabot {
namespace {

namespace fs = std::filesystem;
using testing::ServeProcess;

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("schemabot-serve-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "secret") << kSecret << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteConfig(const std::string& state, int workers) {
    std::string path = (dir_ / "schemabot.yaml").string();
    std::ofstream(path) << "listen: 127.0.0.1:0\nstate: " << state << "\nworkers: " << workers
                        << "\ngithub:\n  webhook_secret_file: " << (dir_ / "secret").string()
                        << "\nqueue:\n  lease: 5s\n  poll_interval: 20ms\n"
                        << "shutdown:\n  grace: 2s\n";
    return path;
  }

  // Waits until nothing is queued or running.
  void WaitIdle(queue::Queue& q, int seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
      auto s = q.Stats();
      ASSERT_TRUE(s) << s.error().message;
      if (s->queued == 0 && s->running == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "queue did not drain in " << seconds << "s";
  }

  static constexpr const char* kSecret = "burst-secret";
  fs::path dir_;
};

TEST_F(ServeTest, KillNineDuringBurstLosesNothingAndDuplicatesNothing) {
  std::string state = "sqlite://" + (dir_ / "state.db").string();
  std::string cfg = WriteConfig(state, 4);
  std::string log1 = (dir_ / "serve1.log").string(), log2 = (dir_ / "serve2.log").string();
  constexpr int kDeliveries = 500;

  // Phase 1: 500 deliveries from 16 concurrent senders; kill -9 part-way through.
  std::vector<int> status(kDeliveries, 0);
  {
    ServeProcess serve(cfg, log1);
    ASSERT_GT(serve.port(), 0) << testing::ReadFile(log1);
    std::atomic<int> next{0}, answered{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < 16; ++t) {
      senders.emplace_back([&] {
        for (int i; (i = next++) < kDeliveries;) {
          auto r = testing::SendGitHub(serve.port(), kSecret, "ping", "burst-" + std::to_string(i),
                                       testing::PingBody("acme/r" + std::to_string(i % 40)));
          status[static_cast<size_t>(i)] = r.status;
          if (r.status == 200) ++answered;
        }
      });
    }
    while (answered < kDeliveries / 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    serve.Kill(SIGKILL);
    for (auto& t : senders) t.join();
  }
  int ok_before = 0;
  for (int s : status) ok_before += s == 200;
  std::printf("answered 2xx before kill -9: %d of %d\n", ok_before, kDeliveries);
  EXPECT_GE(ok_before, kDeliveries / 3);
  EXPECT_LT(ok_before, kDeliveries) << "the kill came too late to test anything";

  // Every 2xx delivery of phase 1 has its job, committed before the answer.
  std::set<std::string> stored;
  {
    auto store = store::OpenStore(state, {2, false, true});
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->Transact([&](store::Tx& tx) -> Result<void> {
      SB_TRY_ASSIGN(auto rows,
                    tx.Query("SELECT d.id FROM deliveries d JOIN jobs j ON j.id = d.job_id"));
      for (const auto& r : rows) stored.insert(r.Text(0));
      return Ok();
    }));
  }
  for (int i = 0; i < kDeliveries; ++i) {
    if (status[static_cast<size_t>(i)] == 200) {
      EXPECT_TRUE(stored.count("github:burst-" + std::to_string(i))) << "delivery " << i;
    }
  }

  // Phase 2: restart; the host redelivers everything (answered or not).
  ServeProcess serve(cfg, log2);
  ASSERT_GT(serve.port(), 0) << testing::ReadFile(log2);
  int duplicates = 0;
  for (int i = 0; i < kDeliveries; ++i) {
    auto r = testing::SendGitHub(serve.port(), kSecret, "ping", "burst-" + std::to_string(i),
                                 testing::PingBody("acme/r" + std::to_string(i % 40)));
    ASSERT_EQ(r.status, 200) << r.body;
    bool dup = r.body.find("\"outcome\":\"duplicate\"") != std::string::npos;
    duplicates += dup;
    if (status[static_cast<size_t>(i)] == 200) {
      EXPECT_TRUE(dup) << "delivery " << i;
    }
  }
  EXPECT_GE(duplicates, ok_before);

  auto store = store::OpenStore(state, {2, false, true});
  ASSERT_TRUE(store);
  queue::Queue q(**store, {});
  WaitIdle(q, 60);
  EXPECT_EQ(serve.Kill(SIGTERM), 0);

  auto jobs = q.List(std::nullopt, 10'000);
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->size(), static_cast<size_t>(kDeliveries));  // one job per delivery
  std::set<std::string> deliveries;
  int rerun = 0;
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.state, queue::JobState::kDone) << j.id;
    deliveries.insert(j.delivery);
    if (j.attempts > 1) ++rerun;
  }
  EXPECT_EQ(deliveries.size(), static_cast<size_t>(kDeliveries));
  // Only jobs that were running at the kill (at most one per worker) ran a second time.
  std::printf("jobs run again after the crash: %d\n", rerun);
  EXPECT_LE(rerun, 4);
  auto done = testing::DoneLines(testing::ReadFile(log1) + testing::ReadFile(log2));
  for (const auto& [id, n] : done) EXPECT_EQ(n, 1) << "job " << id << " completed twice";
  EXPECT_GE(done.size(), static_cast<size_t>(kDeliveries - 4));
}

TEST_F(ServeTest, TwoServersShareOnePostgresQueueEachJobRunsOnce) {
  std::string url = testing::NewPgDatabase("sb_two_serves");
  SB_REQUIRE_PG(url);
  auto store = store::OpenStore(url, {4, false, true});
  ASSERT_TRUE(store) << store.error().message;
  queue::Queue q(**store, {});
  constexpr int kJobs = 1000;
  for (int i = 0; i < kJobs; ++i) {
    // 100 keys x 10 jobs: per-key order must hold across the two processes.
    auto id = q.Enqueue({"ping", "github:ping:acme/r" + std::to_string(i % 100),
                         "{\"repo\":\"acme/r\"}", false, ""});
    ASSERT_TRUE(id) << id.error().message;
  }
  std::string cfg = WriteConfig(url, 4);
  std::string log1 = (dir_ / "a.log").string(), log2 = (dir_ / "b.log").string();
  {
    ServeProcess a(cfg, log1);
    ServeProcess b(cfg, log2);
    ASSERT_GT(a.port(), 0) << testing::ReadFile(log1);
    ASSERT_GT(b.port(), 0) << testing::ReadFile(log2);
    WaitIdle(q, 120);
    EXPECT_EQ(a.Kill(SIGTERM), 0);
    EXPECT_EQ(b.Kill(SIGTERM), 0);
  }
  auto in_a = testing::DoneLines(testing::ReadFile(log1));
  auto in_b = testing::DoneLines(testing::ReadFile(log2));
  std::printf("jobs run by process A: %zu, by B: %zu\n", in_a.size(), in_b.size());
  EXPECT_GT(in_a.size(), 0u);
  EXPECT_GT(in_b.size(), 0u);
  EXPECT_EQ(in_a.size() + in_b.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, n] : in_a) {
    EXPECT_EQ(n, 1);
    EXPECT_FALSE(in_b.count(id)) << "job " << id << " ran in both processes";
  }
  auto jobs = q.List(std::nullopt, 10'000);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), static_cast<size_t>(kJobs));
  std::map<std::string, std::vector<const queue::Job*>> by_key;
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.state, queue::JobState::kDone);
    EXPECT_EQ(j.attempts, 1) << "job " << j.id;
    by_key[j.key].push_back(&j);
  }
  for (auto& [key, list] : by_key) {
    std::sort(list.begin(), list.end(), [](auto* x, auto* y) { return x->id < y->id; });
    for (size_t i = 1; i < list.size(); ++i) {
      EXPECT_LE(list[i - 1]->finished_at, list[i]->finished_at) << key << " ran out of order";
    }
  }
}

}  // namespace
}  // namespace schemabot
