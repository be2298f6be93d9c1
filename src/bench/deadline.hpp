// A time limit for one session's work: a server that stops answering (a
// full accept queue, a session cap that leaves connections hanging) then
// fails that session instead of holding the whole run until its timeout.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <stdexcept>

#include "bench/ftp_client.hpp"

namespace fleet::bench {

class SessionTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Awaits `work`; if it has not finished after `limit`, closes `client`
// (which makes `work` fail) and throws SessionTimeout.
asio::awaitable<void> within(std::chrono::steady_clock::duration limit, FtpClient& client,
                             asio::awaitable<void> work);

}  // namespace fleet::bench
