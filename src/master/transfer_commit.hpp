// TransferCommit: the end of a session's data transfer, once every ticket of
// it has completed. An upload is recorded in the metadata store (size, time,
// CRC-32, owner, holder), its replication requested and the stale copies on
// other nodes removed — all before the client hears 226. Every transfer gets
// its transfer-log record, and the client its final reply: 226, or the
// RFC 959 code of what went wrong (451 refused or not recorded, 426 aborted
// or broken, 425 no connection).
//
// A commit that throws (SQLite busy, disk full) does not list the file as
// complete: the client gets 451, the session goes on. One per session, on
// the event loop.
#pragma once

#include <asio.hpp>
#include <memory>

#include "master/session_context.hpp"
#include "master/transfer_router.hpp"

namespace fleet::master {

class TransferCommit {
 public:
  explicit TransferCommit(SessionContext& ctx) : ctx_(ctx) {}

  // Commits `t` and replies to the client.
  asio::awaitable<void> finish(std::shared_ptr<Transfer> t);

 private:
  // Records an upload; false with t.outcome.error set when it could not be.
  asio::awaitable<bool> record_upload(Transfer& t);
  // After a failed append or resumed upload the file changed in place: the
  // VFS takes what is now on the node's disk.
  void resync_after_partial_write(const Transfer& t);
  void log_record(const Transfer& t, bool complete);

  SessionContext& ctx_;
};

}  // namespace fleet::master
