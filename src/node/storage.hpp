// Storage: where a VFS path lives on this node's disk. Files are kept under
// the root at their VFS paths, so a node's disk is readable without fleetftp.
// The master is authenticated, but its paths are still checked here: nothing
// it sends can name a file outside the root. The file system calls of
// transfers go through io() (disk_io.hpp), so tests can inject disk faults.
// Copies share the same DiskIo.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "node/disk_io.hpp"

namespace fleet::node {

class Storage {
 public:
  explicit Storage(std::filesystem::path root, std::shared_ptr<DiskIo> io = system_disk_io());

  const std::filesystem::path& root() const { return root_; }
  DiskIo& io() const { return *io_; }
  const std::shared_ptr<DiskIo>& io_shared() const { return io_; }

  // The file below the root for an absolute VFS path ("/" is the root
  // itself). Refuses relative paths, empty, "." and ".." components, NUL
  // bytes and names reserved for upload temporaries; `error` then says why.
  std::optional<std::filesystem::path> resolve(std::string_view vfs_path, std::string& error) const;

  // The VFS path of a file below the root (the inverse of resolve).
  std::string vfs_path(const std::filesystem::path& file) const;

  // Where an upload to `final_file` is written until it is complete: a hidden
  // file in the same directory, so the rename over the final name is atomic.
  static std::filesystem::path upload_temp_file(const std::filesystem::path& final_file, std::uint64_t ticket);

  // True for the file names upload_temp_file makes.
  static bool is_upload_temp(std::string_view file_name);

  using Space = DiskIo::Space;
  // Free and total space of the file system holding the root (statvfs).
  std::optional<Space> space() const { return io_->space(root_); }

 private:
  std::filesystem::path root_;
  std::shared_ptr<DiskIo> io_;
};

}  // namespace fleet::node
