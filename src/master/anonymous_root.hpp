// The directory anonymous sessions see as "/" ([anonymous] root) must exist
// before the first anonymous login: the master makes it, with any missing
// parents, when it starts with anonymous logins enabled. Checking once at
// start keeps the login itself free of store access.
#pragma once

#include <cstdint>
#include <string>

#include "meta/store.hpp"

namespace fleet::master {

// Makes `root` (a normalized absolute path) and its missing parents in the
// VFS (without an owner: listings show "ftp"). Returns true if it made any
// directory. Throws
// std::runtime_error, naming the setting, when a part of the path is a file.
bool ensure_anonymous_root(meta::MetaStore& store, const std::string& root, std::int64_t now);

}  // namespace fleet::master
