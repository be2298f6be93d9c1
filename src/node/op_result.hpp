// Builders for the OpResult replies of the node link (proto/link.proto), so
// every refusal carries its reason the same way.
#pragma once

#include <string>
#include <system_error>

#include "link.pb.h"
#include "node/disk_io.hpp"

namespace fleet::node {

inline link::OpResult op_ok() {
  link::OpResult r;
  r.set_ok(true);
  return r;
}

// ok=false with `error` for the operator and the client's reply.
inline link::OpResult op_error(std::string error, bool not_found = false) {
  link::OpResult r;
  r.set_ok(false);
  r.set_not_found(not_found);
  r.set_error(std::move(error));
  return r;
}

// ok=false for a failed system call: "<what> <path>: <strerror>", with
// not_found set for ENOENT and no_space for a full disk.
inline link::OpResult op_error(const std::string& what, const std::string& path, const std::error_code& ec) {
  auto r = op_error(what + " " + path + ": " + ec.message(), ec == std::errc::no_such_file_or_directory);
  r.set_no_space(is_no_space(ec));
  return r;
}

}  // namespace fleet::node
