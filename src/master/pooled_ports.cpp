#include "master/pooled_ports.hpp"

#include <algorithm>

namespace fleet::master {

void PooledPorts::add(std::uint32_t port) {
  if (port == 0 || port > 65535 || waiting_.size() >= kMaxPorts) return;
  const auto p = static_cast<std::uint16_t>(port);
  if (std::find(waiting_.begin(), waiting_.end(), p) == waiting_.end()) waiting_.push_back(p);
}

std::optional<std::uint16_t> PooledPorts::take() {
  if (waiting_.empty()) return std::nullopt;
  const auto p = waiting_.front();
  waiting_.pop_front();
  return p;
}

}  // namespace fleet::master
