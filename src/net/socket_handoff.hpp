// Socket handoff: passing an accepted TCP connection to another process on
// the same host (SCM_RIGHTS over an abstract Unix socket).
//
// Why: a client in passive mode connects to the node the master guessed at
// PASV time. When the file turns out to live on another node of the same
// machine, handing the connection itself to that node lets it sendfile()
// straight to the client, where a relay would copy every byte once more
// through a second process.
//
// A handoff name is an abstract Unix socket name (no file on disk; Linux
// keeps it per network namespace), written here without the leading NUL.
// The receiver accepts only peers of its own uid, so nothing outside the
// node's own account can inject connections.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace fleet::net {

// Where a handoff name can be reached and a descriptor received: same kernel
// boot, same network namespace, same uid. Two processes with equal scopes can
// hand sockets to each other. Empty when it cannot be determined (no /proc),
// which turns handoff off.
std::string handoff_scope();

// A new random handoff name ("fleetftp-handoff-<32 hex digits>").
std::string new_handoff_name();

// Connects to the handoff socket `name`, sends `tag` (which transfer this is
// for) together with the descriptor of `socket`, and waits for the receiver's
// verdict. The caller still owns `socket` and should close it, without
// shutdown(), once this succeeded: the connection lives on in the receiver.
asio::awaitable<std::error_code> hand_off_socket(asio::any_io_executor ex, const std::string& name, std::uint64_t tag,
                                                 asio::ip::tcp::socket& socket, std::chrono::milliseconds timeout);

// The receiving side: listens on a handoff name and gives every valid
// incoming connection to a Receiver, which says whether it took it.
class HandoffListener {
 public:
  // Returns true when the socket was taken for `tag`; false refuses it (the
  // sender then reports the failure).
  using Receiver = std::function<bool(std::uint64_t tag, asio::ip::tcp::socket socket)>;

  // nullptr (and `error` set) when the name cannot be bound.
  static std::unique_ptr<HandoffListener> open(asio::any_io_executor ex, const std::string& name,
                                               std::error_code& error);

  const std::string& name() const { return name_; }

  // Accepts until close(); each exchange runs on its own, bounded in time.
  asio::awaitable<void> serve(Receiver receiver);
  void close();

 private:
  HandoffListener(asio::local::stream_protocol::acceptor acceptor, std::string name)
      : acceptor_(std::move(acceptor)), name_(std::move(name)) {}

  asio::local::stream_protocol::acceptor acceptor_;
  std::string name_;
};

}  // namespace fleet::net
