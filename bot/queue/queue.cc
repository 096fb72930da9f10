#include "bot/queue/queue.h"

#include <algorithm>
#include <random>

namespace schemabot::queue {
namespace {

using store::Params;
using store::Row;
using store::Rows;
using store::Tx;

constexpr const char* kColumns =
    "id, kind, key, payload, delivery, state, attempts, run_after, lease_owner, lease_until, "
    "last_error, created_at, updated_at, finished_at";

Job FromRow(const Row& r) {
  Job j;
  j.id = r.Int(0);
  j.kind = r.Text(1);
  j.key = r.Text(2);
  j.payload = r.Text(3);
  j.delivery = r.Text(4);
  j.state = ParseJobState(r.Text(5)).value_or(JobState::kQueued);
  j.attempts = static_cast<int>(r.Int(6));
  j.run_after = r.Int(7);
  j.lease_owner = r.Text(8);
  j.lease_until = r.Int(9);
  j.last_error = r.Text(10);
  j.created_at = r.Int(11);
  j.updated_at = r.Int(12);
  j.finished_at = r.Int(13);
  return j;
}

Result<int64_t> Insert(Tx& tx, const NewJob& job, int64_t now) {
  if (job.supersede) {
    SB_TRY(
        tx.Exec("UPDATE jobs SET state = 'superseded', updated_at = $3, finished_at = $3, "
                "last_error = 'superseded by a newer job' "
                "WHERE key = $1 AND kind = $2 AND state = 'queued'",
                {job.key, job.kind, now}));
  }
  SB_TRY_ASSIGN(Rows rows,
                tx.Query("INSERT INTO jobs (kind, key, payload, delivery, state, attempts, "
                         "run_after, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5, $5) RETURNING id",
                         {job.kind, job.key, job.payload, job.delivery, now}));
  if (rows.empty()) return Internal("inserting job: no id returned");
  return rows[0].Int(0);
}

std::string Truncate(const std::string& s) { return s.size() > 4000 ? s.substr(0, 4000) : s; }

}  // namespace

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kDone:
      return "done";
    case JobState::kFailed:
      return "failed";
    case JobState::kSuperseded:
      return "superseded";
  }
  return "queued";
}

std::optional<JobState> ParseJobState(std::string_view name) {
  for (JobState s : {JobState::kQueued, JobState::kRunning, JobState::kDone, JobState::kFailed,
                     JobState::kSuperseded}) {
    if (JobStateName(s) == name) return s;
  }
  return std::nullopt;
}

Queue::Queue(store::Store& store, QueueOptions options)
    : store_(store), options_(std::move(options)) {}

int64_t Queue::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::milliseconds Queue::Backoff(int attempts) {
  double r;
  if (options_.random) {
    r = options_.random();
  } else {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    r = std::uniform_real_distribution<double>(0, 1)(gen);
  }
  int shift = std::clamp(attempts - 1, 0, 30);
  double d = std::min<double>(
      static_cast<double>(options_.backoff_base.count()) * static_cast<double>(int64_t{1} << shift),
      static_cast<double>(options_.backoff_max.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(d / 2 + r * d / 2));
}

Result<DeliveryResult> Queue::AcceptDelivery(const DeliveryRecord& d,
                                             const std::optional<NewJob>& job) {
  DeliveryResult out;
  int64_t now = Now();
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    out = DeliveryResult{};
    SB_TRY_ASSIGN(int64_t inserted,
                  tx.Exec("INSERT INTO deliveries (id, host, event, action, repo, outcome, "
                          "reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                          "ON CONFLICT (id) DO NOTHING",
                          {d.id, d.host, d.event, d.action, d.repo,
                           std::string(job ? "queued" : "ignored"), d.reason, now}));
    if (inserted == 0) {
      out.duplicate = true;
      SB_TRY_ASSIGN(Rows rows, tx.Query("SELECT job_id FROM deliveries WHERE id = $1", {d.id}));
      if (!rows.empty()) out.job_id = rows[0].Int(0);
      return Ok();
    }
    if (!job) return Ok();
    NewJob j = *job;
    j.delivery = d.id;
    SB_TRY_ASSIGN(out.job_id, Insert(tx, j, now));
    SB_TRY(tx.Exec("UPDATE deliveries SET job_id = $2 WHERE id = $1", {d.id, out.job_id}));
    return Ok();
  }));
  return out;
}

