// SQLite backend: one connection in WAL mode, transactions serialised (and grouped) on it
// with BEGIN IMMEDIATE. sqlite3 appears in this file only.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "bot/store/internal.h"

namespace schemabot::store {
namespace {

Error SqlError(sqlite3* db, std::string_view what) {
  int code = sqlite3_extended_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Conflict(msg);
  }
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) return Unavailable(msg);
  return Internal(msg);
}

// Prepared statements by SQL text, reused across transactions: the queue runs the same
// few statements for every delivery, and preparing them was a tenth of the accept path.
// Used only by the thread that holds the connection (the group-commit leader).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  }
  // A reset statement for `sql`, or nullptr with the error on the connection.
  sqlite3_stmt* Get(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &st, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    if (cache_.size() >= kMax) {
      for (auto& [text, old] : cache_) sqlite3_finalize(old);
      cache_.clear();
    }
    cache_.emplace(std::string(sql), st);
    return st;
  }

 private:
  static constexpr size_t kMax = 256;  // ad-hoc SQL (operators, tests) cannot grow it forever
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

class SqliteTx : public Tx {
 public:
  SqliteTx(sqlite3* db, StatementCache& cache) : db_(db), cache_(cache) {}

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    Rows rows;
    SB_TRY(Run(sql, params, &rows));
    return rows;
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    SB_TRY(Run(sql, params, nullptr));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<void> ExecScript(std::string_view sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Internal("executing script: " + msg);
    }
    return Ok();
  }

 private:
  Result<void> Run(std::string_view sql, const Params& params, Rows* rows) {
    sqlite3_stmt* st = cache_.Get(sql);
    if (!st) return SqlError(db_, "preparing statement");
    // Leave the statement reset and unbound for its next use, whatever happens here.
    std::unique_ptr<sqlite3_stmt, void (*)(sqlite3_stmt*)> guard(st, [](sqlite3_stmt* s) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    });
    for (size_t i = 0; i < params.size(); ++i) {
      char name[24];
      std::snprintf(name, sizeof name, "$%zu", i + 1);
      int idx = sqlite3_bind_parameter_index(st, name);
      if (idx == 0) continue;  // parameter not used by this statement
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        sqlite3_bind_null(st, idx);
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(st, idx, *n);
      } else {
        const std::string& s = std::get<std::string>(v);
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
    }
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) return Ok();
      if (rc != SQLITE_ROW) return SqlError(db_, "executing statement");
      if (!rows) continue;
      int n = sqlite3_column_count(st);
      std::vector<std::optional<std::string>> cols(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
        const unsigned char* text = sqlite3_column_text(st, c);
        cols[static_cast<size_t>(c)] = std::string(
            reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(st, c)));
      }
      rows->emplace_back(std::move(cols));
    }
  }

  sqlite3* db_;
  StatementCache& cache_;
};

