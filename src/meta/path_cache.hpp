// Builds the absolute paths of entries from their (parent, name) rows. A batch
// of files usually shares a few directories, so each directory's path is read
// once and kept for the life of the cache: one short-lived cache per batch, as
// a rename elsewhere would make a long-lived one wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "meta/sqlite_db.hpp"

namespace fleet::meta {

class PathCache {
 public:
  explicit PathCache(Database& db) : db_(db) {}

  // The path of any entry ("/" for the root), or nullopt if there is none.
  std::optional<std::string> path_of(std::int64_t id);
  // The path of the child `name` of directory `parent_id`, or nullopt if that
  // directory does not exist.
  std::optional<std::string> child_path(std::int64_t parent_id, std::string_view name);

 private:
  // The path of a directory, caching it and every directory above it.
  std::optional<std::string> dir_path(std::int64_t id);

  Database& db_;
  std::unordered_map<std::int64_t, std::string> dirs_;
};

}  // namespace fleet::meta
