// How much a sending data socket keeps queued in the kernel beyond what is
// already on its way (TCP_NOTSENT_LOWAT). Without a limit, a sendfile() that
// finds room queues up to the whole send buffer (megabytes once Linux has
// grown it). On loopback the receiver's acknowledgements then push that
// backlog out inside the receiver's own system calls, so the client pays for
// the server's sending, and with fifty downloads at once the queued data no
// longer fits the caches. Capped, the sender tops the queue up when it runs
// low, and each side does its own work: on this project's 2-core loopback
// bench, 50 parallel RETRs went from about 2,300 to 5,200-5,400 MB/s, the
// client's CPU per GB halved, and single-stream RETR got faster too
// (docs/PERFORMANCE.md, "Parallel RETR"). Bytes in flight are not limited,
// so a long-distance transfer keeps its window full.
#pragma once

#include <asio.hpp>

namespace fleet::net {

inline constexpr int kUnsentLimitBytes = 64 * 1024;

// Sets the limit on `socket`; a kernel without the option keeps its default.
void limit_unsent(asio::ip::tcp::socket& socket, int bytes = kUnsentLimitBytes);

}  // namespace fleet::net
