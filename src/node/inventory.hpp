// The node's inventory: every stored file with its size and mtime, reported to
// the master after each handshake so the namespace can be reconciled with (or
// rebuilt from) what is actually on disk.
#pragma once

#include <cstddef>
#include <vector>

#include "link.pb.h"
#include "node/storage.hpp"

namespace fleet::node {

// Walks the root recursively, sorted by path: regular files only (symlinks
// are not followed); upload temporaries and paths the namespace would refuse
// (not UTF-8, overlong names) are left out. Unreadable directories are
// skipped with a warning.
std::vector<link::InventoryEntry> scan_inventory(const Storage& storage);

// Splits entries into Inventory messages of at most `per_chunk` entries; the
// last one has last=true. No entries still gives one (empty, last) chunk.
std::vector<link::Inventory> inventory_chunks(std::vector<link::InventoryEntry> entries, std::size_t per_chunk = 1000);

}  // namespace fleet::node
