// Dialects, their scanner options and position helpers.
#include <algorithm>

#include "engine/sql/sql.h"
#include "engine/sql/text_util.h"

namespace schemabot::sql {

Result<Dialect> ParseDialect(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "postgres" || lower == "postgresql" || lower == "pg") return Dialect::kPostgres;
  if (lower == "mysql" || lower == "mariadb") return Dialect::kMySQL;
  return InvalidArgument("unknown dialect \"" + std::string(name) + "\" (want postgres or mysql)");
}

std::string_view DialectName(Dialect dialect) {
  return dialect == Dialect::kPostgres ? "postgres" : "mysql";
}

ScanOptions ScanOptions::ForDialect(Dialect dialect) {
  ScanOptions o;
  o.match_begin = true;
  if (dialect == Dialect::kPostgres) {
    o.match_begin_atomic = true;
    o.match_dollar_quote = true;
    o.escaped_string_ext = true;
    o.nested_block_comments = true;
  } else {
    o.backslash_escapes = true;
    o.hash_comments = true;
  }
  return o;
}

ScanOptions ScanOptions::Generic() {
  ScanOptions o;
  o.match_begin_atomic = true;
  o.match_dollar_quote = true;
  return o;
}

ScanOptions AtlasScanOptions(Dialect dialect, std::string_view dir_format) {
  if (dir_format == "atlas" || dir_format == "liquibase") {
    ScanOptions o = ScanOptions::ForDialect(dialect);
    o.nested_block_comments = false;
    return o;
  }
  return ScanOptions::Generic();
}

Position PositionAt(std::string_view file, size_t offset) {
  offset = std::min(offset, file.size());
  std::string_view before = file.substr(0, offset);
  Position p;
  p.offset = offset;
  p.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  size_t nl = before.rfind('\n');
  p.column = static_cast<int>(offset - (nl == std::string_view::npos ? 0 : nl + 1)) + 1;
  return p;
}

int ColumnInCodePoints(std::string_view file, size_t offset) {
  offset = std::min(offset, file.size());
  size_t nl = file.substr(0, offset).rfind('\n');
  size_t i = nl == std::string_view::npos ? 0 : nl + 1;
  int col = 1;
  while (i < offset) {
    i += internal::RuneWidth(file, i);
    ++col;
  }
  return col;
}

}  // namespace schemabot::sql
