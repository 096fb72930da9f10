// Replay: the lint pipeline's stage 2. Runs a migration directory on a pooled dev
// database and records what each new statement did to the schema.
//
//   SB_TRY_ASSIGN(ReplayResult r, Replay(pool, base, added, {.dialect = sql::Dialect::kPostgres}));
//   for (const FileReplay& f : r.files)
//     for (const StatementReplay& s : f.statements)
//       if (s.error) report SB106 at s.error->line:s.error->column with s.error->message
//       else analyze s.changes (schema before = previous statement's after)
//
// Steps:
// 1. Lease a database from the Pool, restored from the snapshot of the longest cached
//    prefix of `base` (keys: the cumulative atlas.sum-style hash of each base file,
//    SHA-256 over name1 content1 … namek contentk, base64).
// 2. Replay the rest of `base` file by file, whole files at once where the server allows
//    it (PostgreSQL simple-protocol scripts, MySQL multi-statements) and honouring the
//    file's transaction mode (dir::Migration::tx; engine/dir reads Mattermost's first line
//    `-- morph:nontransactional` as no transaction). Save the state as a snapshot.
// 3. Inspect (or take the schema cached with the snapshot: CachedSnapshotSchema); then
//    execute each statement of each file in `added` (engine/sql Split, goose blocks
//    honoured), inspecting after each one what it can have changed (SchemaTracker) and
//    diffing into Changes.
// A failing statement gets a StatementError with its file-relative line and column (the
// server's error position when it gives one) and the server's message; its file stops
// there (a transaction is rolled back), later files are not executed and say so, and the
// result is still returned. A base file that fails is reported in `base_error`.
//
// Errors (Result): only for what prevents replay altogether: no lease (kUnavailable,
// kTimeout from the Pool), a lost connection (kUnavailable), an inspection that fails.
//
// Thread-safety: Replay() may run concurrently on one Pool (one lease each).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/devdb/devdb.h"
#include "engine/devdb/pool.h"
#include "engine/dir/dir.h"
#include "engine/schema/schema.h"
#include "engine/sql/sql.h"

namespace schemabot::lint {

struct ReplayOptions {
  sql::Dialect dialect = sql::Dialect::kPostgres;
  // Restore / save prefix snapshots in the Pool.
  bool use_snapshots = true;
  // Goose sections: StatementBegin/End blocks are one statement (set for goose dirs).
  bool goose = false;
  schema::InspectOptions inspect;
  // After each new statement inspect only what it can have changed (SchemaTracker);
  // false: a full inspection after every statement.
  bool scoped_inspection = true;
};

// A statement (or base file) the server refused.
struct StatementError {
  std::string file;
  int line = 1;         // 1-based, in the file
  int column = 1;       // 1-based, bytes
  size_t offset = 0;    // byte offset in the file
  std::string message;  // the server's message
  std::string sqlstate;
  int code = 0;          // MySQL error number
  bool timeout = false;  // cut off by the statement limit or the watchdog
};

struct StatementReplay {
  sql::Statement statement;  // text and file positions (engine/sql)
  schema::Changes changes;   // what it changed (empty when it failed)
  std::optional<StatementError> error;
  double millis = 0;  // execution time, without the inspection
};

struct FileReplay {
  std::string file;
  dir::TxMode tx = dir::TxMode::kFile;
  bool executed = false;                   // false: an earlier file failed, so this one was not run
  std::optional<std::string> split_error;  // the file cannot be split (engine/sql message)
  std::vector<StatementReplay> statements;
  schema::Realm before;  // the schema before the file's first statement
  schema::Realm after;   // after its last executed statement
  bool failed() const;
};

struct ReplayResult {
  devdb::ServerVersion server;
  schema::Realm base_schema;  // after the base files
  std::vector<FileReplay> files;
  std::optional<StatementError> base_error;  // a base file failed; nothing new was run
  int base_files = 0;                        // base files given
  int base_files_from_snapshot = 0;          // of which restored from a snapshot
  int base_files_replayed = 0;               // of which executed now
  bool snapshot_saved = false;
  // Where the time went (milliseconds).
  double lease_ms = 0, base_ms = 0, snapshot_ms = 0, new_ms = 0, inspect_ms = 0;
  int full_inspections = 0, scoped_inspections = 0;
};

// ---- Scoped inspection ----------------------------------------------------------------
// After a statement only what it can have changed is inspected again; the rest of the
// schema is carried over. Changes come out the same as with a full inspection after
// every statement (tests/integration/corpus_replay_test.cc replays the corpus both ways).

// The names of the tables `statement` may change, for schema::InspectChanged: every
// identifier in it, the tables of the indexes it names, and — when it renames, drops,
// moves or (de)attaches partitions — the tables whose foreign keys reference one of those. nullopt
// when it cannot tell and everything must be inspected: DO blocks, function calls (SELECT, CALL),
// EXECUTE, SET (except MySQL user variables), ROLLBACK, ALTER TYPE other than ADD VALUE, ALTER
// SEQUENCE … RENAME, ALTER SCHEMA, DROP … CASCADE of anything but tables, indexes and
// views, CREATE FUNCTION / EXTENSION / RULE / DOMAIN, and any statement it does not
// recognise. Pure.
std::optional<std::vector<std::string>> TouchedTables(std::string_view statement,
                                                      sql::Dialect dialect,
                                                      const schema::Realm& before);

// The schema of one dev-database connection followed through the statements run on it.
// Not thread-safe (the Driver's rule); the driver must outlive it.
class SchemaTracker {
 public:
  // `scoped` false: a full inspection after every statement (the reference behaviour).
  SchemaTracker(devdb::Driver& driver, sql::Dialect dialect, schema::InspectOptions options = {},
                bool scoped = true);

