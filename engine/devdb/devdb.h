// Dev-databases: connection URLs, the Driver interface and its PostgreSQL / MySQL
// implementations, the Pool of isolated dev databases with its snapshot cache, and the
// managed local server.
//
// A dev-database is a real server on which schemabot replays migrations. Everything
// outside engine/devdb speaks to it through `Driver`; libpq appears only in postgres.cc
// and the MySQL connector only in mysql.cc (its exceptions never leave that file).
//
//   SB_TRY_ASSIGN(Url url, ParseUrl("postgres://u:secret@db:5432/app?sslmode=disable"));
//   url.Redacted();                    // "postgres://u:xxxxx@db:5432/app?sslmode=disable"
//   SB_TRY_ASSIGN(auto db, Connect(url));
//   SB_TRY(db->Exec("CREATE TABLE t (id int)"));
//
// The pool and the managed server are declared in engine/devdb/pool.h and
// engine/devdb/managed.h (same module, split only to keep each header readable).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace schemabot::devdb {

// ---------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------

enum class Engine { kPostgres, kMySQL };

// A parsed dev-database URL, in the forms Atlas users write:
//   postgres://user:pass@host:5432/db?sslmode=disable   (also postgresql://)
//   postgres://user@/db?host=/var/run/postgresql        (unix socket directory)
//   mysql://user:pass@host:3306/db                      (also maria://, mariadb://)
//   mysql://user@/db?socket=/run/mysqld/mysqld.sock     (unix socket file)
// User, password and database are percent-decoded. `socket` holds the PG socket
// directory (query param `host`, or a host that starts with '/') or the MySQL socket
// path (query param `socket`). Other query params are kept in order in `params`.
struct Url {
  Engine engine = Engine::kPostgres;
  std::string user;
  std::string password;
  std::string host;  // empty with a socket
  int port = 0;      // 0: the engine's default (5432 / 3306)
  std::string database;
  std::string socket;
  std::vector<std::pair<std::string, std::string>> params;  // sslmode, search_path, ...

  // The URL again, with the password (and any `password` param) as given. Only for
  // handing to a client; never log it.
  std::string String() const;
  // The URL with the password replaced by "xxxxx": the only form for logs and errors.
  std::string Redacted() const;
  // A copy with another user/password/database (the pool derives lease URLs this way).
  Url With(std::string_view user, std::string_view password, std::string_view database) const;
  // The value of query param `key`, or "".
  std::string Param(std::string_view key) const;
};

// Parses `text`. Errors: kInvalidArgument naming what is wrong (unknown scheme, bad
// port, bad percent-escape); the message quotes the redacted URL, never the password.
Result<Url> ParseUrl(std::string_view text);

// ---------------------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------------------

enum class Flavor { kPostgres, kMySQL, kMariaDB };
std::string_view FlavorName(Flavor f);  // "postgres", "mysql", "mariadb"

struct ServerVersion {
  Flavor flavor = Flavor::kPostgres;
  int major = 0;  // PG: 15; MySQL: 8; MariaDB: 10
  int minor = 0;
  int patch = 0;
  std::string text;  // as the server reports it, e.g. "10.11.6-MariaDB-0+deb12u1"
};

// The detail of the last failed statement, beyond the Error message.
struct ServerError {
  std::string message;   // the server's own message, e.g. `relation "users" does not exist`
  std::string sqlstate;  // "42P01"; MySQL's SQLSTATE
  int code = 0;          // MySQL error number (1146); 0 for PostgreSQL
  // Byte offset inside the executed SQL text where the server located the error
  // (PostgreSQL's statement position converted from characters to bytes; MySQL's
  // "near '...' at line N" resolved against the text), if it gave one.
  std::optional<size_t> offset;
};

// Rows of a query, every value as text (NULL is nullopt).
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// One connection to a dev-database server.
//
// Errors of Exec/ExecScript/Query: kInvalidArgument when the server rejected the
// statement (message = the server's message; details in last_error()), kTimeout when it
// was cancelled by a timeout or Cancel(), kUnavailable when the connection is lost.
//
// Thread-safety: one thread uses a Driver at a time, except Cancel(), which another
// thread may call at any moment to interrupt the running statement.
class Driver {
 public:
  virtual ~Driver() = default;

  // Executes one statement (PostgreSQL: the extended protocol, so a second statement in
  // the text is an error). Results, if any, are discarded.
  virtual Result<void> Exec(std::string_view statement) = 0;
  // Executes a script of several statements in one round trip (PostgreSQL's simple
  // protocol; MySQL multi-statements), stopping at the first error. last_error().offset
  // is relative to the script.
  virtual Result<void> ExecScript(std::string_view script) = 0;
  // Runs a query and returns its rows.
  virtual Result<Rows> Query(std::string_view sql) = 0;
  // Query() for a text run many times on one connection (catalog inspection): the
  // PostgreSQL driver prepares it once per connection and reuses the plan.
  virtual Result<Rows> QueryPrepared(std::string_view sql) { return Query(sql); }
  // QueryPrepared() with text parameters bound to $1, $2 … (PostgreSQL), so that one
  // prepared plan serves every value. Drivers without server-side parameters answer
  // kInvalidArgument.
  virtual Result<Rows> QueryParams(std::string_view sql, const std::vector<std::string>& params) {
    (void)sql;
    (void)params;
    return InvalidArgument("query parameters are not supported by this driver");
  }

  // Transactions, for `atlas:txmode file` (one transaction per file, the default) and
  // `none` (no transaction). Begin inside a transaction is kInvalidArgument.
  virtual Result<void> Begin() = 0;
  virtual Result<void> Commit() = 0;
  virtual Result<void> Rollback() = 0;

  // Interrupts the running statement, if any; safe from another thread. The statement
  // then fails with kTimeout.
  virtual void Cancel() = 0;
  // Cheap round trip; kUnavailable when the server is gone.
  virtual Result<void> Ping() = 0;

  virtual const ServerVersion& version() const = 0;
  virtual const ServerError& last_error() const = 0;
  // The database (PG) or default schema (MySQL) of the connection.
  virtual const std::string& database() const = 0;
};

struct ConnectOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // Session limits applied right after connecting (0 = leave the server's default).
  // PG: statement_timeout, lock_timeout, idle_in_transaction_session_timeout.
  // MySQL: max_execution_time (MariaDB: max_statement_time), lock_wait_timeout (whole
  // seconds, at least 1), idle: wait_timeout.
  std::chrono::milliseconds statement_timeout{0};
  std::chrono::milliseconds lock_timeout{0};
  std::chrono::milliseconds idle_timeout{0};
};

// Connects to `url`. Errors: kUnavailable (server unreachable, refused), kPermissionDenied
// (authentication), kInvalidArgument (bad URL parameters). Messages use url.Redacted().
Result<std::unique_ptr<Driver>> Connect(const Url& url, const ConnectOptions& options = {});

// Quotes an identifier for the engine: "a""b" (PG) or `a``b` (MySQL).
std::string QuoteIdent(Engine engine, std::string_view name);
// Quotes a string literal: 'it''s' (both engines; MySQL also doubles backslashes).
std::string QuoteLiteral(Engine engine, std::string_view value);

}  // namespace schemabot::devdb
