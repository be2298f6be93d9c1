// File operations the master asks for when the namespace changes (FileOp in
// proto/link.proto): delete, rename, mkdir, rmdir, set mtime, stat. Each one
// is answered with an OpResult; a failure is reported, never thrown.
#pragma once

#include "link.pb.h"
#include "node/storage.hpp"

namespace fleet::node {

// Runs `op` on the files under storage's root. STAT reads the whole file for
// its CRC, so this blocks on disk: call it off the event loop.
link::OpResult apply_file_op(const Storage& storage, const link::FileOp& op);

}  // namespace fleet::node
