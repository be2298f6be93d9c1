// One ticket's data transfer (StartTransfer in proto/link.proto), in two
// steps: prepare_transfer checks the request and opens the file, so that a
// transfer that cannot start is refused in the StartTransfer reply; then
// run_transfer gets the data connection and moves the bytes, and its result
// becomes the ticket's one TransferDone event.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <variant>

#include "link.pb.h"
#include "net/unique_fd.hpp"
#include "node/disk_io.hpp"
#include "node/storage.hpp"
#include "node/ticket.hpp"

namespace fleet::node {

struct PreparedTransfer {
  link::StartTransfer request;
  net::UniqueFd file;                // SEND_FILE: to read; RECV_FILE: to write
  std::uint64_t file_size = 0;       // SEND_FILE: size when opened
  std::filesystem::path final_file;  // RECV_FILE: where the upload ends up
  std::filesystem::path temp_file;   // RECV_FILE, new upload: written here first
};

// Node settings a transfer needs.
struct TransferSetting {
  std::string data_address;    // dial clients and peers from here
  asio::any_io_executor disk;  // for whole-file checksums and flushes
  std::shared_ptr<DiskIo> io = system_disk_io();  // the file system calls
  std::chrono::milliseconds dial_timeout{10000};
  bool sync_uploads = false;   // flush an upload's data and name to the disk before reporting it
};

// Validates `request` and opens what it needs (creating the parent directory
// of an upload on this disk if missing). The OpResult is the refusal to send
// back instead.
std::variant<PreparedTransfer, link::OpResult> prepare_transfer(const Storage& storage,
                                                                const link::StartTransfer& request);

// Gets the data connection (dialling in active mode, or waiting for the
// passive accept) and runs the transfer to its end. Fills everything of the
// TransferDone except `ticket`, `aborted` and `bytes` (the caller knows them
// from the ticket). Never throws for I/O problems: they end up in `error`.
asio::awaitable<link::TransferDone> run_transfer(Ticket& ticket, PreparedTransfer prepared, TransferSetting setting);

// Operator words for a transfer kind ("RETR", "STOR", ...), for the log.
std::string transfer_verb(const link::StartTransfer& request);

}  // namespace fleet::node
