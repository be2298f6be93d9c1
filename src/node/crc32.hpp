// Crc32: the CRC-32 of ISO 3309 / ITU-T V.42 (the one of gzip, zip and
// zlib's crc32()), which the master records per file and compares between
// copies. Computed with ISA-L: with carry-less multiplication it runs at tens
// of GB/s, so checksumming an upload no longer costs more CPU than receiving it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fleet::node {

class Crc32 {
 public:
  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  std::uint32_t value() const { return value_; }

 private:
  std::uint32_t value_ = 0;
};

}  // namespace fleet::node
