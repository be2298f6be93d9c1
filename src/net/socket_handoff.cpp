#include "net/socket_handoff.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <asio/experimental/awaitable_operators.hpp>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <vector>

#include "net/errno_code.hpp"
#include "net/spawn.hpp"
#include "net/unique_fd.hpp"
#include "net/use_tuple.hpp"

namespace fleet::net {

namespace {

using unix_stream = asio::local::stream_protocol;

// How long a receiver waits for a connected sender to send its descriptor.
constexpr std::chrono::seconds kReceiveLimit{5};

unix_stream::endpoint abstract_endpoint(const std::string& name) {
  std::string path(1, '\0');
  path += name;
  return unix_stream::endpoint(path);
}

std::array<unsigned char, 8> encode_tag(std::uint64_t tag) {
  std::array<unsigned char, 8> out{};
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<unsigned char>(tag >> (8 * i));
  return out;
}

std::uint64_t decode_tag(const std::array<unsigned char, 8>& in) {
  std::uint64_t tag = 0;
  for (int i = 7; i >= 0; --i) tag = (tag << 8) | in[static_cast<std::size_t>(i)];
  return tag;
}

std::error_code send_with_descriptor(int unix_fd, std::uint64_t tag, int passed_fd) {
  auto bytes = encode_tag(tag);
  iovec iov{bytes.data(), bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cm), &passed_fd, sizeof(int));
  for (;;) {
    const auto n = ::sendmsg(unix_fd, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_code();
    if (static_cast<std::size_t>(n) != bytes.size()) return std::make_error_code(std::errc::message_size);
    return {};
  }
}

// What one incoming message carried: the tag and, if it was well formed, the
// descriptor.
struct Received {
  std::uint64_t tag = 0;
  UniqueFd fd;
  std::string problem;  // set when the message was refused
};

// nullopt when nothing has arrived yet: a readiness report can come before
// the data (epoll(7) allows it, and a busy node saw it), so the caller waits
// again rather than refusing the handoff.
std::optional<Received> receive_with_descriptor(int unix_fd) {
  Received out;
  std::array<unsigned char, 8> bytes{};
  iovec iov{bytes.data(), bytes.size()};
  // Room for a few descriptors, so that extra ones are received (and closed)
  // rather than leaked into the kernel's truncation path.
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = ::recvmsg(unix_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::nullopt;
  if (n < 0) {
    out.problem = "cannot read the handoff message: " + errno_code().message();
    return out;
  }
  std::vector<int> fds;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    const auto count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
      fds.push_back(fd);
    }
  }
  if (n != static_cast<ssize_t>(bytes.size()) || fds.size() != 1 || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
    for (int fd : fds) ::close(fd);
    out.problem = "malformed handoff message (" + std::to_string(n) + " bytes, " + std::to_string(fds.size()) +
                  " descriptors)";
    return out;
  }
  out.tag = decode_tag(bytes);
  out.fd.reset(fds.front());
  return out;
}

// The passed descriptor must be a TCP connection; returns its family.
std::optional<int> tcp_family(int fd) {
  int type = 0;
  socklen_t len = sizeof(type);
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return std::nullopt;
  sockaddr_storage local{};
  len = sizeof(local);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return std::nullopt;
  if (local.ss_family != AF_INET && local.ss_family != AF_INET6) return std::nullopt;
  return local.ss_family;
}

bool same_user(unix_stream::socket& s) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == ::geteuid();
}

