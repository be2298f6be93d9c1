#include "net/use_tuple.hpp"
#include "master/control_channel.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "ftp/reply.hpp"

namespace fleet::master {
namespace {

constexpr std::size_t kReadBuffer = 4096;
// Bytes read per readiness event at most; then the loop yields to the other
// connections (a client sending one endless line would otherwise keep the
// reader busy for as long as it keeps sending).
constexpr std::size_t kReadBudget = 16 * kReadBuffer;

long long whole_seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

ControlChannel::ControlChannel(asio::ip::tcp::socket socket, const ControlChannelLimits& limits,
                               std::uint64_t& bytes_out)
    : socket_(std::move(socket)), limits_(limits), bytes_out_(bytes_out) {
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

std::string ControlChannel::peer() const {
  std::error_code ec;
  const auto ep = socket_.remote_endpoint(ec);
  return ec ? std::string("a closed connection") : ep.address().to_string();
}

asio::awaitable<void> ControlChannel::read_loop(std::shared_ptr<LineReceiver> input) {
  auto self = shared_from_this();
  std::error_code ec;
  while (!ec && !closed_ && !close_after_write_) {
    if (input_blocked(*input)) {
      co_await wait_for_room();
      continue;
    }
    if (!unsplit_.empty()) {
      // Lines read before the receiver filled up come before anything new.
      unsplit_.erase(0, split_lines(*input, unsplit_.data(), unsplit_.size()));
      if (unsplit_.empty()) std::string().swap(unsplit_);
      continue;
    }
    // Waiting for readability rather than reading into a buffer keeps no
    // buffer in this coroutine's frame while the client is idle.
    std::tie(ec) = co_await socket_.async_wait(asio::socket_base::wait_read, net::use_tuple);
    if (ec || !drain_input(*input)) break;
  }
  input->push_closed();
}

bool ControlChannel::input_blocked(const LineReceiver& input) const {
  return !input.accepts_lines() || unsent() >= limits_.max_unsent_output;
}

asio::awaitable<void> ControlChannel::wait_for_room() {
  if (!room_) room_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
  room_->expires_at(asio::steady_timer::time_point::max());
  reader_waiting_ = true;
  co_await room_->async_wait(net::use_tuple);  // cancelled by wake_reader()
  reader_waiting_ = false;
  // The line deadline is the client's: time spent waiting here is the master's.
  if (partial_timed_) line_started_ = Clock::now();
}

void ControlChannel::wake_reader() {
  if (reader_waiting_ && room_) room_->cancel();
}

void ControlChannel::resume_input() { wake_reader(); }

bool ControlChannel::drain_input(LineReceiver& input) {
  char buf[kReadBuffer];
  std::size_t budget = kReadBudget;
  while (budget > 0) {
    // Once a close is requested nothing more is read: the session ends while
    // its last reply drains.
    if (closed_ || close_after_write_) return false;
    if (input_blocked(input)) break;
    std::error_code ec;
    const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec == asio::error::interrupted) continue;
    if (ec) return false;  // eof or a reset
    const std::size_t used = split_lines(input, buf, n);
    if (used < n) {
      unsplit_.assign(buf + used, n - used);
      break;
    }
    if (n < sizeof buf) break;  // the socket is most likely empty now
    budget -= std::min(budget, n);
  }
  if ((!line_.empty() || overlong_) && !partial_timed_) {
    partial_timed_ = true;
    line_started_ = Clock::now();
    arm_watchdog();
  }
  return true;
}

std::size_t ControlChannel::split_lines(LineReceiver& input, const char* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const char c = data[i];
    if (c == '\n') {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      partial_timed_ = false;
      input.push_line(std::exchange(line_, {}), std::exchange(overlong_, false));
      if (!input.accepts_lines()) return i + 1;
    } else if (line_.size() < limits_.max_line) {
      line_.push_back(c);
    } else {
      // Keep reading to the end of the line, but keep none of it: a client
      // cannot make the master buffer more than max_line bytes.
      overlong_ = true;
    }
  }
  return n;
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
    write_progress_ = Clock::now();
    arm_watchdog();
    asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); },
                   asio::detached);
  }
}

asio::awaitable<void> ControlChannel::write_loop() {
  while (!out_.empty() && !closed_) {
    const std::string batch = std::exchange(out_, {});
    in_flight_ = batch.size();
    std::size_t done = 0;
    while (done < batch.size()) {
      auto [ec, n] = co_await socket_.async_write_some(asio::buffer(batch.data() + done, batch.size() - done),
                                                         net::use_tuple);
      bytes_out_ += n;
      done += n;
      in_flight_ -= n;
      if (n > 0) write_progress_ = Clock::now();
      if (ec) {
        out_.clear();
        in_flight_ = 0;
        break;
      }
      if (unsent() < limits_.max_unsent_output) wake_reader();
    }
  }
  // Replies that grew while the client was slow need not stay allocated.
  std::string().swap(out_);
  in_flight_ = 0;
  writing_ = false;
  wake_reader();
  if (close_after_write_) {
    close_after_write_ = false;
    close();
  }
}

void ControlChannel::arm_watchdog() {
  if (closed_) return;
  const bool line_due = partial_timed_ && limits_.line_timeout.count() > 0;
  if (!line_due && !writing_) return;
  Clock::time_point deadline = Clock::time_point::max();
  if (line_due) deadline = line_started_ + limits_.line_timeout;
  if (writing_) deadline = std::min(deadline, write_progress_ + limits_.output_timeout);
  // Armed already for as early: nothing to do. A later deadline that became
  // due first (a line begun while output waited) moves the timer earlier.
  if (deadline >= watchdog_due_) return;
  if (!watchdog_) watchdog_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
  watchdog_due_ = deadline;
  watchdog_->expires_at(deadline);  // cancels an earlier wait, whose handler then does nothing
  watchdog_->async_wait([self = shared_from_this()](std::error_code ec) {
    if (ec) return;
    self->watchdog_due_ = Clock::time_point::max();
    self->on_watchdog();
  });
}

void ControlChannel::on_watchdog() {
  if (closed_) return;
  const auto now = Clock::now();
  if (writing_ && now - write_progress_ >= limits_.output_timeout) {
    spdlog::warn("closing the control connection of {}: it read none of its replies for {} s ({} bytes unsent)",
                 peer(), whole_seconds(limits_.output_timeout), unsent());
    close_now();
    return;
  }
  // A partial line is the client's fault only while the reader is reading.
  const bool reading = !reader_waiting_ && unsplit_.empty();
  if (partial_timed_ && limits_.line_timeout.count() > 0 && reading &&
      now - line_started_ >= limits_.line_timeout) {
    spdlog::info("closing the control connection of {}: a command line was not completed within {} s", peer(),
                 whole_seconds(limits_.line_timeout));
    partial_timed_ = false;
    send(ftp::format_reply(421, "Command line not completed within " +
                                    std::to_string(whole_seconds(limits_.line_timeout)) +
                                    " s; closing control connection."));
    close();
    // close() waits for that reply to drain; the output deadline still holds.
  } else if (partial_timed_ && !reading) {
    line_started_ = now;
  }
  arm_watchdog();
}

void ControlChannel::close() {
  if (closed_) return;
  if (writing_) {
    close_after_write_ = true;
    return;
  }
  close_now();
}

void ControlChannel::close_now() {
  if (closed_) return;
  closed_ = true;
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (room_) room_->cancel();
  if (watchdog_) watchdog_->cancel();
}

}  // namespace fleet::master
