#include "bot/queue/worker.h"

#include <algorithm>

#include "base/log.h"
#include "base/metrics.h"

namespace schemabot::queue {

void Handlers::Register(std::string kind, JobHandler handler) {
  handlers_[std::move(kind)] = std::move(handler);
}

const JobHandler* Handlers::Find(const std::string& kind) const {
  auto it = handlers_.find(kind);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> Handlers::Kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, h] : handlers_) out.push_back(k);
  return out;
}

Workers::Workers(Queue& queue, const Handlers& handlers, WorkerOptions options)
    : queue_(queue), handlers_(handlers), options_(std::move(options)) {}

Workers::~Workers() { Drain(std::chrono::milliseconds(0)); }

void Workers::Start() {
  if (options_.recover_all_on_start) {
    auto n = queue_.RecoverExpired(/*all=*/true);
    if (n && *n > 0) {
      log::Warn("jobs recovered", {{"count", std::to_string(*n)}, {"reason", "restart"}});
      metrics::Inc("schemabot_lease_expiries_total", {}, static_cast<double>(*n));
    }
  }
  leasing_ = true;
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    threads_.emplace_back([this, i] { Loop(i); });
  }
  heartbeat_ = std::thread([this] { Heartbeat(); });
}

void Workers::Wake() {
  std::lock_guard lock(mu_);
  ++wakeups_;
  cv_.notify_one();  // one new job: one idle worker is enough (the others would lease nothing)
}

void Workers::Loop(int index) {
  auto last_recover = std::chrono::steady_clock::time_point{};
  while (leasing_) {
    // Worker 0 also returns expired leases of dead workers (any process) to the queue, once
    // per poll interval at most (not once per job: under a burst that doubled the store's
    // transactions).
    auto now = std::chrono::steady_clock::now();
    if (index == 0 && now - last_recover >= options_.poll_interval) {
      last_recover = now;
      auto n = queue_.RecoverExpired();
      if (n && *n > 0) {
        metrics::Inc("schemabot_lease_expiries_total", {}, static_cast<double>(*n));
        log::Warn("leases expired", {{"count", std::to_string(*n)}});
      }
    }
    Result<std::vector<Job>> jobs = queue_.Lease(options_.owner, 1);
    if (!jobs) log::Error("leasing jobs", {{"error", jobs.error().message}});
    if (jobs && !jobs->empty()) {
      for (const Job& job : *jobs) Run(job);
      continue;
    }
    std::unique_lock lock(mu_);
    uint64_t seen = wakeups_;
    cv_.wait_for(lock, options_.poll_interval, [&] { return !leasing_ || wakeups_ != seen; });
  }
}