asio::awaitable<void> receive_one(unix_stream::socket s, HandoffListener::Receiver receiver) {
  using namespace asio::experimental::awaitable_operators;
  if (!same_user(s)) {
    spdlog::warn("socket handoff refused: the sending process runs as another user");
    co_return;
  }
  asio::steady_timer timer(s.get_executor());
  timer.expires_after(kReceiveLimit);
  std::optional<Received> received;
  while (!received) {
    auto ready = co_await (s.async_wait(unix_stream::socket::wait_read, use_tuple) || timer.async_wait(use_tuple));
    if (ready.index() == 1) {
      spdlog::warn("socket handoff refused: no handoff message within {} s", kReceiveLimit.count());
      co_return;
    }
    if (const auto [ec] = std::get<0>(ready); ec) {
      spdlog::warn("socket handoff refused: {}", ec.message());
      co_return;
    }
    received = receive_with_descriptor(s.native_handle());
  }
  auto& message = *received;
  bool taken = false;
  if (message.problem.empty()) {
    const auto family = tcp_family(message.fd.get());
    if (!family) {
      message.problem = "the handed-off descriptor is not a TCP connection";
    } else {
      asio::ip::tcp::socket tcp(s.get_executor());
      std::error_code ec;
      tcp.assign(*family == AF_INET ? asio::ip::tcp::v4() : asio::ip::tcp::v6(), message.fd.get(), ec);
      if (ec) {
        message.problem = "cannot adopt the handed-off connection: " + ec.message();
      } else {
        (void)message.fd.release();
        taken = receiver(message.tag, std::move(tcp));
      }
    }
  }
  if (!message.problem.empty()) spdlog::warn("socket handoff refused: {}", message.problem);
  const char verdict = taken ? '1' : '0';
  (void)co_await asio::async_write(s, asio::buffer(&verdict, 1), use_tuple);
}

}  // namespace

std::string handoff_scope() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string boot;
  if (!(in >> boot) || boot.empty()) return {};
  struct stat ns {};
  if (::stat("/proc/self/ns/net", &ns) != 0) return {};
  return boot + ":" + std::to_string(ns.st_dev) + ":" + std::to_string(ns.st_ino) + ":" + std::to_string(::geteuid());
}

std::string new_handoff_name() {
  std::random_device random;
  std::string name = "fleetftp-handoff-";
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) name += kHex[random() % 16];
  return name;
}

asio::awaitable<std::error_code> hand_off_socket(asio::any_io_executor ex, const std::string& name, std::uint64_t tag,
                                                 asio::ip::tcp::socket& socket, std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  unix_stream::socket unix(ex);
  asio::steady_timer timer(ex);
  timer.expires_after(timeout);
  auto exchange = [&]() -> asio::awaitable<std::error_code> {
    auto [connect_error] = co_await unix.async_connect(abstract_endpoint(name), use_tuple);
    if (connect_error) co_return connect_error;
    auto [wait_error] = co_await unix.async_wait(unix_stream::socket::wait_write, use_tuple);
    if (wait_error) co_return wait_error;
    if (auto ec = send_with_descriptor(unix.native_handle(), tag, socket.native_handle())) co_return ec;
    char verdict = 0;
    auto [read_error, n] = co_await asio::async_read(unix, asio::buffer(&verdict, 1), use_tuple);
    if (read_error) co_return read_error;
    co_return verdict == '1' ? std::error_code{} : std::make_error_code(std::errc::connection_refused);
  };
  auto run = exchange();
  auto outcome = co_await (std::move(run) || timer.async_wait(use_tuple));
  if (outcome.index() == 1) co_return asio::error::timed_out;
  co_return std::get<0>(outcome);
}

std::unique_ptr<HandoffListener> HandoffListener::open(asio::any_io_executor ex, const std::string& name,
                                                       std::error_code& error) {
  unix_stream::acceptor acceptor(ex);
  const auto endpoint = abstract_endpoint(name);
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return nullptr;
  return std::unique_ptr<HandoffListener>(new HandoffListener(std::move(acceptor), name));
}

asio::awaitable<void> HandoffListener::serve(Receiver receiver) {
  while (acceptor_.is_open()) {
    auto [ec, s] = co_await acceptor_.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // Out of descriptors, say: pause rather than spin on the failing accept.
      spdlog::warn("socket handoff: accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor_.get_executor());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    // The socket closes with the coroutine: nothing else to put back.
    spawn(acceptor_.get_executor(), receive_one(std::move(s), receiver), "socket handoff from a node of this host");
  }
}

void HandoffListener::close() {
  std::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace fleet::net
