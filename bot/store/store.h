// The state store: a small SQL seam over SQLite (embedded default, one process) and
// PostgreSQL (several replicas share it). The queue, deliveries, registry and audit log
// live here, in one schema kept as an atlas-format migration directory per dialect
// (bot/store/migrations/{sqlite,postgres}/, with atlas.sum), embedded into the binary and
// applied by OpenStore.
//
//   SB_TRY_ASSIGN(auto store, OpenStore("sqlite:///var/lib/schemabot/state.db"));
//   SB_TRY(store->Transact([&](Tx& tx) -> Result<void> {
//     SB_TRY_ASSIGN(auto rows, tx.Query("SELECT id FROM jobs WHERE key = $1", {key}));
//     …
//     return Ok();
//   }));
//
// SQL is written once for both backends: placeholders `$1 … $n`, integer milliseconds for
// times, TEXT for strings, `ON CONFLICT … DO NOTHING`, `RETURNING`. Where dialects differ
// (FOR UPDATE SKIP LOCKED), ask dialect().
//
// Thread-safety: a Store may be used from any thread. SQLite runs transactions on one
// connection, on one committer thread (BEGIN IMMEDIATE), and groups concurrent ones into one
// commit, each in its own savepoint (a failing function rolls back only its own work; `fn`
// must not call Transact); commits are fsynced (WAL, synchronous=FULL), so a Transact that
// returned Ok survives a power loss. PostgreSQL runs them on a pool of connections.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace schemabot::store {

enum class Dialect { kSqlite, kPostgres };

using Value = std::variant<std::nullptr_t, int64_t, std::string>;
using Params = std::vector<Value>;

// One result row; columns by position, in SELECT order.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool IsNull(size_t i) const { return i >= cols_.size() || !cols_[i]; }
  std::string Text(size_t i) const { return IsNull(i) ? "" : *cols_[i]; }
  int64_t Int(size_t i) const;  // 0 for NULL or non-numbers

 private:
  std::vector<std::optional<std::string>> cols_;
};
using Rows = std::vector<Row>;

// The statements of one transaction. Errors: kInternal with the database's message for
// SQL errors, kConflict for unique violations, kUnavailable when the connection is lost.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Several statements without parameters (migration files).
  virtual Result<void> ExecScript(std::string_view sql) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;
  // True when other processes may share this store (PostgreSQL). A SQLite store is owned
  // by one `serve` process (see StoreOptions::exclusive).
  virtual bool shared() const = 0;
  // Runs `fn` in one transaction: commits when it returns Ok, rolls back otherwise.
  // Serialisation failures and SQLite busy errors are retried a few times.
  virtual Result<void> Transact(const std::function<Result<void>(Tx&)>& fn) = 0;
  // Cheap liveness check for /readyz. kUnavailable when the database is unreachable.
  virtual Result<void> Ping() = 0;
};

struct StoreOptions {
  int pool_size = 8;  // PostgreSQL connections
  // SQLite: hold an exclusive lock file (<db>.lock) for the life of the store, so that a
  // second `serve` on the same file refuses to start (kConflict).
  bool exclusive = false;
  bool migrate = true;  // apply the embedded migrations
};

// Opens `url` (sqlite:///abs/path.db, sqlite://relative.db, postgres://…, postgresql://…)
// and applies the embedded migrations (validated against their atlas.sum first).
// Errors: InvalidArgument for an unknown scheme, kUnavailable when the database cannot be
// reached, kConflict when an exclusive SQLite store is held by another process.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options = {});

// The embedded migration directory of a dialect: (file name, content) in version order,
// plus its atlas.sum. For tests and `schemabot jobs`.
struct MigrationFile {
  std::string name;
  std::string_view content;
};
std::vector<MigrationFile> EmbeddedMigrations(Dialect dialect);
std::string_view EmbeddedAtlasSum(Dialect dialect);

// Checks the embedded files against their atlas.sum with engine/sum. Errors: kInternal.
Result<void> ValidateEmbeddedMigrations(Dialect dialect);

}  // namespace schemabot::store
