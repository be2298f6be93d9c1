// ControlChannel: the socket side of an FTP control connection. Splits the
// byte stream into command lines (cutting off overlong ones), and writes
// replies in order. The Session above it never touches the socket, so the
// protocol state machine can be driven without one.
#pragma once

#include <asio.hpp>
#include <cstdint>
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

// What the reader hands lines to (the Session). An interface rather than
// two std::function objects: those would be two more allocations held by
// every idle session.
class LineReceiver {
 public:
  virtual ~LineReceiver() = default;
  // One command line without its CRLF; `overlong` if it was cut at max_line.
  virtual void push_line(std::string line, bool overlong) = 0;
  // The client closed the connection (or it broke).
  virtual void push_closed() = 0;
};

class ControlChannel : public ReplySink, public std::enable_shared_from_this<ControlChannel> {
 public:
  ControlChannel(asio::ip::tcp::socket socket, std::size_t max_line, std::uint64_t& bytes_out);

  // Reads until the peer closes or close() is called.
  asio::awaitable<void> read_loop(std::shared_ptr<LineReceiver> input);

  void send(std::string bytes) override;
  void close() override;

  asio::ip::tcp::socket& socket() { return socket_; }

 private:
  asio::awaitable<void> write_loop();
  // Reads whatever the socket holds right now into a buffer on the thread's
  // stack and hands complete lines upwards; false once the peer is gone.
  bool drain_input(LineReceiver& input);

  asio::ip::tcp::socket socket_;
  std::size_t max_line_;
  std::uint64_t& bytes_out_;
  // What an idle session holds matters (thousands of them per master): no
  // read buffer lives between reads, only a partial line, and replies queue in
  // one string rather than a std::deque (which allocates on construction)
  // and only when the kernel could not take them at once.
  std::string line_;
  bool overlong_ = false;
  std::string out_;
  bool writing_ = false;
  bool close_after_write_ = false;
  bool closed_ = false;
};

}  // namespace fleet::master
