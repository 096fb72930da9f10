// Shared flow steps: errors to job results, repo rules, touched directories, the lint of
// one directory from the mirror.
#include <algorithm>

#include "bot/flows/internal.h"
#include "engine/lint/dev_replay.h"
#include "engine/lint/lint.h"

namespace schemabot::flows::internal {

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

queue::JobResult ResultOf(const Error& error, const std::string& step) {
  std::string message = step + ": " + error.message;
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kPermissionDenied: {
      std::optional<std::chrono::milliseconds> after;
      if (error.retry_after_seconds) {
        after = std::chrono::milliseconds(int64_t{1000} * *error.retry_after_seconds);
      }
      return queue::JobResult::Retry(message, after);
    }
    case ErrorCode::kNotFound:
      return queue::JobResult::Done();
    default:
      return queue::JobResult::Fail(message);
  }
}

Result<RepoRules> ReadRepoRules(const git::MirrorCache& mirrors, const std::string& clone_url,
                                const std::string& commit, const Options& options) {
  RepoRules rules{config::DefaultRepoConfig(), ""};
  if (!options.repo_config_enabled) return rules;
  constexpr const char* kFile = ".schemabot.yaml";
  auto text = mirrors.ReadFile(clone_url, commit, kFile);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return rules;
    return std::move(text).error();
  }
  if (auto locked = config::ApplyLocks(*text, kFile, options.repo_config_locked); !locked) {
    rules.problem = locked.error().message;
    return rules;
  }
  auto parsed = config::ParseRepoConfig(*text, kFile);
  if (!parsed) {
    rules.problem = parsed.error().message;
    return rules;
  }
  rules.config = std::move(*parsed);
  return rules;
}

std::vector<const config::DirConfig*> TouchedDirs(const config::RepoConfig& config,
                                                  const std::vector<std::string>& paths) {
  std::vector<const config::DirConfig*> out;
  for (const auto& d : config.dirs) {
    std::string prefix = d.path.empty() || d.path == "." ? "" : d.path + "/";
    bool hit = std::any_of(paths.begin(), paths.end(),
                           [&](const std::string& p) { return p.starts_with(prefix); });
    if (hit) out.push_back(&d);
  }
  return out;
}

bool IsMigrationPath(std::string_view p) {
  return p.ends_with(".sql") || p == "atlas.sum" || p.ends_with("/atlas.sum");
}

namespace {

// The directory at `commit`; an empty one when the commit does not have it.
Result<std::unique_ptr<dir::Dir>> TreeOrEmpty(const git::MirrorCache& mirrors,
                                              const std::string& url, const std::string& commit,
                                              const std::string& path) {
  auto tree = mirrors.OpenTree(url, commit, path);
  if (tree) return std::move(*tree);
  if (tree.error().code == ErrorCode::kNotFound) return dir::NewMemDir({});
  return std::move(tree).error();
}

dir::DirFormat FormatOf(const config::DirConfig& d, const dir::Dir& head, const dir::Dir& base) {
  if (d.format) return *d.format;
  if (auto f = dir::DetectFormat(head)) return *f;
  if (auto f = dir::DetectFormat(base)) return *f;
  return dir::DirFormat::kAtlas;
}

}  // namespace

Result<DirResult> LintDir(const Deps& deps, const std::string& clone_url,
                          const config::DirConfig& d, const std::string& base,
                          const std::string& head, Timings& timings) {
  DirResult out;
  out.dir = &d;
  SB_TRY_ASSIGN(auto head_dir, TreeOrEmpty(*deps.mirrors, clone_url, head, d.path));
  SB_TRY_ASSIGN(auto base_dir, TreeOrEmpty(*deps.mirrors, clone_url, base, d.path));
  dir::DirFormat format = FormatOf(d, *head_dir, *base_dir);
  auto head_md = dir::LoadMigrations(*head_dir, format);
  if (!head_md) {
    out.problem = head_md.error().message;
    return out;
  }
  auto base_md = dir::LoadMigrations(*base_dir, format);
  if (!base_md) {
    out.problem = "the base branch's directory: " + base_md.error().message;
    return out;
  }

  std::unique_ptr<lint::Replayer> replayer;
  lint::ReplayStats stats;
  if (!d.static_only && deps.pool) {
    SB_TRY_ASSIGN(devdb::Pool * pool, deps.pool(d.dialect));
    if (pool) replayer = lint::NewPoolReplayer(*pool, d.dialect, format, &stats);
  }
  if (!replayer) replayer = lint::NewStaticReplayer(d.dialect);

  auto detector = lint::BaseDirDetector(std::move(*base_md));
  lint::LintRequest req;
  req.dir = d.path;
  req.sum = lint::CheckSum(*head_md, *head_dir);
  req.head = std::move(*head_md);
  req.detector = detector.get();
  req.dialect = d.dialect;
  req.config = d.lint;
  req.replayer = replayer.get();
  auto start = std::chrono::steady_clock::now();
  auto rep = lint::Lint(req);
  double lint_ms = MsSince(start);
  replayer.reset();  // the lease goes back to the pool now
  double replay_ms = stats.lease_ms + stats.base_ms + stats.snapshot_ms;
  timings.replay_ms += replay_ms;
  timings.analyze_ms += std::max(0.0, lint_ms - replay_ms);
  if (!rep) {
    ErrorCode c = rep.error().code;
    if (c == ErrorCode::kUnavailable || c == ErrorCode::kTimeout) {
      return std::move(rep).error().Wrap("linting " + d.path);
    }
    out.problem = rep.error().message;
    return out;
  }
  out.report = std::move(*rep);
  out.counts = report::CountFindings(out.report);
  return out;
}

Result<std::vector<std::string>> Fetch(const Deps& deps, forge::Forge& forge,
                                       const std::string& repo, const std::string& clone_url,
                                       std::vector<std::string> wants) {
  git::FetchRequest req;
  req.clone_url = clone_url;
  req.wants = std::move(wants);
  if (!clone_url.starts_with("file://") && !clone_url.starts_with("/")) {
    SB_TRY_ASSIGN(forge::GitAuth auth, forge.GitCredentials(repo));
    req.credentials = git::Credentials{auth.username, auth.password};
  }
  return deps.mirrors->Fetch(req);
}

forge::Forge* ForgeFor(const Deps& deps, webhooks::Host host) {
  switch (host) {
    case webhooks::Host::kGitHub:
      return deps.github;
    case webhooks::Host::kGitLab:
      return deps.gitlab;
    case webhooks::Host::kGit:
      return nullptr;
  }
  return nullptr;
}

}  // namespace schemabot::flows::internal
