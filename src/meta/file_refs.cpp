#include "meta/file_refs.hpp"

#include <utility>

#include "meta/path_cache.hpp"

namespace fleet::meta {

FileRow read_file_row(const Query& q) {
  FileRow row;
  row.ref.id = q.int64(0);
  row.parent = q.int64(1);
  row.name = q.text(2);
  row.ref.size = static_cast<std::uint64_t>(q.int64(3));
  row.ref.crc32 = static_cast<std::uint32_t>(q.int64(4));
  row.ref.has_crc = q.int64(5) != 0;
  row.ref.replicas = static_cast<int>(q.int64(6));
  return row;
}

std::vector<FileRef> finish_file_refs(Database& db, std::vector<FileRow> rows) {
  std::vector<FileRef> refs;
  if (rows.empty()) return refs;
  refs.reserve(rows.size());
  PathCache paths(db);
  for (FileRow& row : rows) {
    // Another connection (an admin command on the same file) may have removed
    // the directory since the batch was read; such a file is gone too.
    std::optional<std::string> path = paths.child_path(row.parent, row.name);
    if (!path) continue;
    row.ref.path = std::move(*path);
    refs.push_back(std::move(row.ref));
  }
  if (refs.empty()) return refs;

  // The holders of the whole id range in one walk of the copies' primary
  // key, matched to the batch by merging the two id-ordered sequences. The
  // range may hold files outside the batch (a sparse batch), whose copies are
  // passed over.
  Query q = db.query(
      "SELECT entry_id, node FROM copies WHERE entry_id BETWEEN ?1 AND ?2 ORDER BY entry_id, node");
  q.bind(refs.front().id, refs.back().id);
  std::size_t i = 0;
  while (q.step()) {
    std::int64_t id = q.int64(0);
    while (i < refs.size() && refs[i].id < id) ++i;
    if (i == refs.size()) break;
    if (refs[i].id == id) refs[i].nodes.push_back(q.text(1));
  }
  return refs;
}

}  // namespace fleet::meta
