#include "net/use_tuple.hpp"
#include "master/local_transfer.hpp"

#include "net/dial.hpp"
#include "net/unsent_limit.hpp"
#include "net/zero_copy.hpp"

namespace fleet::master {

LocalTransfer::LocalTransfer(asio::any_io_executor ex, Mode mode, ClientEnd client, std::uint64_t& bytes_out,
                             Done done)
    : ex_(ex), mode_(mode), client_end_(std::move(client)), bytes_out_(bytes_out), done_(std::move(done)),
      client_(ex), node_(ex) {}

void LocalTransfer::start() {
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void LocalTransfer::abort() {
  aborted_ = true;
  std::error_code ec;
  if (client_end_.listener) client_end_.listener->close();
  client_.close(ec);
  node_.close(ec);
}

asio::awaitable<bool> LocalTransfer::connect_client() {
  if (client_end_.listener) {
    auto sock = co_await client_end_.listener->accept(client_end_.allowed_ip, client_end_.timeout);
    client_end_.listener->close();
    if (!sock) co_return false;
    client_ = std::move(*sock);
    co_return true;
  }
  if (!client_end_.dial) co_return false;
  auto ec = co_await net::connect_from(client_, client_end_.local_ip, client_end_.dial->host, client_end_.dial->port,
                                       client_end_.timeout);
  co_return !ec;
}

asio::awaitable<void> LocalTransfer::run() {
  if (!co_await connect_client() || aborted_) {
    TransferOutcome o = TransferOutcome::failed(aborted_ ? "aborted" : "data connection could not be opened");
    o.aborted = aborted_;
    o.connect_failed = !aborted_;
    finish(o);
    co_return;
  }
  TransferOutcome outcome;
  if (mode_ == Mode::SendBytes) {
    auto [ec, n] = co_await asio::async_write(client_, asio::buffer(payload_), net::use_tuple);
    bytes_out_ += n;
    outcome.bytes = n;
    outcome.ok = !ec;
    if (ec) outcome.error = ec.message();
  } else {
    auto ec = co_await net::connect_from(node_, node_local_ip_, node_host_, node_port_, client_end_.timeout);
    if (ec) {
      finish(TransferOutcome::failed("the storage node could not be reached: " + ec.message()));
      co_return;
    }
    std::uint64_t moved = 0;
    auto& from = mode_ == Mode::RelayFromNode ? node_ : client_;
    auto& to = mode_ == Mode::RelayFromNode ? client_ : node_;
    net::limit_unsent(to);  // as on the nodes' data sockets (net/unsent_limit.hpp)
    ec = co_await net::async_splice(from, to, moved);
    bytes_out_ += moved;
    outcome.bytes = moved;
    outcome.ok = !ec;
    if (ec) outcome.error = ec.message();
    std::error_code ignore;
    to.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
    if (mode_ == Mode::RelayToNode && !ec) {
      // The node closes its end once the file is stored; wait for that so the
      // completion reported by the node is not raced by ours.
      char byte;
      co_await node_.async_read_some(asio::buffer(&byte, 1), net::use_tuple);
    }
  }
  outcome.aborted = aborted_;
  if (aborted_) outcome.ok = false;
  std::error_code ignore;
  client_.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
  client_.close(ignore);
  node_.close(ignore);
  finish(outcome);
}

void LocalTransfer::finish(TransferOutcome outcome) {
  if (auto done = std::move(done_)) {
    done_ = nullptr;
    done(std::move(outcome));
  }
}

}  // namespace fleet::master
