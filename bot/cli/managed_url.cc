#include "bot/cli/lint_devdb.h"

namespace schemabot::cli {

Result<std::string> ManagedDevUrl(sql::Dialect) {
  return Unavailable("no managed dev-database in this build: pass --dev-url URL or --static");
}

}  // namespace schemabot::cli
