// Bulk fill of a master's namespace for scale tests (`fleetftp meta-fill`):
// writes millions of directories and files straight into the SQLite metadata
// file, with the real schema and the same rows put_file/make_dir would write,
// but in large transactions, with prepared statements and with ids and names
// generated in index order, so 10 million entries take minutes rather than
// the hours one put_file per entry would. The tree is regular so that
// measurements can name their targets: <root>/big holds exactly
// `big_dir_files` files, and <root>/gNNNN/dNNNN hold `files_per_dir` each.
//
// For benchmark databases only: while it runs the file has no rollback
// journal and is not synced, so a crash or an error part-way leaves it
// unusable. The master must not be running on the same file (the fill takes
// an exclusive lock and fails if it cannot).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fleet::meta {

struct BulkFillOptions {
  std::uint64_t entries = 10'000'000;  // rows added to the namespace, directories included
  std::string root = "/bulk";          // created; must not exist yet, its parent must
  std::uint32_t files_per_dir = 1000;
  std::uint32_t dirs_per_group = 100;  // leaf directories per <root>/gNNNN
  std::uint32_t big_dir_files = 10000; // files in <root>/big (0: no such directory)
  std::vector<std::string> nodes;      // copy holders, assigned round-robin (empty: no copies)
  std::uint32_t copies = 1;            // copies per file; also the file's replica target
  std::string owner;
  std::int64_t mtime = 0;              // of every entry (unix seconds)
  std::uint32_t batch_rows = 100000;   // entries per transaction
};

// Called as the tree is written, e.g. to make the files exist on the nodes.
struct BulkFillSink {
  std::function<void(const std::string& dir)> on_dir;  // a directory was added (absolute VFS path)
  std::function<void(const std::string& dir, const std::string& name, const std::string& node)> on_copy;
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;  // after each transaction
};

struct BulkFillResult {
  std::uint64_t dirs = 0;
  std::uint64_t files = 0;
  std::uint64_t copies = 0;
  std::string big_dir;  // VFS path of the directory of big_dir_files files ("" if none)
};

// Adds the tree to the metadata file `db_file` (created with the schema if it
// does not exist). Throws std::invalid_argument for bad options and
// std::runtime_error for database failures (including a master holding the
// file open).
BulkFillResult bulk_fill(const std::filesystem::path& db_file, const BulkFillOptions& options,
                         const BulkFillSink& sink = {});

}  // namespace fleet::meta
