#include "master/local_transfer.hpp"

#include <algorithm>

#include "net/dial.hpp"
#include "net/unsent_limit.hpp"
#include "net/use_tuple.hpp"
#include "net/zero_copy.hpp"

namespace fleet::master {

namespace {

// A listing is written in pieces of this size, so that its progress is seen
// by the stall watch while a slow client reads it.
constexpr std::size_t kWriteStep = 256 * 1024;

// How often the stall watch looks at the byte count: a stall is noticed
// within stall_timeout plus this.
std::chrono::milliseconds watch_period(std::chrono::milliseconds stall_timeout) {
  return std::clamp(stall_timeout / 10, std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
}

}  // namespace

LocalTransfer::LocalTransfer(asio::any_io_executor ex, Mode mode, ClientEnd client, std::uint64_t& bytes_out,
                             Done done)
    : ex_(ex), mode_(mode), client_end_(std::move(client)), bytes_out_(bytes_out), done_(std::move(done)),
      client_(ex), node_(ex), watch_(ex) {}

void LocalTransfer::start() {
  auto self = shared_from_this();
  auto log_failure = [self](std::exception_ptr e) {
    if (!e) return;
    // The session still gets its one outcome, so the client gets a reply.
    std::string why = "master error";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      why += std::string(": ") + ex.what();
    }
    std::error_code ignore;
    self->client_.close(ignore);
    self->node_.close(ignore);
    self->finish(TransferOutcome::failed(why));
  };
  asio::co_spawn(ex_, [self] { return self->run(); }, std::move(log_failure));
  asio::co_spawn(ex_, [self] { return self->watch_progress(); }, asio::detached);
}

void LocalTransfer::abort() {
  aborted_ = true;
  std::error_code ec;
  if (client_end_.listener) client_end_.listener->close();
  client_.close(ec);
  node_.close(ec);
  watch_.cancel();
}

asio::awaitable<void> LocalTransfer::watch_progress() {
  // Before the client's connection is up, connect_client()'s own timeout
  // applies; the watch starts counting from there.
  const auto period = watch_period(client_end_.stall_timeout);
  auto last_change = std::chrono::steady_clock::now();
  std::uint64_t last_moved = moved_;
  bool was_connected = false;
  while (!finished_ && !aborted_) {
    watch_.expires_after(period);
    co_await watch_.async_wait(net::use_tuple);
    if (finished_ || aborted_) break;
    const auto now = std::chrono::steady_clock::now();
    if (!connected_ || !was_connected || moved_ != last_moved) {
      was_connected = connected_;
      last_moved = moved_;
      last_change = now;
      continue;
    }
    if (now - last_change >= client_end_.stall_timeout) {
      stalled_ = true;
      std::error_code ignore;
      client_.close(ignore);
      node_.close(ignore);
      break;
    }
  }
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
  connected_ = true;
  TransferOutcome outcome;
  std::error_code ec;
  if (mode_ == Mode::SendBytes) {
    for (std::size_t at = 0; at < payload_.size() && !ec;) {
      const auto step = std::min(kWriteStep, payload_.size() - at);
      auto [write_error, n] = co_await asio::async_write(client_, asio::buffer(payload_.data() + at, step),
                                                         net::use_tuple);
      ec = write_error;
      at += n;
      moved_ += n;
    }
    bytes_out_ += moved_;
  } else {
    ec = co_await net::connect_from(node_, node_local_ip_, node_host_, node_port_, client_end_.timeout);
    if (ec) {
      finish(TransferOutcome::failed("the storage node could not be reached: " + ec.message()));
      co_return;
    }
    auto& from = mode_ == Mode::RelayFromNode ? node_ : client_;
    auto& to = mode_ == Mode::RelayFromNode ? client_ : node_;
    net::limit_unsent(to);  // as on the nodes' data sockets (net/unsent_limit.hpp)
    ec = co_await net::async_splice(from, to, moved_);
    connected_ = false;  // what follows waits for the node, not the client
    bytes_out_ += moved_;
    std::error_code ignore;
    to.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
    if (mode_ == Mode::RelayToNode && !ec) {
      // The node closes its end once the file is stored; wait for that so the
      // completion reported by the node is not raced by ours.
      char byte;
      co_await node_.async_read_some(asio::buffer(&byte, 1), net::use_tuple);
    }
  }
  outcome.bytes = moved_;
  outcome.ok = !ec && !stalled_;
  if (stalled_) {
    outcome.stalled = true;
    outcome.error = "no data moved on the data connection for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(client_end_.stall_timeout).count()) +
                    " s";
  } else if (ec) {
    outcome.error = ec.message();
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
  finished_ = true;
  watch_.cancel();
  if (auto done = std::move(done_)) {
    done_ = nullptr;
    done(std::move(outcome));
  }
}

}  // namespace fleet::master
