#include "net/use_tuple.hpp"
#include "master/control_channel.hpp"

namespace fleet::master {

ControlChannel::ControlChannel(asio::ip::tcp::socket socket, std::size_t max_line, std::uint64_t& bytes_out)
    : socket_(std::move(socket)), max_line_(max_line), bytes_out_(bytes_out) {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Clients send ABOR as TCP urgent data (RFC 959 §4.1.3; Python's ftplib
  // marks the whole "ABOR\r\n" urgent). Without OOBINLINE the kernel takes
  // the last byte out of the stream and the line would never end.
  socket_.set_option(asio::socket_base::out_of_band_inline(true), ec);
}

asio::awaitable<void> ControlChannel::read_loop(ControlInput input) {
  auto self = shared_from_this();
  std::string line;
  bool overlong = false;
  char buf[4096];
  while (!closed_) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf), net::use_tuple);
    if (ec) break;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = buf[i];
      if (c == '\n') {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        input.on_line(std::move(line), overlong);
        line.clear();
        overlong = false;
      } else if (line.size() < max_line_) {
        line.push_back(c);
      } else {
        // Keep reading to the end of the line, but keep none of it: a client
        // cannot make the master buffer more than max_line bytes.
        overlong = true;
      }
    }
  }
  input.on_closed();
}

void ControlChannel::send(std::string bytes) {
  if (closed_ || close_after_write_) return;
  out_.push_back(std::move(bytes));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); },
                   asio::detached);
  }
}

asio::awaitable<void> ControlChannel::write_loop() {
  while (!out_.empty() && !closed_) {
    std::string batch;
    while (!out_.empty()) {
      batch += out_.front();
      out_.pop_front();
    }
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
