// Flows: what the bot does for a job, one file of steps each (DESIGN.md "flows/").
//
//   flows::Deps deps = ...;                       // forges, mirrors, dev-database pools
//   handlers.Register("lint_pr", flows::LintPrHandler(deps));
//   handlers.Register("merge_group", flows::MergeGroupHandler(deps));
//
// lint_pr (a pull request opened, updated, reopened; the job payload is the webhooks::Event
// as JSON):
//   1. List the changed files (one forge call). A PR whose changed files hold no `.sql`
//      file and no `atlas.sum` ends here: nothing else is called. Drafts are left alone
//      until they are ready for review.
//   2. Read the pull request's current head and base; a closed PR is left alone. The head
//      linted is the PR's current head (a newer push has superseded the event's head).
//   3. Read `.schemabot.yaml` at the BASE commit (a PR cannot weaken its own rules; the
//      server's `repo_config.locked` keys are enforced); no file: DefaultRepoConfig().
//      The configured directories the PR changes are linted; none (or `enabled: false`):
//      done.
//   4. Fetch the PR head (refs/pull/N/head, GitLab refs/merge-requests/N/head) and the base
//      branch into the mirror cache with the forge's git credentials; lint each directory
//      at the head against the directory at the merge base (engine/lint BaseDirDetector:
//      new files are the PR's, edited or deleted merged files are SB102/SB103) on a leased
//      dev database (static when the directory says `devdb: static` or no pool serves its
//      dialect). Untrusted code from forks runs only as the pool's restricted role; the
//      bot never writes to a fork.
//   5. Before posting, the PR's head is read again: when it moved, nothing is posted (the
//      newer head's job posts), so a result for an older head never covers a newer one.
//   6. Report: one summary comment per directory (marker "<!-- schemabot:lint dir=D -->",
//      updated in place, split under the host's limit), inline review comments on added
//      lines only (each carries a hidden fingerprint; one already on the PR is not posted
//      again; at most Options::max_inline per run, the rest counted in the summary), and
//      one status for the head commit: a check run with annotations when the GitHub forge
//      runs as an App, else the commit status "schemabot/lint" (GitLab: commit status).
// merge_group (GitHub merge queue checks_requested): the same lint for the queue's commit
// against its base, reported only as the status / check run of that commit, so a required
// schemabot check never stalls the queue.
//
// Retries: forge calls that fail with kUnavailable (5xx, timeouts, rate limits) and an
// unreachable dev database make the job Retry (with the forge's retry-after); every step
// is idempotent in effect (comments are found by marker or fingerprint before creating),
// so a re-run ends in the same state. Bad repository content (a broken .schemabot.yaml, an
// unreadable directory) is reported on the PR, not retried.
//
// Thread-safety: handlers run on several worker threads at once; Deps members must be
// thread-safe (Forge, MirrorCache and Pool are).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "bot/forge/forge.h"
#include "bot/git/git.h"
#include "bot/queue/worker.h"
#include "engine/devdb/pool.h"
#include "engine/sql/sql.h"

namespace schemabot::config {
struct ServerConfig;
}

namespace schemabot::flows {

struct Options {
  int max_inline = 20;   // inline review comments posted per run
  std::string docs_url;  // base of the lint-code links in comments
  std::string status_context = "schemabot/lint";
  bool repo_config_enabled = true;  // read .schemabot.yaml from repositories
  std::vector<std::string> repo_config_locked;
};

// Time spent per step of the last lint_pr run (bench/pr_flow reads it).
struct Timings {
  double fetch_ms = 0;    // git fetch into the mirror
  double replay_ms = 0;   // lease + base + new files on the dev database
  double analyze_ms = 0;  // analyzers + report (lint total minus replay)
  double forge_ms = 0;    // every forge call
  double total_ms = 0;
};

// What the flows use. The pointers are borrowed and must outlive the handlers.
struct Deps {
  forge::Forge* github = nullptr;  // nullptr: the host is not configured
  forge::Forge* gitlab = nullptr;
  git::MirrorCache* mirrors = nullptr;  // required
  // The dev-database pool for a dialect, opened on first use; nullptr (or an error) when
  // none is configured: directories of that dialect are then linted statically (an error
  // kUnavailable makes the job retry).
  std::function<Result<devdb::Pool*>(sql::Dialect)> pool;
  Options options;
  // Called after each lint_pr run with its step times (tests, benchmarks); may be empty.
  std::function<void(const Timings&)> on_timings;
};

queue::JobHandler LintPrHandler(const Deps& deps);
queue::JobHandler MergeGroupHandler(const Deps& deps);

// The flows' resources for `schemabot serve`, built from the server config: the GitHub and
// GitLab forges of enabled sections that carry API credentials, the mirror cache under
// `cache_dir`, and dev-database pools opened on first use (devdb.<dialect>.managed starts
// schemabot's own server; a url/admin_url uses that server; no devdb section at all: the
// managed PostgreSQL, the embedded default). Errors: those of building a forge or opening
// the cache directory.
class Resources {
 public:
  static Result<std::unique_ptr<Resources>> Build(const config::ServerConfig& config);
  ~Resources();
  const Deps& deps() const { return deps_; }

 private:
  Resources() = default;
  Result<devdb::Pool*> Pool(sql::Dialect dialect);

  std::unique_ptr<forge::Forge> github_, gitlab_;
  std::unique_ptr<git::MirrorCache> mirrors_;
  struct PoolSetting {
    bool managed = false;
    std::string admin_url;
    int size = 2;
    bool configured = false;
  };
  std::map<sql::Dialect, PoolSetting> settings_;
  std::mutex mu_;
  std::map<sql::Dialect, std::unique_ptr<devdb::Pool>> pools_;
  Deps deps_;
};

}  // namespace schemabot::flows
