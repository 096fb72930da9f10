// `-- atlas:nolint` with Atlas's semantics (reference atlas-core.md §4.6):
//   - file level (the header comment block): a single bare `atlas:nolint` skips the file;
//     with arguments, they apply to every statement of the file;
//   - statement level: the directives in the comments attached to the statement;
//   - arguments are split on single spaces; each is an analyzer (family) name or a code;
//   - a diagnostic is dropped when the statement's rule list is exactly [""] (bare), or
//     holds its code or its family. Atlas's quirk is kept: a bare and a named nolint on one
//     statement give ["", "x"], which no longer suppresses everything.
// schemabot also remembers which rules suppressed something, so that stale ones can be
// reported (SB109).
//
// Thread-safety: not thread-safe (Suppressed() records usage).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/sql.h"

namespace schemabot::lint {

class NolintRules {
 public:
  NolintRules(const std::vector<sql::Directive>& file_directives,
              const std::vector<sql::Statement>& statements);

  // A lone bare `-- atlas:nolint` in the file header: the file is not analysed.
  bool SkipFile() const { return skip_file_; }

  // True when a diagnostic of `code` / `family` on statement `stmt` is suppressed.
  bool Suppressed(size_t stmt, std::string_view code, std::string_view family);

  struct Unused {
    size_t stmt;  // the statement the directive is attached to (file level: 0)
    bool file_level;
    std::string rule;  // "" for a bare nolint
  };
  // Directives that suppressed nothing, in statement order.
  std::vector<Unused> UnusedRules() const;

 private:
  struct Rule {
    std::string arg;
    bool file_level = false;
    bool used = false;
  };
  std::vector<std::vector<Rule>> per_stmt_;
  std::vector<Rule> file_rules_;
  bool skip_file_ = false;
};

// Splits a nolint argument string on single spaces; "" -> {""}.
std::vector<std::string> SplitNolintArgs(std::string_view args);

}  // namespace schemabot::lint
