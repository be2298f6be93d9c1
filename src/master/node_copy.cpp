#include "master/node_copy.hpp"

#include "master/node_calls.hpp"

namespace fleet::master {

asio::awaitable<CopyResult> copy_between_nodes(asio::any_io_executor ex, NodeRegistry& nodes, const std::string& path,
                                               const std::string& from, const std::string& to,
                                               std::chrono::milliseconds timeout) {
  CopyResult result;
  auto* target = nodes.find(to);
  if (!target || !nodes.find(from)) {
    result.error = "node " + std::string(target ? from : to) + " is offline";
    co_return result;
  }
  const std::string target_address = target->data_address;
  const auto send_ticket = nodes.new_ticket();
  std::string error;
  auto port = co_await node_open_passive(nodes, from, send_ticket, target_address,
                                         std::chrono::milliseconds(30000), error);
  auto* source = nodes.find(from);
  if (!port || !source) {
    result.error = port ? "node " + from + " went offline" : error;
    co_return result;
  }
  const std::string source_address = source->data_address;

  TicketWait sent(ex, nodes, from, send_ticket);
  link::StartTransfer send;
  send.set_ticket(send_ticket);
  send.set_kind(link::SEND_FILE);
  send.set_path(path);
  auto started = co_await node_start_transfer(nodes, from, std::move(send));
  if (!started.ok()) {
    sent.cancel();
    result.error = started.error();
    co_return result;
  }
  const auto receive_ticket = nodes.new_ticket();
  TicketWait received(ex, nodes, to, receive_ticket);
  link::StartTransfer receive;
  receive.set_ticket(receive_ticket);
  receive.set_kind(link::RECV_FILE);
  receive.set_path(path);
  receive.set_active_host(source_address);
  receive.set_active_port(*port);
  started = co_await node_start_transfer(nodes, to, std::move(receive));
  if (!started.ok()) {
    received.cancel();
    link::Envelope abort;
    abort.mutable_abort_transfer()->set_ticket(send_ticket);
    if (auto* s = nodes.find(from)) s->link->send(abort);
    co_await sent.wait(std::chrono::seconds(5));
    result.error = started.error();
    co_return result;
  }
  auto in = co_await received.wait(timeout);
  auto out = co_await sent.wait(std::chrono::seconds(10));
  result.ok = in.ok && out.ok;
  result.error = !in.ok ? in.error : out.error;
  result.size = in.file_size;
  result.crc32 = in.crc32;
  co_return result;
}

}  // namespace fleet::master
