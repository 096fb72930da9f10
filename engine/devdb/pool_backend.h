// Internal to engine/devdb: what the Pool needs from each engine (admin operations on
// slot databases, roles and snapshots). The Pool serialises every call on one Backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/devdb/pool.h"

namespace schemabot::devdb {

struct SnapshotData {
  std::string key;
  std::string db;                // PG: the template database
  std::vector<std::string> ddl;  // MySQL: statements re-creating the schema and its rows
  uint64_t bytes = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Drops every database / schema / role / user named "<name>_…" (an earlier pool's).
  virtual Result<void> Cleanup() = 0;
  // Creates slot i's login role / user with `password`.
  virtual Result<void> SetupSlot(int i) = 0;
  // Ends slot i's sessions, re-creates its database empty or from `from`, resets the
  // role's own settings to the pool's.
  virtual Result<void> ResetSlot(int i, const SnapshotData* from) = 0;
  // An unprivileged connection to slot i's database, with the pool's limits.
  virtual Result<std::unique_ptr<Driver>> ConnectSlot(int i) = 0;
  // Saves slot i's database as a snapshot. PG needs the slot's sessions closed first.
  virtual Result<SnapshotData> Save(int i, const std::string& key) = 0;
  virtual void Drop(const SnapshotData& snapshot) = 0;
  // Drops what SetupSlot / ResetSlot / Save created.
  virtual void Teardown(int slots) = 0;
  // Pings the server, reconnecting the admin connection when needed.
  virtual Result<void> Ping() = 0;
  virtual const ServerVersion& version() const = 0;
};

struct BackendConfig {
  PoolOptions options;
  std::vector<std::string> passwords;  // per slot
  std::string SlotDb(int i) const { return options.name + "_dev" + std::to_string(i); }
  std::string SlotRole(int i) const { return options.name + "_lint" + std::to_string(i); }
  std::string OwnerRole() const { return options.name + "_owner"; }
  // A database name for snapshot `key` (a hash: keys are base64).
  std::string SnapshotDb(const std::string& key) const;
  ConnectOptions SlotConnectOptions() const;
  // A LIKE pattern (backslash escapes) matching every name "<name>_…" the pool creates.
  std::string LikePrefix() const;
};

Result<std::unique_ptr<Backend>> NewPostgresBackend(const BackendConfig& config);
Result<std::unique_ptr<Backend>> NewMySQLBackend(const BackendConfig& config);

}  // namespace schemabot::devdb
