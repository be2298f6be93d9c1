// The node's inventory: every stored file with its size and mtime, reported to
// the master after each handshake so the namespace can be reconciled with (or
// rebuilt from) what is actually on disk.
#pragma once

#include <cstddef>
#include <vector>

#include "link.pb.h"
#include "node/storage.hpp"

namespace fleet::node {

// Walks the root one directory at a time, in path order, so that a node with
// a million files never holds its whole inventory in memory: regular files
// only (symlinks are not followed); upload temporaries, the quarantine folder
// and paths the namespace would refuse (not UTF-8, overlong names) are left
// out. Unreadable directories are skipped with a warning.
class InventoryWalker {
 public:
  explicit InventoryWalker(Storage storage);
  // Up to `max` more entries; fewer only at the end; empty when done.
  std::vector<link::InventoryEntry> next(std::size_t max);
  bool done() const { return dirs_.empty() && files_.empty(); }

 private:
  void read_directory(const std::filesystem::path& dir);

  Storage storage_;
  std::vector<std::filesystem::path> dirs_;    // still to read; the back is next
  std::vector<link::InventoryEntry> files_;    // of the directory being reported, reversed
};

// The whole inventory at once (for small roots and tests).
std::vector<link::InventoryEntry> scan_inventory(const Storage& storage);

}  // namespace fleet::node
