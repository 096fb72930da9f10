#include "engine/lint/codes.h"

#include <array>

namespace schemabot::lint {
namespace {

constexpr Level W = Level::kWarning;
constexpr Level E = Level::kError;
constexpr Level O = Level::kOff;

constexpr CodeInfo kCodes[] = {
    {"DS101", "destructive", E, kAnyDialect, "Schema was dropped"},
    {"DS102", "destructive", E, kAnyDialect, "Table was dropped"},
    {"DS103", "destructive", E, kAnyDialect, "Non-virtual column was dropped"},
    {"MF101", "data_depend", W, kAnyDialect, "Add unique index to existing column"},
    {"MF102", "data_depend", W, kAnyDialect, "Modifying non-unique index to unique"},
    {"MF103", "data_depend", W, kAnyDialect, "Adding a non-nullable column to an existing table"},
    {"MF104", "data_depend", W, kAnyDialect, "Modifying a nullable column to non-nullable"},
    {"BC101", "incompatible", W, kAnyDialect, "Renaming a table"},
    {"BC102", "incompatible", W, kAnyDialect, "Renaming a column"},
    {"CD101", "condrop", W, kAnyDialect, "Foreign-key constraint was dropped"},
    {"PG101", "concurrent_index", W, kPostgresOnly, "Missing the CONCURRENTLY in index creation"},
    {"PG102", "concurrent_index", W, kPostgresOnly, "Missing the CONCURRENTLY in index deletion"},
    {"PG103", "concurrent_index", W, kPostgresOnly,
     "Missing atlas:txmode none directive in file header"},
    {"PG104", "concurrent_index", W, kPostgresOnly,
     "PRIMARY KEY constraint creation that acquires an ACCESS EXCLUSIVE lock on the table"},
    {"PG105", "concurrent_index", W, kPostgresOnly,
     "UNIQUE constraint creation that acquires an ACCESS EXCLUSIVE lock on the table"},
    {"PG301", "blocking", W, kPostgresOnly,
     "Column type change that requires table and indexes rewrite"},
    {"PG302", "blocking", W, kPostgresOnly,
     "Adding a column with a volatile DEFAULT value requires a rewrite of the table"},
    {"PG303", "blocking", W, kPostgresOnly,
     "Modifying a nullable column to non-nullable requires a full table scan"},
    {"PG304", "blocking", W, kPostgresOnly,
     "Adding a PRIMARY KEY on nullable columns implicitly set them to NOT NULL requires a full "
     "table scan"},
    {"PG305", "blocking", W, kPostgresOnly,
     "Adding a CHECK constraint that requires a full table scan"},
    {"PG306", "blocking", W, kPostgresOnly,
     "Adding a FOREIGN KEY constraint that requires a full table scan and blocks write operations"},
    {"MY101", "mysql", W, kMySQLOnly,
     "Adding a non-nullable column without a DEFAULT value to an existing table"},
    {"MY102", "mysql", W, kMySQLOnly,
     "Adding a column with an inline REFERENCES clause has no actual effect"},
    {"MY110", "mysql", W, kMySQLOnly, "Removing enum values from a column requires a table copy"},
    {"MY111", "mysql", W, kMySQLOnly, "Reordering enum values of a column requires a table copy"},
    {"MY112", "mysql", W, kMySQLOnly,
     "Inserting new enum values not at the end requires a table copy"},
    {"MY113", "mysql", W, kMySQLOnly,
     "Exceeding 256 enum values changes storage size and requires a table copy"},
    {"MY120", "mysql", W, kMySQLOnly, "Removing set values from a column requires a table copy"},
    {"MY121", "mysql", W, kMySQLOnly, "Reordering set values of a column requires a table copy"},
    {"MY122", "mysql", W, kMySQLOnly,
     "Inserting new set values not at the end requires a table copy"},
    {"MY123", "mysql", W, kMySQLOnly,
     "Exceeding 8, 16, 24, 32 or 64 set values changes the storage size and requires a table copy"},
    {"NM101", "naming", O, kAnyDialect, "Schema name violates the naming convention"},
    {"NM102", "naming", O, kAnyDialect, "Table name violates the naming convention"},
    {"NM103", "naming", O, kAnyDialect, "Column name violates the naming convention"},
    {"NM104", "naming", O, kAnyDialect, "Index name violates the naming convention"},
    {"NM105", "naming", O, kAnyDialect,
     "Foreign-key constraint name violates the naming convention"},
    {"NM106", "naming", O, kAnyDialect, "Check constraint name violates the naming convention"},
    {"SB101", "integrity", E, kAnyDialect, "atlas.sum does not match the directory"},
    {"SB102", "integrity", E, kAnyDialect, "A merged migration file was edited"},
    {"SB103", "integrity", E, kAnyDialect, "A merged migration file was deleted"},
    {"SB104", "integrity", W, kAnyDialect,
     "A new migration's version is not after the latest merged version"},
    {"SB105", "integrity", E, kAnyDialect, "Two migration files have the same version"},
    {"SB106", "integrity", E, kAnyDialect, "A statement failed on the dev database"},
    {"SB107", "integrity", E, kAnyDialect, "A file cannot be split into statements"},
    {"SB108", "integrity", E, kAnyDialect,
     "Explicit BEGIN/COMMIT in a file that runs in a transaction"},
    {"SB109", "integrity", W, kAnyDialect, "An atlas:nolint directive suppressed nothing"},
};

constexpr std::string_view kFamilies[] = {"destructive", "data_depend",      "incompatible",
                                          "condrop",     "concurrent_index", "blocking",
                                          "mysql",       "naming",           "integrity"};

struct FamilyText {
  std::string_view family, text;
};
constexpr FamilyText kReportTexts[] = {
    {"destructive", "destructive changes detected"},
    {"data_depend", "data dependent changes detected"},
    {"incompatible", "backward incompatible changes detected"},
    {"condrop", "constraint deletion detected"},
    {"concurrent_index", "concurrent index violations detected"},
    {"blocking", "blocking table changes detected"},
    {"mysql", "mysql table changes detected"},
    {"naming", "naming violations detected"},
    {"integrity", "migration integrity violations detected"},
};

}  // namespace

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kOff:
      return "off";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "off";
}

std::span<const CodeInfo> AllCodes() { return kCodes; }

const CodeInfo* FindCode(std::string_view code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

std::span<const std::string_view> AllFamilies() { return kFamilies; }

bool IsFamily(std::string_view name) {
  for (auto f : kFamilies) {
    if (f == name) return true;
  }
  return false;
}

std::string_view FamilyReportText(std::string_view family) {
  for (const auto& t : kReportTexts) {
    if (t.family == family) return t.text;
  }
  return "";
}

}  // namespace schemabot::lint
