// Workers: threads that lease jobs from a Queue and run the handler registered for each
// job's kind.
//
//   Handlers handlers;
//   handlers.Register("ping", [](const Job& job, const JobContext& ctx) {
//     return JobResult::Done();
//   });
//   Workers workers(queue, handlers, {.workers = 4, .owner = "host-1:pid"});
//   workers.Start();
//   …
//   workers.Drain(std::chrono::seconds(30));   // SIGTERM
//
// A handler returns Done, Retry (counted; backoff, or the retry-after it gives, e.g. from a
// rate-limit reset) or Fail (parked now: a permanent error). A handler that throws is a bug;
// it is caught, logged and counted as Retry. A job whose kind has no handler is parked with
// "no handler for job kind …". Handlers run at least once per job and may run again after a
// crash, so they must be idempotent in effect. While a handler runs its lease is renewed.
// Each job logs one line (job id, kind, key, delivery, attempt, outcome, ms) and updates
// schemabot_jobs_total{kind,outcome}, schemabot_job_duration_seconds{kind},
// schemabot_job_retries_total{kind}, schemabot_lease_expiries_total,
// schemabot_queue_depth{state} and schemabot_queue_oldest_seconds.
//
// Thread-safety: Register before Start. Start/Drain/Wake from any thread; the handlers run
// on the worker threads concurrently (different keys), so they must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bot/queue/queue.h"

namespace schemabot::queue {

struct JobResult {
  enum class Status { kDone, kRetry, kFail };
  Status status = Status::kDone;
  std::string error;
  std::optional<std::chrono::milliseconds> retry_after;

  static JobResult Done() { return {}; }
  static JobResult Retry(std::string error,
                         std::optional<std::chrono::milliseconds> after = std::nullopt) {
    return {Status::kRetry, std::move(error), after};
  }
  static JobResult Fail(std::string error) { return {Status::kFail, std::move(error), {}}; }
};

// What a running handler may ask of its worker.
class JobContext {
 public:
  explicit JobContext(const std::atomic<bool>& stopping) : stopping_(stopping) {}
  // True once the process is draining and the grace period is over: long handlers should
  // return Retry soon (their lease has been or will be released).
  bool stopping() const { return stopping_.load(); }

 private:
  const std::atomic<bool>& stopping_;
};

using JobHandler = std::function<JobResult(const Job&, const JobContext&)>;

class Handlers {
 public:
  // Replaces any handler registered for `kind`.
  void Register(std::string kind, JobHandler handler);
  const JobHandler* Find(const std::string& kind) const;
  std::vector<std::string> Kinds() const;

 private:
  std::map<std::string, JobHandler> handlers_;
};

struct WorkerOptions {
  int workers = 4;
  std::string owner;  // lease owner id: unique per process ("host:pid:random")
  std::chrono::milliseconds poll_interval{200};
  bool recover_all_on_start = false;  // release every running job at Start (SQLite)
};

class Workers {
 public:
  Workers(Queue& queue, const Handlers& handlers, WorkerOptions options);
  ~Workers();  // drains with no grace if still running

  void Start();
  // Wakes an idle worker now (a job was just enqueued in this process).
  void Wake();
  // Stops leasing, waits up to `grace` for running jobs, then releases the jobs still
  // running (they run again on the next start) and returns. Idempotent.
  void Drain(std::chrono::milliseconds grace);
  // Jobs running now, for tests and /readyz.
  int running() const { return running_.load(); }

 private:
  void Loop(int index);
  void Run(const Job& job);
  void Heartbeat();

  Queue& queue_;
  const Handlers& handlers_;
  WorkerOptions options_;
  std::vector<std::thread> threads_;
  std::thread heartbeat_;
  std::atomic<bool> leasing_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::mutex mu_;
  std::condition_variable cv_;    // workers (new work) and Drain (a job finished)
  std::condition_variable beat_;  // the heartbeat (drained)
  uint64_t wakeups_ = 0;
  std::set<int64_t> active_;  // ids of jobs running here (guarded by mu_)
  bool drained_ = false;
};

}  // namespace schemabot::queue
