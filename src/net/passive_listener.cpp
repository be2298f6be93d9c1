#include "net/passive_listener.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>

#include "net/use_tuple.hpp"

namespace fleet::net {

namespace {

// IPv4 peers can show up as v4-mapped IPv6 on a dual-stack listener.
asio::ip::address unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

bool is_allowed(const asio::ip::tcp::socket& s, const std::optional<asio::ip::address>& allowed) {
  if (!allowed) return true;
  std::error_code ec;
  const auto peer = s.remote_endpoint(ec);
  return !ec && unmapped(peer.address()) == *allowed;
}

}  // namespace

bool comes_from(const asio::ip::tcp::socket& socket, const std::string& allowed_ip) {
  if (allowed_ip.empty()) return true;
  std::error_code ec;
  const auto allowed = asio::ip::make_address(allowed_ip, ec);
  return !ec && is_allowed(socket, unmapped(allowed));
}

namespace {

std::string peer_text(const asio::ip::tcp::socket& s) {
  std::error_code ec;
  const auto peer = s.remote_endpoint(ec);
  return ec ? std::string("an unknown address") : peer.address().to_string();
}

// A connection from an address other than the allowed one: logged and closed.
void refuse(std::uint16_t port, asio::ip::tcp::socket& socket, const std::string& allowed_ip) {
  spdlog::warn("passive port {}: refused a data connection from {} (expected {})", port, peer_text(socket),
               allowed_ip);
  std::error_code ignored;
  socket.close(ignored);
}

}  // namespace

// Shared between the listener and the completions of accept_early(), which
// may run after the listener is closed or gone. Plain completions rather than
// a coroutine awaiting both acceptors: a parallel group cancels the other
// operation through its acceptor, which may no longer exist by then.
struct PassiveListener::Early {
  Early(asio::any_io_executor ex, std::vector<asio::ip::tcp::acceptor>* acceptors, std::uint16_t port)
      : acceptors(acceptors), port(port), ended(std::move(ex)) {
    ended.expires_at(asio::steady_timer::time_point::max());
  }
  std::vector<asio::ip::tcp::acceptor>* acceptors;  // valid while !listener_closed
  std::uint16_t port;
  std::optional<asio::ip::tcp::socket> socket;
  bool running = true;
  bool listener_closed = false;
  asio::steady_timer ended;  // cancelled when the early accept ends

  static void start(const std::shared_ptr<Early>& early, asio::ip::tcp::acceptor& acceptor) {
    acceptor.async_accept([early, a = &acceptor](std::error_code ec, asio::ip::tcp::socket socket) {
      // Closed, or the other acceptor was first (then `socket` just closes).
      if (early->listener_closed || !early->running) return;
      if (ec == asio::error::connection_aborted) return start(early, *a);
      if (!ec) {
        early->socket = std::move(socket);
      } else if (ec != asio::error::operation_aborted && ec != asio::error::bad_descriptor) {
        spdlog::warn("passive port {}: accept failed: {}", early->port, ec.message());
      }
      early->running = false;
      // The other acceptor's accept must not take the next connection.
      std::error_code ignored;
      for (auto& other : *early->acceptors) other.cancel(ignored);
      early->ended.cancel();
    });
  }
};

std::uint16_t PortCursor::next() {
  if (next_ < range_.first || next_ > range_.last) next_ = range_.first;
  const auto port = next_;
  next_ = port == range_.last ? range_.first : static_cast<std::uint16_t>(port + 1);
  return port;
}

PassiveListener::PassiveListener(std::vector<asio::ip::tcp::acceptor> acceptors, std::uint16_t port)
    : acceptors_(std::move(acceptors)), port_(port) {}

PassiveListener::~PassiveListener() { close(); }

void PassiveListener::accept_early() {
  if (early_ || acceptors_.empty()) return;
  early_ = std::make_shared<Early>(acceptors_.front().get_executor(), &acceptors_, port_);
  for (auto& acceptor : acceptors_) Early::start(early_, acceptor);
}

std::unique_ptr<PassiveListener> PassiveListener::open(asio::any_io_executor ex, PortCursor& cursor,
                                                       const std::vector<std::string>& addresses) {
  std::vector<asio::ip::address> bind_to;
  for (const auto& text : addresses) {
    if (text.empty()) continue;
    std::error_code ec;
    const auto a = asio::ip::make_address(text, ec);
    if (ec) {
      spdlog::error("passive listener: '{}' is not an IP address", text);
      return nullptr;
    }
    if (std::find(bind_to.begin(), bind_to.end(), a) == bind_to.end()) bind_to.push_back(a);
  }
  // accept() waits on at most two acceptors (own address + public address).
  if (bind_to.empty() || bind_to.size() > 2) return nullptr;

  const auto attempts = cursor.range().size();
  for (std::uint32_t i = 0; i < attempts; ++i) {
    const auto port = cursor.next();
    std::vector<asio::ip::tcp::acceptor> acceptors;
    std::error_code ec;
    for (const auto& address : bind_to) {
      const asio::ip::tcp::endpoint ep(address, port);
      asio::ip::tcp::acceptor acceptor(ex);
      acceptor.open(ep.protocol(), ec);
      if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor.bind(ep, ec);
      if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) break;
      acceptors.push_back(std::move(acceptor));
    }
    if (!ec) return std::unique_ptr<PassiveListener>(new PassiveListener(std::move(acceptors), port));
    // Acceptors opened so far on this port close as `acceptors` goes out of scope.
  }
  return nullptr;
}

