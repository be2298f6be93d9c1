// What the master records about a stored file: size, modification time and
// CRC-32 (the XCRC checksum). Reading the CRC reads the whole file, so callers
// keep it off the event loop.
#pragma once

#include <cstdint>
#include <filesystem>
#include <system_error>

namespace fleet::node {

struct FileFacts {
  std::uint64_t size = 0;
  std::int64_t mtime = 0;  // unix seconds
  std::uint32_t crc32 = 0;
};

// CRC-32 (zlib polynomial) of everything in `fd`, read from offset 0.
std::error_code file_crc32(int fd, std::uint32_t& crc);

// Size and mtime of `file`, and its CRC-32 when `with_crc`. A directory
// reports its own size and mtime and no CRC.
std::error_code read_file_facts(const std::filesystem::path& file, bool with_crc, FileFacts& facts);

}  // namespace fleet::node
