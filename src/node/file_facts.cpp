#include "node/file_facts.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

#include "net/errno_code.hpp"
#include "net/unique_fd.hpp"
#include "node/crc32.hpp"

namespace fleet::node {

std::error_code file_crc32(int fd, std::uint32_t& crc) {
  std::vector<unsigned char> buffer(256 * 1024);
  Crc32 value;
  off_t position = 0;
  for (;;) {
    const auto n = ::pread(fd, buffer.data(), buffer.size(), position);
    if (n < 0) {
      if (errno == EINTR) continue;
      return net::errno_code();
    }
    if (n == 0) break;
    value.update(buffer.data(), static_cast<std::size_t>(n));
    position += n;
  }
  crc = value.value();
  return {};
}

std::error_code read_file_facts(const std::filesystem::path& file, bool with_crc, FileFacts& facts) {
  net::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return net::errno_code();
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return net::errno_code();
  facts.size = static_cast<std::uint64_t>(st.st_size);
  facts.mtime = st.st_mtim.tv_sec;
  facts.crc32 = 0;
  if (with_crc && S_ISREG(st.st_mode)) return file_crc32(fd.get(), facts.crc32);
  return {};
}

}  // namespace fleet::node
