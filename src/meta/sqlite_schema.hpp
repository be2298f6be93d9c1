// The SQLite metadata schema and how a connection is set up for it. The schema
// is versioned with PRAGMA user_version so later releases can migrate old
// files in place instead of asking operators to rebuild them.
#pragma once

#include <chrono>

#include "meta/sqlite_db.hpp"
#include "meta/store.hpp"

namespace fleet::meta {

// The schema version this build writes.
int current_schema_version();

// Per-connection settings: WAL journal (readers never block the writer, and a
// commit survives the process dying), synchronous=NORMAL (no fsync per
// commit; a power loss may drop the last commits but never corrupts the file),
// foreign keys enforced, and a busy timeout of `setup_wait` for the setup that
// follows (schema migration), so that a master starting while an
// administrative command holds the file waits instead of failing. Callers set
// the busy timeout they run with afterwards.
inline constexpr std::chrono::milliseconds kSetupBusyTimeout = kWaitingBusyTimeout;
void configure_connection(Database& db, std::chrono::milliseconds setup_wait = kSetupBusyTimeout);

// Creates the schema in a new file or upgrades an older one, all in one
// transaction. Throws std::runtime_error for a file written by a newer build.
void migrate_schema(Database& db);

// Brings the schema up to `target_version` only (a file that is already at or
// past it is left as it is): lets tests build a file exactly as an older
// release wrote it. Throws std::invalid_argument for a version that does not
// exist.
void migrate_schema(Database& db, int target_version);

}  // namespace fleet::meta
