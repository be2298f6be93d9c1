// DiskIo: the file system calls a node's transfers make on its disk (open,
// write, read, flush, rename, remove, free space), behind an interface so
// that tests inject EIO, ENOSPC or a slow disk without real faults
// (tests/node/faulty_disk.hpp). The node uses system_disk_io(), a thin layer
// over POSIX calls.
//
// Errors are returned as std::error_code (the errno of the call), never
// thrown. Implementations must be safe to call from any thread: the node
// calls some of them on its disk thread (node_context.hpp), others on its
// event loop.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

namespace fleet::node {

class DiskIo {
 public:
  virtual ~DiskIo() = default;

  // open(2) with O_CLOEXEC added; the descriptor, or -1 with `error` set.
  virtual int open(const std::filesystem::path& file, int flags, mode_t mode, std::error_code& error) = 0;
  // Writes all of `data` at the descriptor's position (retrying short writes).
  virtual std::error_code write(int fd, std::string_view data) = 0;
  // pread(2): bytes read (0 at the end), or -1 with `error` set.
  virtual ssize_t read_at(int fd, char* buffer, std::size_t size, off_t offset, std::error_code& error) = 0;
  // fdatasync(2).
  virtual std::error_code sync_data(int fd) = 0;
  virtual std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual std::error_code remove(const std::filesystem::path& file) = 0;

  struct Space {
    std::uint64_t free_bytes = 0;
    std::uint64_t total_bytes = 0;
  };
  // Free and total space of the file system holding `path` (statvfs).
  virtual std::optional<Space> space(const std::filesystem::path& path) = 0;
};

// The real disk. One shared instance: it holds no state.
std::shared_ptr<DiskIo> system_disk_io();

// True for the errors that mean "the disk is full" (ENOSPC, EDQUOT): the
// master answers them with RFC 959's 452.
bool is_no_space(const std::error_code& error);

}  // namespace fleet::node
