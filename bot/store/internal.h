// Backends of the state store. Internal to bot/store.
#pragma once

#include <memory>
#include <string>

#include "bot/store/store.h"

namespace schemabot::store {

// `path`: a file path (":memory:" for tests). sqlite3 appears in sqlite.cc only.
Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const StoreOptions& options);
// `url`: a libpq connection URI. libpq appears in postgres.cc only.
Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const StoreOptions& options);

}  // namespace schemabot::store