  // The database is known to be in `state` (e.g. restored from a snapshot whose schema
  // was cached): no inspection needed.
  void Reset(schema::Realm state);
  // The state is not known (a base was replayed, a transaction rolled back, a statement
  // failed half-way): the next call inspects in full.
  void Invalidate();
  // The state now; inspects in full when it is not known. The pointer stays valid until
  // the next call on the tracker.
  Result<const schema::Realm*> Current();
  // The state after `statement`, which just ran successfully: an InspectChanged of the
  // tables it touches when the state before it was known, else a full inspection.
  Result<const schema::Realm*> After(std::string_view statement);

  double inspect_ms() const { return inspect_ms_; }
  int full_inspections() const { return full_; }
  int scoped_inspections() const { return scoped_; }

 private:
  Result<const schema::Realm*> Full();

  devdb::Driver& driver_;
  sql::Dialect dialect_;
  schema::InspectOptions options_;
  bool scoped_mode_;
  bool generic_plans_ = false;
  std::optional<schema::Realm> state_;
  double inspect_ms_ = 0;
  int full_ = 0, scoped_ = 0;
};

// PostgreSQL 12+: sets plan_cache_mode = force_generic_plan on the session, so that the
// scoped catalog queries run one prepared plan whatever tables they name (custom plans
// would be planned again on every call). SchemaTracker does it before its first scoped
// inspection; WarmUpForReplay too. No-op elsewhere; errors are ignored (only speed).
void UseGenericPlans(devdb::Driver& driver);

// The inspected schema of recent snapshots, process-wide: a snapshot's content is fixed
// by its key, so a lint restored from it needs no base inspection. `server` tells servers
// apart (ServerVersion::text and flavour). Bounded (8 entries, LRU); thread-safe.
std::optional<schema::Realm> CachedSnapshotSchema(const devdb::ServerVersion& server,
                                                  const std::string& key);
void CacheSnapshotSchema(const devdb::ServerVersion& server, const std::string& key,
                         const schema::Realm& realm);

// For devdb::PoolOptions::warm_up of pools that Replay uses: inspects once, so that the
// connection's prepared catalog queries are planned before a lint needs them.
void WarmUpForReplay(devdb::Driver& driver);

// The snapshot keys of a base prefix: keys[i] covers files 0..i.
std::vector<std::string> PrefixKeys(const std::vector<dir::Migration>& base);

Result<ReplayResult> Replay(devdb::Pool& pool, const std::vector<dir::Migration>& base,
                            const std::vector<dir::Migration>& added,
                            const ReplayOptions& options = {});

}  // namespace schemabot::lint
