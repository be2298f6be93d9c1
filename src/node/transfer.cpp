#include "node/transfer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

#include "ftp/ascii.hpp"
#include "net/dial.hpp"
#include "net/errno_code.hpp"
#include "net/socket_handoff.hpp"
#include "net/unsent_limit.hpp"
#include "net/use_tuple.hpp"
#include "net/zero_copy.hpp"
#include "node/op_result.hpp"
#include "node/upload.hpp"

namespace fleet::node {

namespace {

using asio::ip::tcp;

using net::errno_code;

std::optional<std::uint16_t> port_of(std::uint32_t port) {
  if (port == 0 || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::variant<PreparedTransfer, link::OpResult> prepare_send(const Storage& storage, PreparedTransfer p) {
  const auto& req = p.request;
  std::string why;
  const auto file = storage.resolve(req.path(), why);
  if (!file) return op_error("invalid path \"" + req.path() + "\": " + why);
  // O_NONBLOCK: a FIFO someone left under the root must not hang the node.
  std::error_code open_error;
  p.file.reset(storage.io().open(*file, O_RDONLY | O_NONBLOCK, 0, open_error));
  if (!p.file) return op_error("cannot open", req.path(), open_error);
  struct stat st {};
  if (::fstat(p.file.get(), &st) != 0) return op_error("cannot stat " + req.path() + ": " + errno_code().message());
  if (!S_ISREG(st.st_mode)) return op_error(req.path() + " is not a plain file");
  p.file_size = static_cast<std::uint64_t>(st.st_size);
  if (req.offset() > p.file_size) {
    return op_error(
        fmt::format("restart offset {} is beyond the end of {} ({} bytes)", req.offset(), req.path(), p.file_size));
  }
  return p;
}

std::variant<PreparedTransfer, link::OpResult> prepare_receive(const Storage& storage, PreparedTransfer p) {
  const auto& req = p.request;
  std::string why;
  const auto file = storage.resolve(req.path(), why);
  if (!file) return op_error("invalid path \"" + req.path() + "\": " + why);
  if (*file == storage.root()) return op_error("cannot store a file as the root directory");
  p.final_file = *file;

  // The namespace may have the directory while this disk does not yet.
  std::error_code ec;
  std::filesystem::create_directories(file->parent_path(), ec);
  if (ec) return op_error("cannot create the directory for", req.path(), ec);
  if (std::filesystem::is_directory(*file, ec)) return op_error(req.path() + " is a directory");

  auto& io = storage.io();
  std::error_code open_error;
  if (req.append()) {
    p.file.reset(io.open(*file, O_WRONLY | O_CREAT | O_APPEND, 0644, open_error));
  } else if (req.offset() > 0) {
    p.file.reset(io.open(*file, O_WRONLY, 0, open_error));
    if (p.file) {
      struct stat st {};
      if (::fstat(p.file.get(), &st) != 0) return op_error("cannot stat " + req.path() + ": " + errno_code().message());
      if (req.offset() > static_cast<std::uint64_t>(st.st_size)) {
        return op_error(
            fmt::format("restart offset {} is beyond the end of {} ({} bytes)", req.offset(), req.path(), st.st_size));
      }
    }
  } else {
    p.temp_file = Storage::upload_temp_file(*file, req.ticket());
    p.file.reset(io.open(p.temp_file, O_WRONLY | O_CREAT | O_TRUNC, 0644, open_error));
  }
  if (!p.file) {
    p.temp_file.clear();
    return op_error("cannot open for writing", req.path(), open_error);
  }
  return p;
}

// Gets the client's data connection into ticket.data. On failure fills `done`
// as a connection failure.
asio::awaitable<bool> connect_data(Ticket& ticket, const link::StartTransfer& req, const TransferSetting& setting,
                                   link::TransferDone& done) {
  done.set_connect_failed(true);
  if (ticket.aborted) {
    done.set_error("aborted");
    co_return false;
  }
  if (req.active_host().empty()) {
    if (co_await ticket.wait_for_data()) {
      done.set_connect_failed(false);
      co_return true;
    }
    done.set_error(ticket.aborted ? "aborted" : "the client did not open the data connection in time");
    co_return false;
  }
  const auto port = port_of(req.active_port());
  if (!port) {
    done.set_error(fmt::format("invalid data port {}", req.active_port()));
    co_return false;
  }
  ticket.data.emplace(ticket.executor());
  const auto ec =
      co_await net::connect_from(*ticket.data, setting.data_address, req.active_host(), *port, setting.dial_timeout);
  if (ec || ticket.aborted) {
    done.set_error(ticket.aborted ? std::string("aborted")
                                  : fmt::format("cannot open the data connection to {}:{}: {}", req.active_host(),
                                                *port, ec.message()));
    co_return false;
  }
  done.set_connect_failed(false);
  co_return true;
}

// Gets the data connection and remembers who is at the other end.
asio::awaitable<bool> open_data(Ticket& ticket, const link::StartTransfer& req, const TransferSetting& setting,
                                link::TransferDone& done) {
  if (!co_await connect_data(ticket, req, setting, done)) co_return false;
  std::error_code ec;
  const auto remote = ticket.data->remote_endpoint(ec);
  ticket.client = ec ? std::string("?") : remote.address().to_string();
  ticket.watch.start(std::chrono::steady_clock::now(), ticket.bytes);
  co_return true;
}

asio::awaitable<std::error_code> send_ascii(tcp::socket& socket, DiskIo& io, int fd, std::uint64_t offset,
                                            std::uint64_t& sent, std::string& error) {
  std::vector<char> buffer(256 * 1024);
  std::string wire;
  ftp::AsciiEncoder encoder;
  auto position = static_cast<off_t>(offset);
  for (;;) {
    std::error_code read_error;
    const auto n = io.read_at(fd, buffer.data(), buffer.size(), position, read_error);
    if (n < 0) {
      error = "cannot read the file: " + read_error.message();
      co_return read_error;
    }
    if (n == 0) co_return std::error_code{};
    position += n;
    wire.clear();
    encoder.encode(std::string_view(buffer.data(), static_cast<std::size_t>(n)), wire);
    auto [ec, written] = co_await asio::async_write(socket, asio::buffer(wire), net::use_tuple);
    sent += written;
    if (ec) co_return ec;
  }
}

asio::awaitable<std::error_code> send_file(Ticket& ticket, PreparedTransfer& p, DiskIo& io, std::string& error) {
  net::limit_unsent(*ticket.data);
  const auto offset = p.request.offset();
  if (p.request.ascii()) co_return co_await send_ascii(*ticket.data, io, p.file.get(), offset, ticket.bytes, error);
  // Binary: the kernel reads the file for sendfile(2); a read error (EIO)
  // is the error of the transfer.
  co_return co_await net::async_sendfile(*ticket.data, p.file.get(), offset, p.file_size - offset, ticket.bytes);
}

asio::awaitable<std::error_code> send_bytes(Ticket& ticket, const std::string& payload) {
  // In steps, so that the stall watch sees a slow reader's progress.
  constexpr std::size_t kStep = 256 * 1024;
  for (std::size_t at = 0; at < payload.size();) {
    const auto step = std::min(kStep, payload.size() - at);
    auto [ec, written] = co_await asio::async_write(*ticket.data, asio::buffer(payload.data() + at, step),
                                                    net::use_tuple);
    ticket.bytes += written;
    at += written;
    if (ec) co_return ec;
  }
  co_return std::error_code{};
}

// Node-to-node: dials the peer node's listener (validated by prepare_transfer)
// and copies between it and the client's data connection in the direction of
// the kind.
asio::awaitable<std::error_code> relay(Ticket& ticket, const link::StartTransfer& req, const TransferSetting& setting,
                                       std::string& error) {
  const auto port = static_cast<std::uint16_t>(req.peer_port());
  ticket.peer.emplace(ticket.executor());
  auto ec = co_await net::connect_from(*ticket.peer, setting.data_address, req.peer_host(), port, setting.dial_timeout);
  if (ec) {
    error = fmt::format("cannot reach the peer node at {}:{}: {}", req.peer_host(), port, ec.message());
    co_return ec;
  }
  const bool from_peer = req.kind() == link::RELAY_FROM_PEER;
  auto& source = from_peer ? *ticket.peer : *ticket.data;
  auto& sink = from_peer ? *ticket.data : *ticket.peer;
  net::limit_unsent(sink);
  ec = co_await net::async_splice(source, sink, ticket.bytes);
  if (!ec) sink.shutdown(tcp::socket::shutdown_send, ec);
  co_return ec;
}

// Passes the client's connection to the node of this host that holds the
// file. Our descriptor is closed without shutdown(): the connection itself
// goes on in the other process.
asio::awaitable<void> hand_off(Ticket& ticket, const link::StartTransfer& req, const TransferSetting& setting,
                               link::TransferDone& done) {
  const auto ec = co_await net::hand_off_socket(ticket.executor(), req.handoff_name(), req.peer_ticket(),
                                                *ticket.data, setting.dial_timeout);
  std::error_code ignored;
  ticket.data->close(ignored);
  done.set_ok(!ec && !ticket.aborted);
  if (ec) done.set_error("cannot hand the data connection to the node holding the file: " + ec.message());
}

// A sender's orderly end: FIN first so the client sees a complete stream.
void finish_connection(std::optional<tcp::socket>& socket) {
  if (!socket) return;
  std::error_code ec;
  socket->shutdown(tcp::socket::shutdown_send, ec);
  socket->close(ec);
}

}  // namespace

std::variant<PreparedTransfer, link::OpResult> prepare_transfer(const Storage& storage,
                                                                const link::StartTransfer& request) {
  PreparedTransfer p;
  p.request = request;
  const bool active = !request.active_host().empty();
  if (active && !port_of(request.active_port()))
    return op_error(fmt::format("invalid data port {}", request.active_port()));
  switch (request.kind()) {
    case link::SEND_FILE:
      return prepare_send(storage, std::move(p));
    case link::RECV_FILE:
      return prepare_receive(storage, std::move(p));
    case link::SEND_BYTES:
      return p;
    case link::RELAY_FROM_PEER:
    case link::RELAY_TO_PEER:
      if (request.peer_host().empty() || !port_of(request.peer_port())) return op_error("relay without a peer address");
      return p;
    case link::HANDOFF_TO_PEER:
      if (request.handoff_name().empty() || request.peer_ticket() == 0)
        return op_error("handoff without a receiving node and ticket");
      return p;
    default:
      return op_error(fmt::format("transfer kind {} is not supported by this node", static_cast<int>(request.kind())));
  }
}

asio::awaitable<link::TransferDone> run_transfer(Ticket& ticket, PreparedTransfer prepared, TransferSetting setting) {
  link::TransferDone done;
  const auto& req = prepared.request;
  ticket.sending = req.kind() != link::RECV_FILE && req.kind() != link::RELAY_TO_PEER;
  if (!co_await open_data(ticket, req, setting, done)) {
    discard_upload(prepared, *setting.io);
    co_return done;
  }

  std::error_code ec;
  std::string error;
  switch (req.kind()) {
    case link::SEND_FILE:
      ec = co_await send_file(ticket, prepared, *setting.io, error);
      if (ec == asio::error::eof) error = req.path() + " became shorter while it was being sent";
      break;
    case link::RECV_FILE:
      co_await receive_file(ticket, prepared, setting, done);
      co_return done;
    case link::HANDOFF_TO_PEER:
      co_await hand_off(ticket, req, setting, done);
      co_return done;
    case link::SEND_BYTES:
      ec = co_await send_bytes(ticket, req.payload());
      break;
    default:
      ec = co_await relay(ticket, req, setting, error);
      break;
  }
  if (!ec) {
    finish_connection(ticket.data);
  } else if (error.empty()) {
    error = "data connection: " + ec.message();
  }
  std::error_code ignored;
  if (ticket.data) ticket.data->close(ignored);
  if (ticket.peer) ticket.peer->close(ignored);
  done.set_ok(!ec && !ticket.aborted);
  done.set_error(error);
  co_return done;
}

std::string transfer_verb(const link::StartTransfer& request) {
  switch (request.kind()) {
    case link::SEND_FILE:
      return "RETR " + request.path();
    case link::RECV_FILE:
      return (request.append() ? "APPE " : "STOR ") + request.path();
    case link::SEND_BYTES:
      return "listing";
    case link::RELAY_FROM_PEER:
      return fmt::format("relay from peer {}:{}", request.peer_host(), request.peer_port());
    case link::RELAY_TO_PEER:
      return fmt::format("relay to peer {}:{}", request.peer_host(), request.peer_port());
    case link::HANDOFF_TO_PEER:
      return fmt::format("handoff of the connection to ticket {}", request.peer_ticket());
    default:
      return "transfer";
  }
}

}  // namespace fleet::node
