#include "node/ticket.hpp"

#include <asio/experimental/awaitable_operators.hpp>

#include "net/use_tuple.hpp"

namespace fleet::node {

void Ticket::accept_finished(std::optional<asio::ip::tcp::socket> socket) {
  accepting = false;
  if (listener) listener->close();  // one data connection per ticket
  if (socket && !aborted) data = std::move(socket);
  notify();
}

asio::awaitable<bool> Ticket::wait_for_data() {
  // No deadline here: the accept ends by its own timeout, or by abort().
  while (!data && accepting && !aborted) co_await wait_for_change(Clock::time_point::max());
  co_return data.has_value() && !aborted;
}

asio::awaitable<void> Ticket::wait_for_change(Clock::time_point until) {
  // Each waiter keeps its own deadline: setting wake_'s expiry would cancel
  // the other waiters' waits, and two waiters would wake each other in a loop.
  if (until == Clock::time_point::max()) {
    co_await wake_.async_wait(net::use_tuple);
    co_return;
  }
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer deadline(wake_.get_executor());
  deadline.expires_at(until);
  co_await (wake_.async_wait(net::use_tuple) || deadline.async_wait(net::use_tuple));
}

void Ticket::abort() {
  aborted = true;
  accepting = false;
  std::error_code ec;
  if (listener) listener->close();
  if (data) data->close(ec);
  if (peer) peer->close(ec);
  notify();
}

void Ticket::stall() {
  stalled = true;
  std::error_code ec;
  if (data) data->close(ec);
  if (peer) peer->close(ec);
  notify();
}

}  // namespace fleet::node