void Workers::Run(const Job& job) {
  {
    std::lock_guard lock(mu_);
    active_.insert(job.id);
  }
  ++running_;
  auto start = std::chrono::steady_clock::now();
  JobResult result;
  const JobHandler* handler = handlers_.Find(job.kind);
  if (!handler) {
    result = JobResult::Fail("no handler for job kind \"" + job.kind + "\"");
  } else {
    try {
      result = (*handler)(job, JobContext(stopping_));
    } catch (const std::exception& e) {
      result = JobResult::Retry(std::string("handler threw: ") + e.what());
    } catch (...) {
      result = JobResult::Retry("handler threw");
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string outcome;
  Result<void> recorded = Ok();
  if (result.status == JobResult::Status::kDone) {
    recorded = queue_.Complete(job.id, options_.owner);
    outcome = "done";
  } else if (result.status == JobResult::Status::kRetry && stopping_) {
    // Stopped by the drain: give the job back without counting the attempt (what Drain's own
    // Release would do; whichever comes first wins, the other finds the lease gone).
    recorded = queue_.Release(job.id, options_.owner);
    outcome = "released";
  } else {
    Result<JobState> next = queue_.Fail(job, options_.owner, result.error, result.retry_after,
                                        result.status == JobResult::Status::kFail);
    if (next) {
      outcome = *next == JobState::kFailed ? "failed" : "retry";
      if (*next == JobState::kQueued)
        metrics::Inc("schemabot_job_retries_total", {{"kind", job.kind}});
    } else {
      recorded = next.error();
    }
  }
  if (!recorded) outcome = recorded.error().code == ErrorCode::kConflict ? "lease_lost" : "error";
  metrics::Inc("schemabot_jobs_total", {{"kind", job.kind}, {"outcome", outcome}});
  metrics::Observe("schemabot_job_duration_seconds", {{"kind", job.kind}}, secs);
  log::Fields f = {{"job", std::to_string(job.id)},
                   {"kind", job.kind},
                   {"key", job.key},
                   {"delivery", job.delivery},
                   {"attempt", std::to_string(job.attempts)},
                   {"outcome", outcome},
                   {"worker", options_.owner},
                   {"ms", std::to_string(static_cast<int64_t>(secs * 1000))}};
  if (!result.error.empty()) f.emplace_back("error", result.error);
  if (!recorded) f.emplace_back("store_error", recorded.error().message);
  if (outcome == "done") {
    log::Info("job", f);
  } else {
    log::Warn("job", f);
  }
  --running_;
  std::lock_guard lock(mu_);
  active_.erase(job.id);
  cv_.notify_all();
}

void Workers::Heartbeat() {
  auto every = std::max(std::chrono::milliseconds(200), queue_.options().lease / 3);
  auto stats_every = std::chrono::seconds(1);
  auto next_renew = std::chrono::steady_clock::now() + every;
  auto next_stats = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!drained_) {
    beat_.wait_until(lock, std::min(next_renew, next_stats), [&] { return drained_; });
    if (drained_) break;
    std::vector<int64_t> ids(active_.begin(), active_.end());
    auto now = std::chrono::steady_clock::now();
    bool renew = now >= next_renew;
    bool stats = now >= next_stats;
    lock.unlock();
    if (renew) {
      for (int64_t id : ids) {
        if (auto r = queue_.Renew(id, options_.owner); !r) {
          log::Warn("lease renewal", {{"job", std::to_string(id)}, {"error", r.error().message}});
        }
      }
      next_renew = std::chrono::steady_clock::now() + every;
    }
    if (stats) {
      next_stats = now + stats_every;
      if (auto s = queue_.Stats()) {
        metrics::Set("schemabot_queue_depth", {{"state", "queued"}},
                     static_cast<double>(s->queued));
        metrics::Set("schemabot_queue_depth", {{"state", "running"}},
                     static_cast<double>(s->running));
        metrics::Set("schemabot_queue_depth", {{"state", "failed"}},
                     static_cast<double>(s->failed));
        metrics::Set("schemabot_queue_oldest_seconds", {},
                     static_cast<double>(s->oldest_queued_ms) / 1000.0);
      }
    }
    lock.lock();
  }
}

void Workers::Drain(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mu_);
    if (drained_) return;
    leasing_ = false;
    cv_.notify_all();
    cv_.wait_for(lock, grace, [&] { return active_.empty(); });
    stopping_ = true;
    std::vector<int64_t> left(active_.begin(), active_.end());
    lock.unlock();
    for (int64_t id : left) {
      if (auto r = queue_.Release(id, options_.owner); r) {
        log::Warn("job released", {{"job", std::to_string(id)}, {"reason", "shutdown"}});
      }
    }
    lock.lock();
    drained_ = true;
    cv_.notify_all();
    beat_.notify_all();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  for (std::thread& t : threads_) {
    if (!t.joinable()) continue;
    // A handler still running after its job was released: let it end on its own; the
    // process is exiting and its late Complete() will find the lease gone.
    if (running_.load() > 0) {
      t.detach();
    } else {
      t.join();
    }
  }
  threads_.clear();
}

}  // namespace schemabot::queue