bool PassiveListener::connection_waiting() const { return early_ && early_->socket.has_value(); }

asio::awaitable<std::optional<asio::ip::tcp::socket>> PassiveListener::accept(std::string allowed_ip,
                                                                              std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  using asio::ip::tcp;

  std::optional<asio::ip::address> allowed;
  if (!allowed_ip.empty()) {
    std::error_code ec;
    allowed = unmapped(asio::ip::make_address(allowed_ip, ec));
    if (ec) {
      spdlog::error("passive port {}: allowed address '{}' is not an IP address", port_, allowed_ip);
      co_return std::nullopt;
    }
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (early_) {
    if (early_->running) {
      early_->ended.expires_at(deadline);
      co_await early_->ended.async_wait(use_tuple);  // cancelled when the early accept ends
      if (early_->running) co_return std::nullopt;   // the deadline came first
    }
    if (early_->socket) {
      auto socket = std::move(*early_->socket);
      early_->socket.reset();
      if (is_allowed(socket, allowed)) co_return std::move(socket);
      refuse(port_, socket, allowed_ip);
    }
  }
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!acceptors_.empty() && acceptors_.front().is_open()) {
    timer.expires_at(deadline);
    std::error_code ec;
    tcp::socket socket(timer.get_executor());
    if (acceptors_.size() == 1) {
      auto r = co_await (acceptors_[0].async_accept(use_tuple) || timer.async_wait(use_tuple));
      if (r.index() == 1) co_return std::nullopt;
      std::tie(ec, socket) = std::move(std::get<0>(r));
    } else {
      auto r = co_await (acceptors_[0].async_accept(use_tuple) || acceptors_[1].async_accept(use_tuple) ||
                         timer.async_wait(use_tuple));
      if (r.index() == 2) co_return std::nullopt;
      std::tie(ec, socket) = r.index() == 0 ? std::move(std::get<0>(r)) : std::move(std::get<1>(r));
    }
    if (ec == asio::error::connection_aborted) continue;
    if (ec) {
      if (ec != asio::error::operation_aborted && ec != asio::error::bad_descriptor)
        spdlog::warn("passive port {}: accept failed: {}", port_, ec.message());
      co_return std::nullopt;
    }
    if (is_allowed(socket, allowed)) co_return std::move(socket);
    refuse(port_, socket, allowed_ip);
  }
  co_return std::nullopt;
}

void PassiveListener::close() {
  if (early_ && !early_->listener_closed) {
    // The completions return at once from now on: wake a waiting accept()
    // here, which then finds the acceptors closed.
    early_->listener_closed = true;
    early_->running = false;
    early_->ended.cancel();
  }
  std::error_code ec;
  for (auto& acceptor : acceptors_) acceptor.close(ec);
}

}  // namespace fleet::net
