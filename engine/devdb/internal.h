// Internal to engine/devdb: the per-engine connect functions behind Connect(), and small
// helpers shared by the driver, pool and managed-server files. Not a public header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/devdb/devdb.h"

namespace schemabot::devdb {

Result<std::unique_ptr<Driver>> ConnectPostgres(const Url& url, const ConnectOptions& options);
Result<std::unique_ptr<Driver>> ConnectMySQL(const Url& url, const ConnectOptions& options);

// Resolves MySQL's "... near 'TEXT' at line N" against `sql`: the byte offset of TEXT
// searched from the start of line N (1-based), if found.
std::optional<size_t> MySQLErrorOffset(std::string_view message, std::string_view sql);

// A random lowercase hex string of `bytes` bytes (from /dev/urandom), for role passwords.
std::string RandomHex(size_t bytes);

}  // namespace schemabot::devdb
