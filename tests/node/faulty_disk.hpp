// Test helper: a DiskIo (node/disk_io.hpp) over the real disk that fails or
// slows down the calls a test chooses, so that disk faults (EIO, ENOSPC, a
// slow flush) are injected without real faulty hardware. Settings may be
// changed while the node runs; they are atomics because some calls run on the
// node's disk thread.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "node/disk_io.hpp"

namespace fleet::testing {

class FaultyDisk final : public node::DiskIo {
 public:
  // Writes to files whose name contains `faulty_name` (set before the node
  // runs; "" = every file) fail with `write_errno` once this many bytes were
  // written to them (a file system that fills up), or never when it is 0.
  std::string faulty_name;
  std::atomic<std::uint64_t> write_budget{0};
  std::atomic<int> write_errno{ENOSPC};
  std::atomic<int> open_errno{0};    // opening a file named faulty_name fails with this errno when non-zero
  std::atomic<int> rename_errno{0};  // rename fails with this errno when non-zero
  std::atomic<int> sync_delay_ms{0};  // fdatasync takes this long
  std::atomic<int> sync_errno{0};     // and then fails with this errno when non-zero
  std::atomic<std::uint64_t> written{0};
  std::atomic<int> space_calls{0};

  int open(const std::filesystem::path& file, int flags, mode_t mode, std::error_code& error) override {
    if (const int e = open_errno.load(); e != 0 && file.filename().string().find(faulty_name) != std::string::npos) {
      error = {e, std::system_category()};
      return -1;
    }
    const int fd = real_->open(file, flags, mode, error);
    std::lock_guard lock(mutex_);
    if (fd >= 0 && file.filename().string().find(faulty_name) != std::string::npos) faulty_fds_.insert(fd);
    else faulty_fds_.erase(fd);  // a descriptor number used again
    return fd;
  }
  std::error_code write(int fd, std::string_view data) override {
    bool faulty = false;
    {
      std::lock_guard lock(mutex_);
      faulty = faulty_fds_.contains(fd);
    }
    const auto budget = write_budget.load();
    if (faulty && budget != 0 && written.load() + data.size() > budget)
      return {write_errno.load(), std::system_category()};
    if (faulty) written += data.size();
    return real_->write(fd, data);
  }
  ssize_t read_at(int fd, char* buffer, std::size_t size, off_t offset, std::error_code& error) override {
    return real_->read_at(fd, buffer, size, offset, error);
  }
  std::error_code sync_data(int fd) override {
    if (const int ms = sync_delay_ms.load()) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    if (const int e = sync_errno.load()) return {e, std::system_category()};
    return real_->sync_data(fd);
  }
  std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (const int e = rename_errno.load()) return {e, std::system_category()};
    return real_->rename(from, to);
  }
  std::error_code remove(const std::filesystem::path& file) override { return real_->remove(file); }
  std::optional<Space> space(const std::filesystem::path& path) override {
    ++space_calls;
    return real_->space(path);
  }

 private:
  std::shared_ptr<node::DiskIo> real_ = node::system_disk_io();
  std::mutex mutex_;
  std::set<int> faulty_fds_;
};

}  // namespace fleet::testing
