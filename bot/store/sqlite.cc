// SQLite backend: one connection in WAL mode, transactions serialised (and grouped) on it
// with BEGIN IMMEDIATE. sqlite3 appears in this file only.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

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

class SqliteTx : public Tx {
 public:
  explicit SqliteTx(sqlite3* db) : db_(db) {}

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
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) !=
        SQLITE_OK) {
      return SqlError(db_, "preparing statement");
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    for (size_t i = 0; i < params.size(); ++i) {
      std::string name = "$" + std::to_string(i + 1);
      int idx = sqlite3_bind_parameter_index(st, name.c_str());
      if (idx == 0) continue;  // parameter not used by this statement
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        sqlite3_bind_null(st, idx);
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(st, idx, *n);
      } else {
        const std::string& s = std::get<std::string>(v);
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
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
};

class SqliteStore : public Store {
 public:
  SqliteStore(sqlite3* db, int lock_fd) : db_(db), lock_fd_(lock_fd) {}
  ~SqliteStore() override {
    sqlite3_close(db_);
    if (lock_fd_ >= 0) close(lock_fd_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  bool shared() const override { return false; }

  // Group commit: concurrent callers queue up; one of them (the leader) runs every queued
  // function in one transaction, each inside its own savepoint, and commits once. A commit
  // costs the same for one delivery or twenty, so throughput grows with concurrency while
  // every caller still returns only after its own work is committed.
  Result<void> Transact(const std::function<Result<void>(Tx&)>& fn) override {
    Pending me{&fn};
    std::unique_lock lock(mu_);
    pending_.push_back(&me);
    while (!me.done) {
      if (leader_) {
        cv_.wait(lock);
        continue;
      }
      leader_ = true;
      std::vector<Pending*> batch;
      while (!pending_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(pending_.front());
        pending_.pop_front();
      }
      lock.unlock();
      RunBatch(batch);
      lock.lock();
      leader_ = false;
      cv_.notify_all();
    }
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
    bool done = false;
  };
  static constexpr size_t kMaxBatch = 64;

  void RunBatch(const std::vector<Pending*>& batch) {
    for (int attempt = 0;; ++attempt) {
      Result<void> r = Once(batch);
      bool busy = !r && r.error().code == ErrorCode::kUnavailable;
      if (r || !busy || attempt >= 5) {
        for (Pending* p : batch) {
          if (!r) p->result = r.error();
          p->done = true;
        }
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20 << attempt));
    }
  }

  // One transaction for the batch; each function's own failure rolls back only its
  // savepoint. Returns the error that failed the whole transaction (BEGIN or COMMIT).
  Result<void> Once(const std::vector<Pending*>& batch) {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqlError(db_, "beginning transaction");
    }
    SqliteTx tx(db_);
    for (Pending* p : batch) {
      sqlite3_exec(db_, "SAVEPOINT one", nullptr, nullptr, nullptr);
      p->result = (*p->fn)(tx);
      if (!p->result) sqlite3_exec(db_, "ROLLBACK TO one", nullptr, nullptr, nullptr);
      sqlite3_exec(db_, "RELEASE one", nullptr, nullptr, nullptr);
    }
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      Error e = SqlError(db_, "committing");
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return e;
    }
    return Ok();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending*> pending_;
  bool leader_ = false;
  sqlite3* db_;
  int lock_fd_;
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
  // WAL + synchronous=NORMAL: a commit survives a crash of the process (kill -9); an OS
  // crash may lose the last commits. FULL would fsync every commit.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Unavailable("opening sqlite \"" + path + "\": " + sqlite3_errmsg(db));
    }
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace schemabot::store
