// How one data transfer ended, whoever carried it (a node or the master).
#pragma once

#include <cstdint>
#include <string>

#include "link.pb.h"

namespace fleet::master {

struct TransferOutcome {
  bool ok = false;
  bool aborted = false;
  bool connect_failed = false;
  bool refused = false;  // the node refused to start it (the file cannot be read or written there)
  std::uint64_t bytes = 0;
  std::uint64_t file_size = 0;
  std::uint32_t crc32 = 0;
  std::int64_t mtime = 0;
  std::string error;

  static TransferOutcome from(const link::TransferDone& d) {
    return {d.ok(),        d.aborted(), d.connect_failed(), d.refused(), d.bytes(),
            d.file_size(), d.crc32(),   d.mtime(),          d.error()};
  }
  static TransferOutcome failed(std::string why) {
    TransferOutcome o;
    o.error = std::move(why);
    return o;
  }
};

}  // namespace fleet::master
