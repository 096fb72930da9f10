#include "bot/cli/lint_devdb.h"
#include "engine/devdb/managed.h"

namespace schemabot::cli {

// The embedded default: schemabot's own server in its state directory, started on first
// use and left running for the next lint (a later `schemabot devdb stop` ends it).
Result<std::string> ManagedDevUrl(sql::Dialect dialect) {
  devdb::ManagedOptions opts;
  opts.engine =
      dialect == sql::Dialect::kPostgres ? devdb::Engine::kPostgres : devdb::Engine::kMySQL;
  SB_TRY_ASSIGN(devdb::ManagedServer server, devdb::StartManagedServer(opts));
  return server.url.String();
}

}  // namespace schemabot::cli
