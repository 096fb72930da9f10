// Replayers backed by a real dev database.
#pragma once

#include <memory>

#include "engine/devdb/devdb.h"
#include "engine/lint/lint.h"

namespace schemabot::lint {

// Runs on `db` (which must point at an empty, leased database and outlive the replayer).
// Statement failures become FileReplay::failure with the server's message and the file
// offset the server pointed at; a lost connection is kUnavailable.
std::unique_ptr<Replayer> NewDriverReplayer(devdb::Driver& db, sql::Dialect dialect,
                                            dir::DirFormat format);

}  // namespace schemabot::lint