Result<int64_t> Queue::Enqueue(const NewJob& job) {
  int64_t id = 0;
  int64_t now = Now();
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(id, Insert(tx, job, now));
    return Ok();
  }));
  return id;
}

Result<std::vector<Job>> Queue::Lease(const std::string& owner, int max) {
  std::vector<Job> out;
  int64_t now = Now();
  int64_t until = now + options_.lease.count();
  // The first queued job of each key, when nothing of that key runs. Each subquery is an
  // equality on (key, state) so it stays an index probe however long a key's history is. With
  // PostgreSQL the candidate rows are locked and rows other replicas hold are skipped; a later job
  // of a key whose first job another replica is leasing stays excluded, because that first job is
  // still queued (or already running) in every snapshot.
  std::string sql =
      "SELECT id FROM jobs j WHERE j.state = 'queued' AND j.run_after <= $1 "
      "AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.key = j.key AND r.state = 'running') "
      "AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.key = j.key AND e.state = 'queued' "
      "AND e.id < j.id) "
      "ORDER BY j.id LIMIT $2";
  if (store_.dialect() == store::Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    out.clear();
    SB_TRY_ASSIGN(Rows ids, tx.Query(sql, {now, int64_t{max}}));
    for (const Row& r : ids) {
      SB_TRY_ASSIGN(Rows rows,
                    tx.Query(std::string("UPDATE jobs SET state = 'running', attempts = attempts "
                                         "+ 1, lease_owner = $2, lease_until = $3, updated_at = "
                                         "$4 WHERE id = $1 RETURNING ") +
                                 kColumns,
                             {r.Int(0), owner, until, now}));
      for (const Row& j : rows) out.push_back(FromRow(j));
    }
    return Ok();
  }));
  return out;
}

Result<void> Queue::Renew(int64_t id, const std::string& owner) {
  int64_t changed = 0;
  int64_t until = Now() + options_.lease.count();
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(changed, tx.Exec("UPDATE jobs SET lease_until = $3 WHERE id = $1 AND "
                                   "lease_owner = $2 AND state = 'running'",
                                   {id, owner, until}));
    return Ok();
  }));
  if (changed == 0) return Conflict("job " + std::to_string(id) + ": lease lost");
  return Ok();
}

Result<void> Queue::Complete(int64_t id, const std::string& owner) {
  int64_t changed = 0;
  int64_t now = Now();
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(changed, tx.Exec("UPDATE jobs SET state = 'done', lease_owner = NULL, "
                                   "lease_until = NULL, finished_at = $3, updated_at = $3, "
                                   "last_error = '' WHERE id = $1 AND lease_owner = $2 AND "
                                   "state = 'running'",
                                   {id, owner, now}));
    return Ok();
  }));
  if (changed == 0) return Conflict("job " + std::to_string(id) + ": lease lost");
  return Ok();
}

Result<JobState> Queue::Fail(const Job& job, const std::string& owner, const std::string& error,
                             std::optional<std::chrono::milliseconds> retry_after, bool permanent) {
  int64_t now = Now();
  bool park = permanent || job.attempts >= options_.max_attempts;
  int64_t run_after = now + (retry_after ? retry_after->count() : Backoff(job.attempts).count());
  JobState next = park ? JobState::kFailed : JobState::kQueued;
  int64_t changed = 0;
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(
        changed, tx.Exec("UPDATE jobs SET state = $3, run_after = $4, last_error = $5, "
                         "lease_owner = NULL, lease_until = NULL, updated_at = $6, "
                         "finished_at = $7 WHERE id = $1 AND lease_owner = $2 AND "
                         "state = 'running'",
                         {job.id, owner, std::string(JobStateName(next)), run_after,
                          Truncate(error), now, park ? store::Value(now) : store::Value(nullptr)}));
    return Ok();
  }));
  if (changed == 0) return Conflict("job " + std::to_string(job.id) + ": lease lost");
  return next;
}

