// Replayers backed by a real dev database.
#pragma once

#include <memory>
#include <optional>

#include "engine/devdb/devdb.h"
#include "engine/devdb/pool.h"
#include "engine/lint/lint.h"

namespace schemabot::lint {

// Runs on `db` (which must point at an empty, leased database and outlive the replayer).
// Statement failures become ReplayedFile::failure with the server's message and the file
// offset the server pointed at; a lost connection is kUnavailable.
std::unique_ptr<Replayer> NewDriverReplayer(devdb::Driver& db, sql::Dialect dialect,
                                            dir::DirFormat format);

struct DriverReplayOptions {
  // After each statement inspect only what it can have changed (lint::SchemaTracker,
  // replay.h); false: a full inspection after every statement.
  bool scoped_inspection = true;
  // The schema the database is in now, when known (a snapshot's cached schema): the first
  // file then needs no full inspection. ReplayBase with files forgets it.
  std::optional<schema::Realm> state;
};
std::unique_ptr<Replayer> NewDriverReplayer(devdb::Driver& db, sql::Dialect dialect,
                                            dir::DirFormat format, DriverReplayOptions options);

// How a pool replay used the snapshot cache.
struct ReplayStats {
  int base_files = 0;
  int from_snapshot = 0;   // base files restored from a snapshot instead of replayed
  bool saved = false;      // the state after the base was saved as a new snapshot
  double lease_ms = 0;     // Acquire (clone from the snapshot unless prepared in background)
  double base_ms = 0;      // replaying the uncached base files
  double snapshot_ms = 0;  // saving the new snapshot
  bool base_schema_cached = false;  // the base's schema came from the snapshot schema cache
};

// Leases a database from `pool` (kept until the replayer is destroyed), restores the
// longest cached base prefix, replays the rest, saves the base state as a snapshot, then
// runs new files like NewDriverReplayer. The base's inspected schema is cached with the
// snapshot key (lint::CachedSnapshotSchema), so a lint whose whole base comes from a
// snapshot inspects only what its new statements change. `stats` may be null.
std::unique_ptr<Replayer> NewPoolReplayer(devdb::Pool& pool, sql::Dialect dialect,
                                          dir::DirFormat format, ReplayStats* stats = nullptr,
                                          DriverReplayOptions options = {});

}  // namespace schemabot::lint
