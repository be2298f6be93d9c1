#include "master/node_calls.hpp"

#include "net/use_tuple.hpp"

namespace fleet::master {

namespace {
link::OpResult failure(std::string why) {
  link::OpResult r;
  r.set_ok(false);
  r.set_error(std::move(why));
  return r;
}

asio::awaitable<std::optional<link::Envelope>> call(NodeRegistry& nodes, const std::string& node,
                                                    link::Envelope env, std::chrono::milliseconds timeout) {
  auto* info = nodes.find(node);
  if (!info) co_return std::nullopt;
  auto link = info->link;  // keeps the connection alive across the wait
  co_return co_await link->call(std::move(env), timeout);
}
}  // namespace

link::FileOp make_file_op(link::FileOpKind kind, std::string path, std::string path2) {
  link::FileOp op;
  op.set_kind(kind);
  op.set_path(std::move(path));
  op.set_path2(std::move(path2));
  return op;
}

namespace {

link::Envelope open_passive_envelope(std::uint64_t ticket, const std::string& allowed_ip,
                                     std::chrono::milliseconds accept_timeout) {
  link::Envelope env;
  auto* op = env.mutable_open_passive();
  op->set_ticket(ticket);
  op->set_allowed_ip(allowed_ip);
  op->set_accept_timeout_ms(static_cast<std::uint32_t>(accept_timeout.count()));
  return env;
}

// OpenPassive, for a listener or for a handoff.
asio::awaitable<std::optional<std::uint16_t>> open_passive_call(NodeRegistry& nodes, const std::string& node,
                                                                std::uint64_t ticket, const std::string& allowed_ip,
                                                                std::chrono::milliseconds accept_timeout,
                                                                bool handoff, std::string& error) {
  auto env = open_passive_envelope(ticket, allowed_ip, accept_timeout);
  env.mutable_open_passive()->set_handoff(handoff);
  auto r = co_await call(nodes, node, std::move(env), kNodeCallTimeout);
  if (r && r->has_passive_opened()) co_return static_cast<std::uint16_t>(r->passive_opened().port());
  error = !r ? "node " + node + " did not answer"
             : (r->has_op_result() ? r->op_result().error() : "node " + node + " sent an unexpected answer");
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<std::optional<std::uint16_t>> node_open_passive(NodeRegistry& nodes, const std::string& node,
                                                                std::uint64_t ticket, const std::string& allowed_ip,
                                                                std::chrono::milliseconds accept_timeout,
                                                                std::string& error) {
  co_return co_await open_passive_call(nodes, node, ticket, allowed_ip, accept_timeout, false, error);
}

link::Envelope pooled_open(std::uint64_t ticket, const std::string& allowed_ip,
                           std::chrono::milliseconds accept_timeout, std::uint16_t port) {
  auto env = open_passive_envelope(ticket, allowed_ip, accept_timeout);
  env.mutable_open_passive()->set_pooled_port(port);
  return env;
}

asio::awaitable<bool> node_expect_handoff(NodeRegistry& nodes, const std::string& node, std::uint64_t ticket,
                                          const std::string& allowed_ip, std::chrono::milliseconds accept_timeout,
                                          std::string& error) {
  auto opened = co_await open_passive_call(nodes, node, ticket, allowed_ip, accept_timeout, true, error);
  co_return opened.has_value();
}

asio::awaitable<link::OpResult> node_start_transfer(NodeRegistry& nodes, const std::string& node,
                                                    link::StartTransfer start) {
  link::Envelope env;
  *env.mutable_start_transfer() = std::move(start);
  auto r = co_await call(nodes, node, std::move(env), kNodeCallTimeout);
  if (!r) co_return failure("node " + node + " did not answer");
  if (!r->has_op_result()) co_return failure("node " + node + " sent an unexpected answer");
  auto result = r->op_result();
  if (!result.ok() && result.error().empty()) result.set_error("node " + node + " refused the transfer");
  co_return result;
}

asio::awaitable<link::OpResult> node_file_op(NodeRegistry& nodes, const std::string& node, link::FileOp op,
                                             std::chrono::milliseconds timeout) {
  link::Envelope env;
  *env.mutable_file_op() = std::move(op);
  auto r = co_await call(nodes, node, std::move(env), timeout);
  if (!r) co_return failure("node " + node + " did not answer");
  if (!r->has_op_result()) co_return failure("node " + node + " sent an unexpected answer");
  co_return r->op_result();
}

TicketWait::TicketWait(asio::any_io_executor ex, NodeRegistry& nodes, const std::string& node, std::uint64_t ticket)
    : nodes_(nodes), ticket_(ticket), state_(std::make_shared<State>(ex)) {
  nodes_.watch(ticket, node, [state = state_](TransferOutcome o) {
    state->outcome = std::move(o);
    state->timer.cancel();
  });
}

asio::awaitable<TransferOutcome> TicketWait::wait(std::chrono::milliseconds timeout) {
  auto state = state_;
  if (!state->outcome) {
    state->timer.expires_after(timeout);
    co_await state->timer.async_wait(net::use_tuple);
  }
  if (state->outcome) co_return std::move(*state->outcome);
  nodes_.unwatch(ticket_);
  co_return TransferOutcome::failed("no completion within " + std::to_string(timeout.count() / 1000) + " s");
}

void TicketWait::cancel() { nodes_.unwatch(ticket_); }

}  // namespace fleet::master
