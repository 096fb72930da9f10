// The steps the flows share (not part of the public API; flows.h is the manual).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/flows/flows.h"
#include "config/repo_config.h"
#include "engine/report/report.h"
#include "webhooks/event.h"

namespace schemabot::flows::internal {

double MsSince(std::chrono::steady_clock::time_point start);

// A job result for an error: kUnavailable / kTimeout / kPermissionDenied retry (with the
// error's retry-after), kNotFound is done (the PR or repository is gone), others fail.
queue::JobResult ResultOf(const Error& error, const std::string& step);

// The repository's rules at `commit`: .schemabot.yaml read from the mirror, with the
// server's locks applied. `problem` is set (and `config` is the default) when the file is
// broken or sets a locked key: the flow reports it instead of linting.
struct RepoRules {
  config::RepoConfig config;
  std::string problem;
};
Result<RepoRules> ReadRepoRules(const git::MirrorCache& mirrors, const std::string& clone_url,
                                const std::string& commit, const Options& options);

// The directories of `config` under which any of `paths` lies, in config order.
std::vector<const config::DirConfig*> TouchedDirs(const config::RepoConfig& config,
                                                  const std::vector<std::string>& paths);

// Whether a changed path can change a lint result: a .sql file or an atlas.sum.
bool IsMigrationPath(std::string_view path);

// The lint of one directory at `head` against `base` (both in the mirror of `clone_url`).
struct DirResult {
  const config::DirConfig* dir = nullptr;  // borrowed
  report::SummaryReport report;
  std::string problem;  // the directory could not be linted (shown instead of a report)
  report::Counts counts;
};
// Errors only when the job should retry (the dev database is unreachable, the mirror
// failed); content problems are DirResult::problem.
Result<DirResult> LintDir(const Deps& deps, const std::string& clone_url,
                          const config::DirConfig& dir, const std::string& base,
                          const std::string& head, Timings& timings);

// One finding at a file line, for inline comments and annotations.
struct Finding {
  std::string path;  // from the repository root
  int line = 1;
  bool error = false;
  std::string code;
  std::string text;
  std::string fix;  // first suggested fix, or ""
};
std::vector<Finding> FindingsOf(const DirResult& result);

// The hidden tag that identifies an inline comment's finding across runs.
std::string Fingerprint(const Finding& finding);
std::string InlineBody(const Finding& finding, const Options& options);

// The summary comment body (without the marker, which UpsertMarkedComment adds).
// `not_inline`: findings on changed lines left out by the inline cap.
std::string SummaryBody(const DirResult& result, const Options& options,
                        const std::string& head_sha, int not_inline);
std::string ProblemBody(const std::string& what, const std::string& problem,
                        const std::string& head_sha);

// The head commit's verdict over every linted directory.
struct Verdict {
  bool failed = false;
  std::string description;  // "1 error, 2 warnings in migrations" (<= 140 chars)
};
Verdict VerdictOf(const std::vector<DirResult>& results);

// Reports the verdict on `sha`: a check run with annotations when the forge may create
// them, else the commit status. `ref` is GitLab's branch ("" to omit).
Result<void> PublishVerdict(forge::Forge& forge, const std::string& repo, const std::string& sha,
                            const std::string& ref, const std::vector<DirResult>& results,
                            const Options& options);

// Fetches `wants` into the mirror with the forge's credentials for `repo`.
Result<std::vector<std::string>> Fetch(const Deps& deps, forge::Forge& forge,
                                       const std::string& repo, const std::string& clone_url,
                                       std::vector<std::string> wants);

// The forge serving the event's host, or nullptr.
forge::Forge* ForgeFor(const Deps& deps, webhooks::Host host);

}  // namespace schemabot::flows::internal
