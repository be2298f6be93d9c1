#include "net/unsent_limit.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace fleet::net {

void limit_unsent(asio::ip::tcp::socket& socket, int bytes) {
  // Best effort: a failure only leaves the kernel's default behaviour.
  (void)::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &bytes, sizeof bytes);
}

}  // namespace fleet::net
