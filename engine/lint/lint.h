// The lint pipeline: detect → replay → analyze → report.
//
//   auto detector = lint::LatestDetector(1);                // or BaseDirDetector(base)
//   auto replayer = lint::NewDevReplayer(pool, dialect);    // or nullptr for --static
//   lint::LintRequest req{.dir = "migrations", .head = std::move(md), .detector = detector.get(),
//                         .dialect = sql::Dialect::kPostgres, .replayer = replayer.get()};
//   SB_TRY_ASSIGN(report::SummaryReport rep, lint::Lint(req));
//
// Stage interfaces: Detector (detect.h), Replayer (below), Analyzer (analyzer.h), and the
// renderers of engine/report. Each has a test fake or a second implementation: the
// static Replayer is the token classifier used by `--static` and the pre-receive hook.
//
// What ends up in the report: the Atlas steps (integrity check, detection, replay, one
// "Analyze <file>" per new file), one FileReport per new file with a report per family,
// plus integrity findings (SB101-SB109). Failures inside the directory (a statement that
// fails on the dev database, a file that cannot be split) are diagnostics, not errors:
// Lint() returns an Error only when it cannot run at all (the dev database is down: the
// replayer's kUnavailable / kTimeout is passed through so the caller can retry).
//
// Thread-safety: Lint() is reentrant; a Replayer is used by one Lint() at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/dir/dir.h"
#include "engine/lint/analyzer.h"
#include "engine/lint/config.h"
#include "engine/lint/detect.h"
#include "engine/report/report.h"
#include "engine/schema/schema.h"
#include "engine/sql/sql.h"

namespace schemabot::lint {

// A statement that the dev database rejected.
struct StatementFailure {
  size_t stmt = 0;      // index into the file's statements
  std::string message;  // the server's own message
  size_t offset = 0;    // file byte offset of the error (statement start if unknown)
};

// What replaying one new file did.
struct ReplayedFile {
  // states[0]: the schema before the file; states[i + 1]: after statement i. Only
  // statements that ran have a state.
  std::vector<schema::Realm> states;
  std::vector<schema::Changes> changes;  // changes[i]: what statement i did
  std::optional<StatementFailure> failure;
};

// Stage 2. One Replayer instance serves one lint run: ReplayBase once, then ReplayFile
// for each new file in order, each continuing from the state the previous call left.
class Replayer {
 public:
  virtual ~Replayer() = default;
  // Brings the database to the state after `base` (from the nearest snapshot when the
  // implementation has a cache). Errors: kUnavailable / kTimeout when the database is
  // unreachable; kInvalidArgument when a base file fails (message names file and line).
  virtual Result<void> ReplayBase(const std::vector<dir::Migration>& base) = 0;
  // Executes `statements` of `file` one by one (in one transaction unless `in_transaction`
  // is false), inspecting after each. A failing statement ends the file: failure is set and
  // the states stop there. Errors as for ReplayBase (never for a failing statement).
  virtual Result<ReplayedFile> ReplayFile(const dir::Migration& file,
                                          const std::vector<sql::Statement>& statements,
                                          bool in_transaction) = 0;
  // The server's flavour and version (major 0 for the static replayer).
  virtual devdb::ServerVersion Server() const = 0;
  // Checks this replayer cannot run (static mode), for the report.
  virtual std::vector<std::string> SkippedChecks() const { return {}; }
};

// The static replayer: no database; a classifier of statement tokens keeps a model of the
// schema from CREATE/ALTER/DROP statements (earlier files included), so the same
// analyzers run on approximate changes.
std::unique_ptr<Replayer> NewStaticReplayer(sql::Dialect dialect);

// The result of checking atlas.sum, computed by the caller with engine/sum.
struct SumStatus {
  bool present = false;  // the directory has an atlas.sum
  bool valid = true;
  std::string error;   // "checksum mismatch"
  std::string file;    // the first file that differs, "" if unknown
  std::string detail;  // "L3: 2_add.sql was edited"
};

// The atlas.sum check of `md` as read from `d` (its "atlas.sum" file, if any).
SumStatus CheckSum(const dir::MigrationDir& md, const dir::Dir& d);

struct LintRequest {
  std::string dir;                     // shown in the report (Env.Dir)
  dir::MigrationDir head;              // the directory as changed
  const Detector* detector = nullptr;  // required
  sql::Dialect dialect = sql::Dialect::kPostgres;
  LintConfig config;
  Replayer* replayer = nullptr;  // required; NewStaticReplayer for --static
  std::optional<SumStatus> sum;  // nullopt: not checked
  // Called after each file (base files replayed, then each new file): done / total.
  std::function<void(int done, int total)> progress;
};

Result<report::SummaryReport> Lint(const LintRequest& request);

// The analyzers for `dialect`, in order (registry.cc).
std::vector<std::unique_ptr<Analyzer>> AnalyzersFor(sql::Dialect dialect);

// Splits a migration's up section into statements positioned in the whole file.
Result<std::vector<sql::Statement>> SplitMigration(const dir::Migration& m, dir::DirFormat format,
                                                   sql::Dialect dialect,
                                                   sql::SplitError* error = nullptr);

}  // namespace schemabot::lint