class SqliteStore : public Store {
 public:
  SqliteStore(sqlite3* db, int lock_fd) : db_(db), lock_fd_(lock_fd), statements_(db) {
    committer_ = std::thread([this] { Commit(); });
  }
  ~SqliteStore() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_.notify_one();
    committer_.join();
    statements_.reset();  // finalize before closing
    sqlite3_close(db_);
    if (lock_fd_ >= 0) close(lock_fd_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  bool shared() const override { return false; }

  // Group commit: callers queue their functions; one committer thread runs everything
  // queued in one transaction, each function inside its own savepoint, commits once, wakes
  // exactly the callers of that batch, and goes straight on to the next batch. A commit
  // costs about the same for one delivery or twenty, so throughput grows with concurrency
  // while every caller still returns only after its own work is committed. The committer
  // never hands over to another thread, so on a busy machine no batch waits for a woken
  // thread to be scheduled before it starts.
  Result<void> Transact(const std::function<Result<void>(Tx&)>& fn) override {
    Pending me{&fn};
    std::unique_lock lock(mu_);
    pending_.push_back(&me);
    if (pending_.size() == 1) work_.notify_one();
    me.cv.wait(lock, [&] { return me.done; });
    return std::move(me.result);
  }

  Result<void> Ping() override {
    return Transact([](Tx& tx) -> Result<void> {
      return tx.Query("SELECT 1").has_value() ? Ok() : Unavailable("sqlite ping");
    });
  }

 private:
  struct Pending {
    const std::function<Result<void>(Tx&)>* fn;
    Result<void> result = Ok();
    bool done = false;  // guarded by mu_
    std::condition_variable cv;
  };
  static constexpr size_t kMaxBatch = 64;

  void Commit() {
    std::unique_lock lock(mu_);
    for (;;) {
      work_.wait(lock, [&] { return stop_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping
      std::vector<Pending*> batch;
      while (!pending_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(pending_.front());
        pending_.pop_front();
      }
      lock.unlock();
      RunBatch(batch);
      lock.lock();
      for (Pending* p : batch) {
        p->done = true;
        p->cv.notify_one();
      }
    }
  }

  void RunBatch(const std::vector<Pending*>& batch) {
    for (int attempt = 0;; ++attempt) {
      Result<void> r = Once(batch);
      bool busy = !r && r.error().code == ErrorCode::kUnavailable;
      if (r || !busy || attempt >= 5) {
        if (!r) {
          for (Pending* p : batch) p->result = r.error();
        }
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20 << attempt));
    }
  }

  // One transaction for the batch; each function's own failure rolls back only its
  // savepoint. Returns the error that failed the whole transaction (BEGIN or COMMIT).
  Result<void> Once(const std::vector<Pending*>& batch) {
    // Transaction control goes through the statement cache too: re-parsing SAVEPOINT and
    // RELEASE for every delivery was a visible share of the batch.
    SqliteTx sqlite_tx(db_, *statements_);
    Tx& tx = sqlite_tx;
    if (Result<int64_t> r = tx.Exec("BEGIN IMMEDIATE"); !r) {
      return std::move(r).error().Wrap("beginning transaction");
    }
    for (Pending* p : batch) {
      (void)tx.Exec("SAVEPOINT one");
      p->result = (*p->fn)(tx);
      if (!p->result) (void)tx.Exec("ROLLBACK TO one");
      (void)tx.Exec("RELEASE one");
    }
    if (Result<int64_t> r = tx.Exec("COMMIT"); !r) {
      (void)tx.Exec("ROLLBACK");
      return std::move(r).error().Wrap("committing");
    }
    return Ok();
  }

  std::mutex mu_;
  std::condition_variable work_;  // the committer waits here for pending_ or stop_
  std::deque<Pending*> pending_;
  bool stop_ = false;
  std::thread committer_;
  sqlite3* db_;
  int lock_fd_;
  std::optional<StatementCache> statements_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const StoreOptions& options) {
  int lock_fd = -1;
  if (options.exclusive && path != ":memory:") {
    std::string lock_path = path + ".lock";
    lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0) return Unavailable("opening \"" + lock_path + "\": cannot create lock file");
    if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
      close(lock_fd);
      return Conflict("state \"" + path + "\" is in use by another schemabot serve (lock \"" +
                      lock_path + "\"); use a postgres:// state to run several");
    }
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    if (lock_fd >= 0) close(lock_fd);
    return Unavailable("opening sqlite \"" + path + "\": " + msg);
  }
  auto store = std::make_unique<SqliteStore>(db, lock_fd);
  sqlite3_busy_timeout(db, 5000);
  // WAL + synchronous=FULL: every commit is fsynced before Transact returns, so an answered
  // delivery survives a power loss or kernel crash too, not only kill -9 (which NORMAL would
  // already survive). Senders do not redeliver what we acknowledged, so that is the bar.
  // Group commit (above) pays one fsync per batch of concurrent transactions.
  // A 16 MB page cache (default 2 MB) keeps the jobs and deliveries indexes of a busy queue
  // in memory instead of re-reading pages from the OS on every delivery.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-16000"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Unavailable("opening sqlite \"" + path + "\": " + sqlite3_errmsg(db));
    }
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace schemabot::store
