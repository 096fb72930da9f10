// The managed local dev-database server (`devdb.managed: true`, `schemabot devdb
// start|stop`): schemabot starts its own PostgreSQL (initdb + postgres) or MariaDB
// (mariadb-install-db + mariadbd) from the installed server binaries, listening only on
// a unix socket in a private directory. Part of the engine/devdb module (see devdb.h).
//
//   SB_TRY_ASSIGN(ManagedServer s, StartManagedServer({.engine = Engine::kPostgres,
//                                                      .dir = "/var/lib/schemabot/pg"}));
//   Pool::Open({.admin_url = s.url, ...});
//
// The server outlives the process that started it (pg_ctl daemonises postgres; mariadbd
// is detached) until StopManagedServer. Start is idempotent: on a running server it
// returns its URL. As root the server runs as an unprivileged system user (`postgres`
// for PostgreSQL, which refuses to run as root; `mysql` for MariaDB), which then owns
// `dir`. The data is disposable (fsync off): it is a dev-database, never a store.
//
// Thread-safety: the functions may be called from any thread, but two calls for one
// `dir` must not race.
#pragma once

#include <chrono>
#include <string>

#include "base/result.h"
#include "engine/devdb/devdb.h"

namespace schemabot::devdb {

struct ManagedOptions {
  Engine engine = Engine::kPostgres;
  // State directory (data, socket, logs). "" = DefaultManagedDir(engine). Its socket
  // path must stay under the 107-byte unix socket limit.
  std::string dir;
  // Where the server binaries are. "" = PG: the newest /usr/lib/postgresql/*/bin, else
  // PATH; MariaDB: /usr/sbin, /usr/bin, else PATH.
  std::string bin_dir;
  std::chrono::milliseconds start_timeout{60000};
};

struct ManagedServer {
  Url url;          // admin URL on the unix socket (postgres superuser / MariaDB root)
  std::string dir;  // the state directory used
  bool already_running = false;
};

// "$XDG_STATE_HOME/schemabot/devdb-postgres" (default ~/.local/state/...), or
// "$SCHEMABOT_DEVDB_DIR/<engine>" when that is set.
std::string DefaultManagedDir(Engine engine);

// Starts (or finds running) the managed server in options.dir. Errors: kNotFound naming
// the Debian package to install when the server binaries are missing (postgresql-15,
// mariadb-server); kUnavailable when the server does not come up (with the log's tail);
// kPermissionDenied when running as root and the unprivileged user does not exist.
Result<ManagedServer> StartManagedServer(const ManagedOptions& options);

// Stops the managed server in options.dir, waiting until it is gone. A server that is
// not running is not an error. Data stays for the next start.
Result<void> StopManagedServer(const ManagedOptions& options);

}  // namespace schemabot::devdb
