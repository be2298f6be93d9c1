// RECV_FILE: storing what arrives on a data connection. A new upload goes to a
// temporary file that replaces the final name only when the client has sent
// everything; resumed (REST) and appended uploads write into the file itself.
#pragma once

#include <asio.hpp>

#include "link.pb.h"
#include "node/ticket.hpp"
#include "node/transfer.hpp"

namespace fleet::node {

// Reads the ticket's data connection until EOF into the prepared file and
// finishes it (rename or cleanup). Fills ok, error, file_size, crc32, mtime,
// and no_space when the disk was full. A failed write ends this upload only.
asio::awaitable<void> receive_file(Ticket& ticket, PreparedTransfer& prepared, const TransferSetting& setting,
                                   link::TransferDone& done);

// Removes what a prepared upload created when it never ran (no connection).
void discard_upload(PreparedTransfer& prepared, DiskIo& io);

}  // namespace fleet::node
