#include "node/disk_io.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "net/errno_code.hpp"

namespace fleet::node {

namespace {

using net::errno_code;

class SystemDiskIo final : public DiskIo {
 public:
  int open(const std::filesystem::path& file, int flags, mode_t mode, std::error_code& error) override {
    const int fd = ::open(file.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) error = errno_code();
    return fd;
  }

  std::error_code write(int fd, std::string_view data) override {
    while (!data.empty()) {
      const auto n = ::write(fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno_code();
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  ssize_t read_at(int fd, char* buffer, std::size_t size, off_t offset, std::error_code& error) override {
    for (;;) {
      const auto n = ::pread(fd, buffer, size, offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error = errno_code();
      return n;
    }
  }

  std::error_code sync_data(int fd) override { return ::fdatasync(fd) == 0 ? std::error_code{} : errno_code(); }

  std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? std::error_code{} : errno_code();
  }

  std::error_code remove(const std::filesystem::path& file) override {
    return ::unlink(file.c_str()) == 0 ? std::error_code{} : errno_code();
  }

  std::optional<Space> space(const std::filesystem::path& path) override {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
    return Space{std::uint64_t{st.f_bavail} * st.f_frsize, std::uint64_t{st.f_blocks} * st.f_frsize};
  }
};

}  // namespace

std::shared_ptr<DiskIo> system_disk_io() {
  static const auto disk = std::make_shared<SystemDiskIo>();
  return disk;
}

bool is_no_space(const std::error_code& error) {
  return error == std::errc::no_space_on_device || (error.category() == std::system_category() && error.value() == EDQUOT);
}

}  // namespace fleet::node
