// Internal to engine/sql: the Atlas-compatible statement scanner and its helpers.
// Public callers use sql.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sql/sql.h"
#include "engine/sql/text_util.h"

namespace schemabot::sql::internal {

// One statement as the scanner emits it. Views point into the scanned text.
struct RawStatement {
  std::string_view text;                   // trimmed, custom delimiter removed
  std::vector<std::string_view> comments;  // attached comments
  size_t atlas_pos = 0;                    // Atlas's Stmt.Pos
};

// A scan failure: Atlas's message and the index (into the scanned text) Atlas reports,
// which is one past the offending byte; npos when the error has no position.
struct ScanFailure {
  std::string message;
  size_t index = std::string_view::npos;
};

// Shared by a scanner and the block scanners it starts: memoised block results (a BEGIN
// at a given offset always scans the same way) and the nesting limit.
struct ScanContext {
  const char* base = nullptr;  // the top-level text; offsets in `memo` are relative to it
  std::unordered_map<size_t, long> memo;  // key: offset*4 + kind; value: advance or -1
  bool too_deep = false;
  // Searches that failed once fail from every later offset too (all scanners share the
  // text's end), so remembering them keeps unterminated comments linear.
  size_t no_newline_from = std::string_view::npos;
  size_t no_block_close_from = std::string_view::npos;
  size_t nested_fail_from = std::string_view::npos;
};

constexpr int kMaxBlockDepth = 200;

// Scans `input` into statements. `initial_delim` "" means ";" and honours a first line
// `-- atlas:delimiter`; any other value is used as the delimiter and disables the
// directive (goose chunks). Returns false and fills `failure` on error.
bool ScanAll(std::string_view input, const ScanOptions& options, std::string_view initial_delim,
             std::vector<RawStatement>* out, std::string* delim_directive, ScanFailure* failure);

}  // namespace schemabot::sql::internal
