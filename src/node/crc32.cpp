#include "node/crc32.hpp"

#include <isa-l/crc.h>

namespace fleet::node {

void Crc32::update(const void* data, std::size_t size) {
  // ISA-L takes a 64-bit length; chaining values continues the checksum.
  value_ = crc32_gzip_refl(value_, static_cast<const unsigned char*>(data), size);
}

}  // namespace fleet::node
