// FileRefs for the background jobs' batch queries. A query selects
// FLEET_META_FILE_ROW_COLUMNS first and reads each row with read_file_row;
// finish_file_refs then adds paths and copy holders for the whole batch at
// once, instead of a few queries per file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meta/sqlite_db.hpp"
#include "meta/store.hpp"

namespace fleet::meta {

// `e` is the alias the selecting query gives the entries table.
#define FLEET_META_FILE_ROW_COLUMNS "e.id, e.parent, e.name, e.size, e.crc32, e.has_crc, e.replicas"

struct FileRow {
  FileRef ref;  // path and nodes still empty
  std::int64_t parent = 0;
  std::string name;
};

FileRow read_file_row(const Query& q);

// `rows` must be in ascending id order, as every batch query returns them.
std::vector<FileRef> finish_file_refs(Database& db, std::vector<FileRow> rows);

}  // namespace fleet::meta
