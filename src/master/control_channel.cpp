#include "net/use_tuple.hpp"
#include "master/control_channel.hpp"

#include <utility>

namespace fleet::master {

ControlChannel::ControlChannel(asio::ip::tcp::socket socket, std::size_t max_line, std::uint64_t& bytes_out)
    : socket_(std::move(socket)), max_line_(max_line), bytes_out_(bytes_out) {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Clients send ABOR as TCP urgent data (RFC 959 §4.1.3; Python's ftplib
  // marks the whole "ABOR\r\n" urgent). Without OOBINLINE the kernel takes
  // the last byte out of the stream and the line would never end.
  socket_.set_option(asio::socket_base::out_of_band_inline(true), ec);
  // Reads and the first attempt at every write happen in place and must
  // never block the event loop.
  socket_.non_blocking(true, ec);
}

asio::awaitable<void> ControlChannel::read_loop(std::shared_ptr<LineReceiver> input) {
  auto self = shared_from_this();
  std::error_code ec;
  // Waiting for readability rather than reading into a buffer keeps no
  // buffer in this coroutine's frame while the client is idle.
  while (!ec && !closed_) {
    std::tie(ec) = co_await socket_.async_wait(asio::socket_base::wait_read, net::use_tuple);
    if (ec || !drain_input(*input)) break;
  }
  input->push_closed();
}

bool ControlChannel::drain_input(LineReceiver& input) {
  char buf[4096];
  for (;;) {
    if (closed_) return false;
    std::error_code ec;
    const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return true;
    if (ec == asio::error::interrupted) continue;
    if (ec) return false;  // eof or a reset
    for (std::size_t i = 0; i < n; ++i) {
      const char c = buf[i];
      if (c == '\n') {
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        input.push_line(std::exchange(line_, {}), std::exchange(overlong_, false));
      } else if (line_.size() < max_line_) {
        line_.push_back(c);
      } else {
        // Keep reading to the end of the line, but keep none of it: a client
        // cannot make the master buffer more than max_line bytes.
        overlong_ = true;
      }
    }
    if (n < sizeof buf) return true;  // the socket is most likely empty now
  }
}

void ControlChannel::send(std::string bytes) {
  if (closed_ || close_after_write_) return;
  if (!writing_) {
    // A reply is a few dozen bytes and the socket's buffer is nearly always
    // free: write it now, and start the writer coroutine only for what the
    // kernel did not take.
    std::error_code ec;
    const std::size_t n = socket_.write_some(asio::buffer(bytes), ec);
    bytes_out_ += n;
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return;  // the reader sees it end
    if (n == bytes.size()) return;
    bytes.erase(0, n);
  }
  out_ += bytes;
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); },
                   asio::detached);
  }
}

asio::awaitable<void> ControlChannel::write_loop() {
  while (!out_.empty() && !closed_) {
    const std::string batch = std::exchange(out_, {});
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(batch), net::use_tuple);
    bytes_out_ += n;
    if (ec) {
      out_.clear();
      break;
    }
  }
  writing_ = false;
  if (close_after_write_) {
    close_after_write_ = false;
    close();
  }
}

void ControlChannel::close() {
  if (closed_) return;
  if (writing_) {
    close_after_write_ = true;
    return;
  }
  closed_ = true;
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

}  // namespace fleet::master
