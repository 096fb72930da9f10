// The diagnostic codes schemabot reports: stable API.
//
// One row per code: the code, the analyzer (family) that reports it — the name users
// write in `-- atlas:nolint <name>` and in `.schemabot.yaml`'s `lint:` block — the
// family's default severity, the dialects it applies to, and a one-line summary (the
// Atlas docs table's wording where Atlas has the code). docs/lint-codes.md has one
// anchor per code (`#ds102`); a test keeps the two in step.
#pragma once

#include <span>
#include <string_view>

namespace schemabot::lint {

enum class Level { kOff, kWarning, kError };

std::string_view LevelName(Level level);  // "off", "warning", "error"

enum DialectMask : unsigned {
  kAnyDialect = 3,
  kPostgresOnly = 1,
  kMySQLOnly = 2,
};

struct CodeInfo {
  std::string_view code;    // "DS102"
  std::string_view family;  // "destructive"
  Level default_level;
  unsigned dialects;         // DialectMask
  std::string_view summary;  // "Table was dropped"
};

// Every code, in docs order.
std::span<const CodeInfo> AllCodes();

// The row for `code`, or nullptr.
const CodeInfo* FindCode(std::string_view code);

// Family names: destructive, data_depend, incompatible, condrop, concurrent_index,
// blocking, mysql, naming, integrity.
std::span<const std::string_view> AllFamilies();
bool IsFamily(std::string_view name);

// The family's report text as Atlas prints it ("destructive changes detected").
std::string_view FamilyReportText(std::string_view family);

}  // namespace schemabot::lint
