#include "net/passive_listener.hpp"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>
#include <cerrno>

#include "net/errno_code.hpp"
#include "net/use_tuple.hpp"

namespace fleet::net {

namespace {

using asio::ip::tcp;

// IPv4 peers can show up as v4-mapped IPv6 on a dual-stack listener.
asio::ip::address unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

std::optional<asio::ip::address> peer_of(const tcp::socket& s) {
  std::error_code ec;
  const auto peer = s.remote_endpoint(ec);
  if (ec) return std::nullopt;
  return unmapped(peer.address());
}

std::optional<asio::ip::address> peer_of(int fd) {
  tcp::endpoint peer;
  auto length = static_cast<socklen_t>(peer.capacity());
  if (::getpeername(fd, peer.data(), &length) != 0) return std::nullopt;
  peer.resize(length);
  return unmapped(peer.address());
}

bool admitted(const std::optional<asio::ip::address>& peer, const std::optional<asio::ip::address>& allowed) {
  return !allowed || (peer && *peer == *allowed);
}

// A connection from an address other than the allowed one is logged; the
// caller closes it.
void log_refused(std::uint16_t port, const std::optional<asio::ip::address>& peer, const std::string& allowed_ip) {
  spdlog::warn("passive port {}: refused a data connection from {} (expected {})", port,
               peer ? peer->to_string() : std::string("an unknown address"), allowed_ip);
}

// A listening socket outside the event loop: bound and listening, but
// watched by no one, so a connection to it wakes nobody.
UniqueFd listen_on(const tcp::endpoint& endpoint, std::error_code& ec) {
  UniqueFd fd(::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  const int on = 1;
  if (!fd || ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(fd.get(), endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    ec = errno_code();
    return {};
  }
  return fd;
}

}  // namespace

bool comes_from(const tcp::socket& socket, const std::string& allowed_ip) {
  if (allowed_ip.empty()) return true;
  std::error_code ec;
  const auto allowed = asio::ip::make_address(allowed_ip, ec);
  return !ec && admitted(peer_of(socket), unmapped(allowed));
}

std::uint16_t PortCursor::next() {
  if (next_ < range_.first || next_ > range_.last) next_ = range_.first;
  const auto port = next_;
  next_ = port == range_.last ? range_.first : static_cast<std::uint16_t>(port + 1);
  return port;
}

PassiveListener::PassiveListener(asio::any_io_executor ex, std::vector<Parked> parked, std::uint16_t port)
    : ex_(std::move(ex)), parked_(std::move(parked)), port_(port) {}

PassiveListener::~PassiveListener() { close(); }

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
    std::vector<Parked> parked;
    std::error_code ec;
    for (const auto& address : bind_to) {
      const tcp::endpoint endpoint(address, port);
      auto fd = listen_on(endpoint, ec);
      if (ec) break;
      parked.push_back(Parked{std::move(fd), endpoint.protocol()});
    }
    if (!ec) return std::unique_ptr<PassiveListener>(new PassiveListener(std::move(ex), std::move(parked), port));
    // Sockets opened so far on this port close as `parked` goes out of scope.
  }
  return nullptr;
}

std::optional<tcp::socket> PassiveListener::take_queued(const std::optional<asio::ip::address>& allowed,
                                                        const std::string& allowed_ip) {
  for (auto& listening : parked_) {
    for (;;) {
      UniqueFd connection(::accept4(listening.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!connection) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          spdlog::warn("passive port {}: accept failed: {}", port_, errno_code().message());
        break;
      }
      const auto peer = peer_of(connection.get());
      if (!admitted(peer, allowed)) {
        log_refused(port_, peer, allowed_ip);
        continue;  // `connection` closes
      }
      tcp::socket socket(ex_);
      std::error_code ec;
      socket.assign(listening.protocol, connection.get(), ec);
      if (ec) {
        spdlog::warn("passive port {}: cannot use an accepted connection: {}", port_, ec.message());
        continue;
      }
      connection.release();
      return socket;
    }
  }
  return std::nullopt;
}

bool PassiveListener::watch() {
  for (auto& listening : parked_) {
    tcp::acceptor acceptor(ex_);
    std::error_code ec;
    acceptor.assign(listening.protocol, listening.fd.get(), ec);
    if (ec) {
      spdlog::warn("passive port {}: cannot wait for a data connection: {}", port_, ec.message());
      return false;
    }
    listening.fd.release();
    acceptors_.push_back(std::move(acceptor));
  }
  parked_.clear();
  return !acceptors_.empty();
}

asio::awaitable<std::optional<tcp::socket>> PassiveListener::accept(std::string allowed_ip,
                                                                    std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;

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
  if (auto queued = take_queued(allowed, allowed_ip)) co_return queued;
  if (!watch()) co_return std::nullopt;

  asio::steady_timer timer(ex_);
  while (!acceptors_.empty() && acceptors_.front().is_open()) {
    timer.expires_at(deadline);
    std::error_code ec;
    tcp::socket socket(ex_);
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
    const auto peer = peer_of(socket);
    if (admitted(peer, allowed)) co_return std::move(socket);
    log_refused(port_, peer, allowed_ip);
    std::error_code ignored;
    socket.close(ignored);
  }
  co_return std::nullopt;
}

void PassiveListener::close() {
  parked_.clear();
  std::error_code ec;
  for (auto& acceptor : acceptors_) acceptor.close(ec);
}

}  // namespace fleet::net
