#include "bot/queue/queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "bot/queue/worker.h"
#include "tests/pg_testing.h"

namespace schemabot::queue {
namespace {

// Runs every test on SQLite and, when the test server is there, on PostgreSQL.
class QueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() /
             ("schemabot-queue-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url = "sqlite://" + (dir_ / "state.db").string();
    } else {
      url = testing::NewPgDatabase("sb_queue");
      SB_REQUIRE_PG(url);
    }
    auto s = store::OpenStore(url);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    QueueOptions opt;
    opt.lease = std::chrono::seconds(10);
    opt.max_attempts = 3;
    opt.backoff_base = std::chrono::seconds(1);
    opt.now_ms = [this] { return now_.load(); };
    opt.random = [] { return 0.5; };
    queue_ = std::make_unique<Queue>(*store_, opt);
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  int64_t Add(const std::string& key, const std::string& kind = "k", bool supersede = false) {
    auto id = queue_->Enqueue({kind, key, "{}", supersede, ""});
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }
  std::vector<int64_t> LeaseIds(const std::string& owner, int n = 10) {
    auto jobs = queue_->Lease(owner, n);
    EXPECT_TRUE(jobs) << jobs.error().message;
    std::vector<int64_t> ids;
    for (const Job& j : jobs.value_or(std::vector<Job>{})) ids.push_back(j.id);
    return ids;
  }

