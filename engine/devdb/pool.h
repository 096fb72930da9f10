// The dev-database Pool: N isolated databases (PostgreSQL) or schemas (MySQL) on one
// server, leased one per job, reset on return, with a snapshot cache of replayed
// prefixes. Part of the engine/devdb module (see devdb.h).
//
//   PoolOptions o;
//   o.admin_url = *ParseUrl("postgres://postgres@/postgres?host=/run/postgresql");
//   SB_TRY_ASSIGN(auto pool, Pool::Open(o));
//   int hit = pool->FindSnapshot(prefix_keys);          // longest cached prefix, or -1
//   SB_TRY_ASSIGN(auto lease, pool->Acquire(hit < 0 ? "" : prefix_keys[hit]));
//   lease->driver().ExecScript(...);                    // untrusted SQL runs here
//   lease->SaveSnapshot(prefix_keys.back());
//   lease.reset();                                      // back to the pool, reset
//
// Isolation (migrations from forks are untrusted code):
// - The admin URL is used only to create and drop pool databases, roles and snapshots.
// - Each slot has its own login role / user with a random password, no superuser, no
//   CREATEDB/CREATEROLE (PG), no global privileges such as FILE (MySQL), and the right to
//   connect only to its own database. PostgreSQL: the login role is NOINHERIT and starts
//   its sessions as the pool's NOLOGIN owner role, which owns the slot databases, so that
//   snapshots cloned into any slot stay usable. MySQL: ALL on its own schema only.
// - Session limits (Limits below) are set on the role and on every session, and a
//   watchdog cancels any statement that outlives statement_timeout + watchdog_grace even
//   if the session changed its own limits (MySQL KILL QUERY; PostgreSQL cancel request).
// - On return the database is dropped and re-created, the role's settings are reset and
//   its sessions killed: nothing a lint does survives into the next lease.
//
// Snapshots: SaveSnapshot(key) keeps the leased database's state under `key` (the
// cumulative atlas.sum hash of the replayed prefix). PostgreSQL keeps a template database
// (`CREATE DATABASE … TEMPLATE`); MySQL keeps the schema's DDL (SHOW CREATE …, with
// DEFINER clauses removed) plus its rows as INSERTs, re-executed as the slot's own user
// into a fresh schema. Least recently used snapshots are dropped beyond max_snapshots /
// max_snapshot_bytes. The cache lives as long as the Pool; Open() drops leftovers of an
// earlier pool with the same `name`.
//
// Background preparation: a returned slot is reset by a worker thread and pre-cloned from
// the most recently used snapshot, so a warm Acquire() finds its database ready.
//
// Health: a worker pings the server every health_interval. While it is down Acquire()
// fails at once with kUnavailable; when it is back the pool reconnects and resets its
// slots by itself.
//
// Thread-safety: Pool is thread-safe. A Lease belongs to one job (one thread at a time);
// it must not outlive its Pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/devdb/devdb.h"

namespace schemabot::devdb {

struct Limits {
  std::chrono::milliseconds statement_timeout{30000};
  std::chrono::milliseconds lock_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};   // PG idle_in_transaction; MySQL wait_timeout
  std::chrono::milliseconds watchdog_grace{1000};  // beyond statement_timeout
};

struct PoolOptions {
  Url admin_url;  // a superuser (PG) or a user with CREATE USER + GRANT OPTION (MySQL)
  int size = 2;   // slots
  // Prefix of every database, role and user the pool creates ("<name>_dev0",
  // "<name>_lint0", "<name>_s<hash>"). Unique per pool on one server; [a-z0-9_] only.
  std::string name = "schemabot";
  std::chrono::milliseconds lease_timeout{30000};  // Acquire() waits this long for a slot
  Limits limits;
  size_t max_snapshots = 16;
  uint64_t max_snapshot_bytes = uint64_t{4} << 30;
  bool prepare_in_background = true;
  // Run by the background worker on a slot's freshly opened lint connection, which the
  // next Acquire of that slot then hands out (e.g. an inspection, so that its prepared
  // catalog queries are planned off the hot path). Must not change the database.
  std::function<void(Driver&)> warm_up;
  std::chrono::milliseconds health_interval{1000};
};

struct PoolStats {
  uint64_t leases = 0;
  uint64_t prepared_hits = 0;  // Acquire found a slot already cloned from its snapshot
  uint64_t sync_clones = 0;    // Acquire had to clone or reset on the hot path
  uint64_t snapshots_saved = 0;
  uint64_t snapshots_evicted = 0;
  size_t snapshots = 0;
  uint64_t snapshot_bytes = 0;
  bool healthy = true;
};

class Lease {
 public:
  virtual ~Lease() = default;  // returns the database to the pool
  // The unprivileged, limited, watched connection to the leased database.
  virtual Driver& driver() = 0;
  virtual const std::string& database() const = 0;
  // The snapshot key the database was restored from, "" when it started empty.
  virtual const std::string& snapshot() const = 0;
  // Keeps the current state as snapshot `key` (replacing one with that key). The
  // driver() stays usable (PostgreSQL reconnects it). Errors: those of the server.
  virtual Result<void> SaveSnapshot(std::string_view key) = 0;
};

class Pool {
 public:
  // Connects as admin, drops leftovers named `<name>_…`, creates the slots' roles and
  // databases. Errors: kUnavailable (server down), kPermissionDenied (admin lacks rights),
  // kInvalidArgument (bad name or size).
  static Result<std::unique_ptr<Pool>> Open(const PoolOptions& options);
  virtual ~Pool() = default;  // drops every database, snapshot and role it created

  // The index of the last key in `keys` that has a snapshot, or -1. Keys are ordered
  // from the shortest prefix to the longest.
  virtual int FindSnapshot(const std::vector<std::string>& keys) = 0;
  // Leases a slot whose database holds snapshot `key` ("" or an unknown key: empty).
  // Errors: kTimeout when no slot frees up within lease_timeout, kUnavailable while the
  // server is unreachable (at once, without waiting).
  virtual Result<std::unique_ptr<Lease>> Acquire(std::string_view snapshot_key = "") = 0;
  virtual PoolStats stats() const = 0;
  virtual Engine engine() const = 0;
  virtual const ServerVersion& version() const = 0;
};

}  // namespace schemabot::devdb
