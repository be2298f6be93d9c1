// StoreBusy: a metadata write that met another writer's lock (another process
// holding meta.sqlite's write lock, e.g. `fleetftp user add` or an operator's
// sqlite3 shell) and gave up after the connection's busy timeout. Nothing of
// the write was applied (every write is one transaction that takes its lock
// before it changes anything), so the same call may simply be made again
// later: busy_retry.hpp does that on a timer for event-loop code.
#pragma once

#include <stdexcept>
#include <string>

namespace fleet::meta {

class StoreBusy : public std::runtime_error {
 public:
  explicit StoreBusy(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace fleet::meta