  std::atomic<int64_t> now_{1'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Queue> queue_;
};

TEST_P(QueueTest, OneJobPerKeyInOrderKeysInParallel) {
  int64_t a1 = Add("a"), a2 = Add("a"), b1 = Add("b");
  EXPECT_EQ(LeaseIds("w"), (std::vector<int64_t>{a1, b1}));
  EXPECT_TRUE(LeaseIds("w").empty());  // a2 waits for a1
  ASSERT_TRUE(queue_->Complete(a1, "w"));
  EXPECT_EQ(LeaseIds("w"), std::vector<int64_t>{a2});
}

TEST_P(QueueTest, NewerLintSupersedesQueuedOlder) {
  int64_t first = Add("r#1", "lint_pr", true);
  int64_t second = Add("r#1", "lint_pr", true);
  EXPECT_EQ(queue_->Get(first)->state, JobState::kSuperseded);
  EXPECT_EQ(LeaseIds("w"), std::vector<int64_t>{second});
  int64_t third = Add("r#1", "lint_pr", true);  // the running one is not superseded
  EXPECT_EQ(queue_->Get(second)->state, JobState::kRunning);
  EXPECT_EQ(queue_->Get(third)->state, JobState::kQueued);
}

TEST_P(QueueTest, ExpiredLeaseRunsAgainAndOldOwnerIsFenced) {
  int64_t id = Add("a");
  EXPECT_EQ(LeaseIds("dead"), std::vector<int64_t>{id});
  now_ += 11'000;
  auto n = queue_->RecoverExpired();
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(LeaseIds("alive"), std::vector<int64_t>{id});
  EXPECT_EQ(queue_->Complete(id, "dead").error().code, ErrorCode::kConflict);
  EXPECT_TRUE(queue_->Complete(id, "alive"));
  auto job = queue_->Get(id);
  EXPECT_EQ(job->state, JobState::kDone);
  EXPECT_EQ(job->attempts, 2);
}

TEST_P(QueueTest, BackoffRetryAfterAndParking) {
  int64_t id = Add("a");
  auto jobs = queue_->Lease("w", 1);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(*queue_->Fail((*jobs)[0], "w", "boom"), JobState::kQueued);
  EXPECT_EQ(queue_->Get(id)->run_after, now_ + 750);  // 1s base, jitter 0.5 -> 0.75s
  EXPECT_TRUE(LeaseIds("w").empty());
  now_ += 750;
  jobs = queue_->Lease("w", 1);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(*queue_->Fail((*jobs)[0], "w", "rate limited", std::chrono::seconds(60)),
            JobState::kQueued);
  EXPECT_EQ(queue_->Get(id)->run_after, now_ + 60'000);
  now_ += 60'000;
  jobs = queue_->Lease("w", 1);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(*queue_->Fail((*jobs)[0], "w", "still broken"), JobState::kFailed);
  auto parked = queue_->Get(id);
  EXPECT_EQ(parked->attempts, 3);
  EXPECT_EQ(parked->last_error, "still broken");
  EXPECT_EQ(queue_->List(JobState::kFailed, 10)->size(), 1u);
  ASSERT_TRUE(queue_->Retry(id));
  EXPECT_EQ(LeaseIds("w"), std::vector<int64_t>{id});
  EXPECT_EQ(queue_->Retry(id).error().code, ErrorCode::kConflict);
}

TEST_P(QueueTest, DeliveriesAreDeduplicated) {
  DeliveryRecord d{"github:abc", "github", "ping", "", "o/r", ""};
  auto first = queue_->AcceptDelivery(d, NewJob{"ping", "o/r", "{}", false, ""});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  auto again = queue_->AcceptDelivery(d, NewJob{"ping", "o/r", "{}", false, ""});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->job_id, first->job_id);
  EXPECT_EQ(queue_->Get(first->job_id)->delivery, "github:abc");
  EXPECT_EQ(queue_->List(std::nullopt, 100)->size(), 1u);
}

TEST_P(QueueTest, WorkersRetryThenSucceedAndParkAlwaysFailing) {
  // Real clock here: the workers sleep between polls.
  QueueOptions opt;
  opt.max_attempts = 3;
  opt.backoff_base = std::chrono::milliseconds(10);
  Queue q(*store_, opt);
  std::atomic<int> flaky_calls{0};
  Handlers h;
  h.Register("flaky", [&](const Job&, const JobContext&) {
    return ++flaky_calls < 3 ? JobResult::Retry("transient") : JobResult::Done();
  });
  h.Register("broken", [](const Job&, const JobContext&) { return JobResult::Retry("nope"); });
  auto flaky = q.Enqueue({"flaky", "a", "{}", false, ""});
  auto broken = q.Enqueue({"broken", "b", "{}", false, ""});
  auto orphan = q.Enqueue({"unknown-kind", "c", "{}", false, ""});
  Workers w(q, h, {2, "test-worker", std::chrono::milliseconds(5), false});
  w.Start();
  for (int i = 0; i < 400; ++i) {
    auto s = q.Stats();
    if (s && s->queued == 0 && s->running == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  w.Drain(std::chrono::seconds(1));
  EXPECT_EQ(q.Get(*flaky)->state, JobState::kDone);
  EXPECT_EQ(q.Get(*flaky)->attempts, 3);
  EXPECT_EQ(flaky_calls.load(), 3);
  EXPECT_EQ(q.Get(*broken)->state, JobState::kFailed);
  EXPECT_EQ(q.Get(*broken)->attempts, 3);
  EXPECT_EQ(q.Get(*orphan)->state, JobState::kFailed);
  EXPECT_EQ(q.Get(*orphan)->last_error, "no handler for job kind \"unknown-kind\"");
}

TEST_P(QueueTest, DrainReleasesUnfinishedJobs) {
  QueueOptions opt;
  Queue q(*store_, opt);
  Handlers h;
  h.Register("slow", [](const Job&, const JobContext& ctx) {
    while (!ctx.stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return JobResult::Retry("stopped");
  });
  auto id = q.Enqueue({"slow", "a", "{}", false, ""});
  Workers w(q, h, {1, "drainer", std::chrono::milliseconds(5), false});
  w.Start();
  while (w.running() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  w.Drain(std::chrono::milliseconds(50));
  auto job = q.Get(*id);
  EXPECT_EQ(job->state, JobState::kQueued);
  EXPECT_EQ(job->attempts, 0);  // the released attempt does not count
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the handler returns
}

INSTANTIATE_TEST_SUITE_P(Stores, QueueTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(Store, EmbeddedMigrationsMatchTheirAtlasSum) {
  for (auto d : {store::Dialect::kSqlite, store::Dialect::kPostgres}) {
    EXPECT_FALSE(store::EmbeddedMigrations(d).empty());
    EXPECT_TRUE(store::ValidateEmbeddedMigrations(d));
  }
}

}  // namespace
}  // namespace schemabot::queue
