// The repo config (`.schemabot.yaml` at the repository root): which directories hold
// migrations, how to read and lint them, and where merged versions are deployed.
//
//   SB_TRY_ASSIGN(RepoConfig rc, ParseRepoConfig(text, ".schemabot.yaml"));
//   for (const DirConfig& d : rc.dirs) ... d.lint is an engine/lint LintConfig
//
// Built on the same key table machinery as the server config (config.h): unknown keys and
// bad values are errors with file:line:col, docs/config.md is generated from kRepoKeys.
// The bot reads this file at a PR's BASE commit, so a PR cannot weaken its own rules; the
// server config may lock keys (`repo_config.locked`), which ApplyLocks enforces.
//
// Thread-safety: immutable values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "engine/dir/dir.h"
#include "engine/lint/config.h"
#include "engine/sql/sql.h"

namespace schemabot::config {

extern const KeyTable kRepoKeys;
extern const char* const kRepoConfigIntro;

struct DeployTarget {
  std::string env;                 // "staging"
  std::string repo;                // manifests repo, "acme/gitops"
  std::vector<std::string> files;  // AtlasMigration manifests to edit
  std::string mode = "tag";        // tag | configmap
  bool auto_merge = false;
};

struct DirConfig {
  std::string path;                      // "migrations", relative to the repo root
  std::string name;                      // registry name; default: last path element
  std::optional<dir::DirFormat> format;  // nullopt: detect
  sql::Dialect dialect = sql::Dialect::kPostgres;
  bool static_only = false;  // devdb: static — lint without a database
  lint::LintConfig lint;
  std::vector<DeployTarget> deploy;
};

struct RepoConfig {
  int version = 1;
  bool enabled = true;  // false: the bot leaves the repository's pull requests alone
  std::vector<DirConfig> dirs;
};

// Parses and validates. Errors: InvalidArgument "file:line:col: …" (unknown key, bad
// value, unsupported version, a directory listed twice, a bad naming pattern).
Result<RepoConfig> ParseRepoConfig(std::string_view text, std::string_view file);

// The config used when a repository has no .schemabot.yaml: one atlas-format PostgreSQL
// directory at `migrations`.
RepoConfig DefaultRepoConfig();

// Errors when the repo config sets a key that `locked` (server config) forbids:
// PermissionDenied "file:line:col: dirs[0].lint.destructive: locked by the server config".
Result<void> ApplyLocks(std::string_view text, std::string_view file,
                        const std::vector<std::string>& locked);

}  // namespace schemabot::config
