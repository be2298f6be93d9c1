// ControlChannel: the socket side of an FTP control connection. Splits the
// byte stream into command lines (cutting off overlong ones), and writes
// replies in order. The Session above it never touches the socket, so the
// protocol state machine can be driven without one.
//
// It bounds what one client can make the master hold (docs/CONFIG.md, [ftp]):
// - input: it stops reading the socket while the receiver has no room for
//   more lines (LineReceiver::accepts_lines) or while more than
//   max_unsent_output reply bytes wait for the client to read them. The
//   client's own TCP window then holds what it sends, not the master; at most
//   one read buffer of bytes waits here, already read but not yet split.
// - time: a command line begun must end within line_timeout (421, close),
//   and replies that nothing drains for output_timeout close the connection.
//
// Everything runs on the master's event-loop thread. Timers exist only while
// a partial line or unsent output needs one, so an idle connection holds none.
#pragma once

#include <asio.hpp>
#include <chrono>
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
  // The receiver has room for lines again (after accepts_lines() said no).
  virtual void resume_input() {}
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
  // False while the receiver holds as many lines as it will queue: the
  // channel then reads no more until ReplySink::resume_input().
  virtual bool accepts_lines() const { return true; }
};

struct ControlChannelLimits {
  std::size_t max_line = 2048;
  std::size_t max_unsent_output = 64 * 1024;
  std::chrono::steady_clock::duration output_timeout = std::chrono::seconds(60);
  std::chrono::steady_clock::duration line_timeout = std::chrono::seconds(30);  // zero: none
};

class ControlChannel : public ReplySink, public std::enable_shared_from_this<ControlChannel> {
 public:
  using Clock = std::chrono::steady_clock;

  ControlChannel(asio::ip::tcp::socket socket, const ControlChannelLimits& limits, std::uint64_t& bytes_out);

  // Reads until the peer closes or close() is called.
  asio::awaitable<void> read_loop(std::shared_ptr<LineReceiver> input);

  void send(std::string bytes) override;
  void close() override;
  void resume_input() override;

  asio::ip::tcp::socket& socket() { return socket_; }

 private:
  asio::awaitable<void> write_loop();
  // Reads what the socket holds now (at most a fixed budget per call, so one
  // fast client cannot hold the event loop) and hands complete lines
  // upwards; false once the peer is gone.
  bool drain_input(LineReceiver& input);
  // Splits `n` bytes into lines until the receiver is full; returns how many
  // bytes it used.
  std::size_t split_lines(LineReceiver& input, const char* data, std::size_t n);
  // Whether reading must wait: the receiver is full, or the client does not
  // read its replies.
  bool input_blocked(const LineReceiver& input) const;
  std::size_t unsent() const { return out_.size() + in_flight_; }
  asio::awaitable<void> wait_for_room();
  void wake_reader();
  // Starts the deadline timer if a partial line or unsent output needs it.
  void arm_watchdog();
  void on_watchdog();
  // Closes at once, dropping unsent output (close() would wait for it).
  void close_now();
  std::string peer() const;

  asio::ip::tcp::socket socket_;
  const ControlChannelLimits& limits_;
  std::uint64_t& bytes_out_;
  // What an idle session holds matters (thousands of them per master): no
  // read buffer lives between reads, only a partial line, and replies queue in
  // one string rather than a std::deque (which allocates on construction)
  // and only when the kernel could not take them at once.
  std::string line_;
  bool overlong_ = false;
  bool partial_timed_ = false;         // line_started_ is set for the partial line in line_
  Clock::time_point line_started_;
  std::string unsplit_;                // read while the receiver was full; at most one read buffer
  std::string out_;
  std::size_t in_flight_ = 0;          // bytes of the batch being written that the kernel has not taken
  Clock::time_point write_progress_;   // when the writer last got bytes out (or started waiting)
  bool writing_ = false;
  bool close_after_write_ = false;
  bool closed_ = false;
  bool reader_waiting_ = false;
  std::unique_ptr<asio::steady_timer> room_;      // the reader waits on it while input is blocked
  std::unique_ptr<asio::steady_timer> watchdog_;  // line and output deadlines
  Clock::time_point watchdog_due_ = Clock::time_point::max();  // max: not armed
};

}  // namespace fleet::master
