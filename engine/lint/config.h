// Lint policy: what each analyzer family reports and how loudly.
//
// A LintConfig is plain data. config/ fills it from `.schemabot.yaml` (`lint:` block of a
// directory) and from CLI flags; engine/lint only reads it. Defaults match Atlas's:
// destructive and integrity are errors, naming is off, everything else warns.
//
// Thread-safety: plain value.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/lint/codes.h"

namespace schemabot::lint {

// A naming rule: names must fully match `match` (ECMAScript regex); `message` replaces
// the default text when set.
struct NamingRule {
  std::string match;
  std::string message;
};

struct NamingConfig {
  NamingRule all;  // applies to every kind unless the kind has its own rule
  std::optional<NamingRule> schema, table, column, index, foreign_key, check;
};

struct LintConfig {
  // Family name -> level. Families not listed use their default (codes.h).
  std::map<std::string, Level, std::less<>> levels;
  NamingConfig naming;
  // concurrent_index sub-switches (Atlas's check_create / check_drop / check_txmode).
  bool check_create = true;
  bool check_drop = true;
  bool check_txmode = true;
  // Report `-- atlas:nolint` directives that suppressed nothing (SB109).
  bool report_unused_nolint = true;

  // The level in force for `family`, considering the naming special case: naming is on
  // (its configured level, warning by default) only when a pattern is configured.
  Level LevelOf(std::string_view family) const;
  // The level for one code: its family's level.
  Level LevelOfCode(std::string_view code) const;
};

// Parses "error", "warning", "off" (also "warn"). Errors: kInvalidArgument naming the value.
Result<Level> ParseLevel(std::string_view text);

}  // namespace schemabot::lint
