// ControlChannel: the socket side of an FTP control connection. Splits the
// byte stream into command lines (cutting off overlong ones), and writes
// replies in order. The Session above it never touches the socket, so the
// protocol state machine can be driven without one.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace fleet::master {

// Where a Session sends its replies.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void send(std::string bytes) = 0;
  // Flushes what was queued, then closes the connection.
  virtual void close() = 0;
};

// What the reader hands upwards.
struct ControlInput {
  std::function<void(std::string line, bool overlong)> on_line;
  std::function<void()> on_closed;
};

class ControlChannel : public ReplySink, public std::enable_shared_from_this<ControlChannel> {
 public:
  ControlChannel(asio::ip::tcp::socket socket, std::size_t max_line, std::uint64_t& bytes_out);

  // Reads until the peer closes or close() is called.
  asio::awaitable<void> read_loop(ControlInput input);

  void send(std::string bytes) override;
  void close() override;

  asio::ip::tcp::socket& socket() { return socket_; }

 private:
  asio::awaitable<void> write_loop();

  asio::ip::tcp::socket socket_;
  std::size_t max_line_;
  std::uint64_t& bytes_out_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool close_after_write_ = false;
  bool closed_ = false;
};

}  // namespace fleet::master