Result<void> Queue::Release(int64_t id, const std::string& owner) {
  int64_t now = Now();
  return store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY(
        tx.Exec("UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = "
                "NULL, lease_until = NULL, updated_at = $3, last_error = 'released on "
                "shutdown' WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
                {id, owner, now}));
    return Ok();
  });
}

Result<int64_t> Queue::RecoverExpired(bool all) {
  int64_t now = Now();
  int64_t cutoff = all ? INT64_MAX : now;
  int64_t changed = 0;
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(
        changed,
        tx.Exec("UPDATE jobs SET state = CASE WHEN attempts >= $3 THEN 'failed' ELSE "
                "'queued' END, finished_at = CASE WHEN attempts >= $3 THEN CAST($2 AS "
                "BIGINT) ELSE NULL END, lease_owner = NULL, lease_until = NULL, updated_at = $2, "
                "last_error = 'lease expired (worker stopped)' "
                "WHERE state = 'running' AND lease_until < $1",
                {cutoff, now, int64_t{options_.max_attempts}}));
    return Ok();
  }));
  return changed;
}

Result<Job> Queue::Get(int64_t id) {
  Rows rows;
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(rows,
                  tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = $1", {id}));
    return Ok();
  }));
  if (rows.empty()) return NotFound("job " + std::to_string(id) + " not found");
  return FromRow(rows[0]);
}

Result<std::vector<Job>> Queue::List(std::optional<JobState> state, int limit) {
  Rows rows;
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    std::string sql = std::string("SELECT ") + kColumns + " FROM jobs";
    Params p = {int64_t{limit}};
    if (state) {
      sql += " WHERE state = $2";
      p.push_back(std::string(JobStateName(*state)));
    }
    sql += " ORDER BY id DESC LIMIT $1";
    SB_TRY_ASSIGN(rows, tx.Query(sql, p));
    return Ok();
  }));
  std::vector<Job> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

Result<void> Queue::Retry(int64_t id) {
  int64_t changed = 0;
  int64_t now = Now();
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(changed, tx.Exec("UPDATE jobs SET state = 'queued', attempts = 0, run_after = "
                                   "$2, updated_at = $2, finished_at = NULL, last_error = '' "
                                   "WHERE id = $1 AND state IN ('failed', 'superseded')",
                                   {id, now}));
    return Ok();
  }));
  if (changed == 0) {
    SB_TRY_ASSIGN(Job j, Get(id));
    return Conflict("job " + std::to_string(id) + " is " + std::string(JobStateName(j.state)) +
                    ", not failed");
  }
  return Ok();
}

Result<QueueStats> Queue::Stats() {
  QueueStats s;
  int64_t now = Now();
  SB_TRY(store_.Transact([&](Tx& tx) -> Result<void> {
    SB_TRY_ASSIGN(Rows rows, tx.Query("SELECT state, COUNT(*), MIN(created_at) FROM jobs WHERE "
                                      "state IN ('queued', 'running', 'failed') GROUP BY state"));
    for (const Row& r : rows) {
      if (r.Text(0) == "queued") {
        s.queued = r.Int(1);
        s.oldest_queued_ms = now - r.Int(2);
      } else if (r.Text(0) == "running") {
        s.running = r.Int(1);
      } else {
        s.failed = r.Int(1);
      }
    }
    return Ok();
  }));
  return s;
}

}  // namespace schemabot::queue
