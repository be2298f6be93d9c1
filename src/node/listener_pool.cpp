#include "node/listener_pool.hpp"

namespace fleet::node {

ListenerPool::ListenerPool(asio::any_io_executor ex, net::PortCursor& cursor, std::vector<std::string> addresses,
                           std::size_t size)
    : ex_(std::move(ex)), cursor_(cursor), addresses_(std::move(addresses)), size_(size) {
  refill();
}

std::vector<std::uint16_t> ListenerPool::ports() const {
  std::vector<std::uint16_t> out;
  out.reserve(idle_.size());
  for (const auto& [port, listener] : idle_) out.push_back(port);
  return out;
}

std::unique_ptr<net::PassiveListener> ListenerPool::take(std::uint16_t port) {
  auto it = idle_.find(port);
  if (it == idle_.end()) return nullptr;
  auto listener = std::move(it->second);
  idle_.erase(it);
  return listener;
}

std::vector<std::uint16_t> ListenerPool::refill() {
  std::vector<std::uint16_t> opened;
  while (idle_.size() < size_) {
    auto listener = net::PassiveListener::open(ex_, cursor_, addresses_);
    if (!listener) break;
    const auto port = listener->port();
    opened.push_back(port);
    idle_.emplace(port, std::move(listener));
  }
  return opened;
}

}  // namespace fleet::node
