// How one data transfer ended, whoever carried it (a node or the master).
#pragma once

#include <cstdint>
#include <string>

#include "ftp/reply_codes.hpp"
#include "link.pb.h"

namespace fleet::master {

struct TransferOutcome {
  bool ok = false;
  bool aborted = false;
  bool connect_failed = false;
  bool refused = false;  // the node refused to start it (the file cannot be read or written there)
  bool no_space = false;  // the node's disk was full (-> 452)
  bool stalled = false;   // no byte moved for [ftp] data_timeout (-> 426)
  std::uint64_t bytes = 0;
  std::uint64_t file_size = 0;
  std::uint32_t crc32 = 0;
  std::int64_t mtime = 0;
  std::string error;

  static TransferOutcome from(const link::TransferDone& d) {
    TransferOutcome o;
    o.ok = d.ok();
    o.aborted = d.aborted();
    o.connect_failed = d.connect_failed();
    o.refused = d.refused();
    o.no_space = d.no_space();
    o.stalled = d.stalled();
    o.bytes = d.bytes();
    o.file_size = d.file_size();
    o.crc32 = d.crc32();
    o.mtime = d.mtime();
    o.error = d.error();
    return o;
  }
  static TransferOutcome failed(std::string why) {
    TransferOutcome o;
    o.error = std::move(why);
    return o;
  }
};

// The RFC 959 reply code for a transfer that did not succeed: 452 when a
// node's disk was full, 451 when a node refused it (the file cannot be read
// or written there), 426 when it was aborted, stalled or broke off, 425 when
// the data connection never came up. `abort_requested`: the client sent ABOR.
inline int failure_reply_code(const TransferOutcome& o, bool abort_requested) {
  if (o.no_space) return ftp::kInsufficientStorage;
  if (o.refused) return ftp::kLocalError;
  if (abort_requested || o.aborted || o.stalled) return ftp::kTransferAborted;
  if (o.connect_failed) return ftp::kCantOpenData;
  return ftp::kTransferAborted;
}

}  // namespace fleet::master
