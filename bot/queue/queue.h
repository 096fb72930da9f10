// The durable job queue, on the state store (tables in docs/queue.md).
//
// A job has a kind ("lint_pr"), a key ("acme/app#42") and a payload (JSON text). Jobs with
// one key run one at a time, in id order; different keys run in parallel. Enqueueing with
// `supersede` marks queued (not running) jobs of the same kind and key superseded: a newer
// lint replaces an older one that has not started. Workers lease jobs for a time and renew
// the lease while they run; a job whose lease expired (its worker died) is queued again.
// Failed attempts are retried with exponential backoff and jitter, or at the time the job
// asked for (retry-after); after max_attempts the job is parked as `failed` until an
// operator retries it. With a PostgreSQL store several processes share one queue
// (FOR UPDATE SKIP LOCKED); with SQLite one process owns it.
//
//   Queue q(store, {});
//   SB_TRY_ASSIGN(auto id, q.Enqueue({"lint_pr", "acme/app#42", payload, true}));
//   SB_TRY_ASSIGN(auto jobs, q.Lease("worker-1", 4));
//   … q.Complete(job, "worker-1") / q.Fail(job, "worker-1", error, retry_after)
//
// Every state change is one transaction; a job reaches `done` at most once (completion is
// fenced by the lease owner). Handlers therefore run at least once and should be
// idempotent in effect; see worker.h.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "bot/store/store.h"

namespace schemabot::queue {

enum class JobState { kQueued, kRunning, kDone, kFailed, kSuperseded };
std::string_view JobStateName(JobState state);  // "queued", "running", …
std::optional<JobState> ParseJobState(std::string_view name);

struct NewJob {
  std::string kind;
  std::string key;
  std::string payload;
  bool supersede = false;  // replace queued jobs of this kind and key
  std::string delivery;    // the delivery that made it ("github:<id>"), if any
};

struct Job {
  int64_t id = 0;
  std::string kind, key, payload, delivery;
  JobState state = JobState::kQueued;
  int attempts = 0;         // leases taken so far (this one included while running)
  int64_t run_after = 0;    // unix ms: not leased before
  std::string lease_owner;  // while running
  int64_t lease_until = 0;  // unix ms
  std::string last_error;
  int64_t created_at = 0, updated_at = 0, finished_at = 0;
};

// A delivery as stored for dedupe and audit.
struct DeliveryRecord {
  std::string id;  // "<host>:<delivery id>"
  std::string host, event, action, repo;
  std::string reason;  // why no job (ignored), else ""
};

struct DeliveryResult {
  bool duplicate = false;  // seen before: nothing was written
  int64_t job_id = 0;      // the job made now, or the one made the first time
};

struct QueueOptions {
  std::chrono::milliseconds lease{300'000};
  int max_attempts = 8;
  std::chrono::milliseconds backoff_base{2'000};
  std::chrono::milliseconds backoff_max{600'000};
  std::function<int64_t()> now_ms;  // unix ms; null = system clock (tests inject a clock)
  std::function<double()> random;   // [0,1) for jitter; null = a thread-local generator
};

struct QueueStats {
  int64_t queued = 0, running = 0, failed = 0;
  int64_t oldest_queued_ms = 0;  // age of the oldest queued job, 0 when none
};

class Queue {
 public:
  Queue(store::Store& store, QueueOptions options);

  // Records a delivery and, when `job` is given, its job, in one transaction. A delivery
  // id seen before returns duplicate=true and writes nothing.
  Result<DeliveryResult> AcceptDelivery(const DeliveryRecord& delivery,
                                        const std::optional<NewJob>& job);
  // Enqueues a job outside any delivery (operators, tests, follow-up jobs). Returns its id.
  Result<int64_t> Enqueue(const NewJob& job);

  // Leases up to `max` runnable jobs for `owner`: queued, due, and the first of their key
  // with no job of that key running. Each returned job is `running` with attempts + 1.
  Result<std::vector<Job>> Lease(const std::string& owner, int max);
  // Extends the lease of a running job. kConflict when the lease was lost.
  Result<void> Renew(int64_t id, const std::string& owner);
  // Marks a running job done. kConflict when `owner` no longer holds the lease (the job
  // expired and was taken again); nothing changes then.
  Result<void> Complete(int64_t id, const std::string& owner);
  // Records a failed attempt: queued again after a backoff (or at `retry_after` from now
  // when given), or parked as failed when `permanent` or out of attempts. Returns the new
  // state. kConflict when the lease was lost.
  Result<JobState> Fail(const Job& job, const std::string& owner, const std::string& error,
                        std::optional<std::chrono::milliseconds> retry_after = std::nullopt,
                        bool permanent = false);
  // Gives a running job back without counting the attempt (drain on shutdown).
  Result<void> Release(int64_t id, const std::string& owner);
  // Queues again (or parks, when out of attempts) every running job whose lease expired.
  // Returns how many. `all`: every running job, expired or not — only for a store no
  // other process uses (SQLite at startup).
  Result<int64_t> RecoverExpired(bool all = false);

  // Operator view and actions.
  Result<Job> Get(int64_t id);
  // Newest first; `state` filters when given.
  Result<std::vector<Job>> List(std::optional<JobState> state, int limit);
  // Queues a failed or superseded job again with fresh attempts. kConflict otherwise.
  Result<void> Retry(int64_t id);
  Result<QueueStats> Stats();

  // The delay before attempt `attempts + 1` (exponential, full jitter in [d/2, d]).
  std::chrono::milliseconds Backoff(int attempts);

  int64_t Now() const;
  const QueueOptions& options() const { return options_; }

 private:
  store::Store& store_;
  QueueOptions options_;
};

}  // namespace schemabot::queue
