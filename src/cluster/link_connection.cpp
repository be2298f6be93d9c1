#include "net/use_tuple.hpp"
#include "cluster/link_connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "net/spawn.hpp"

namespace fleet::cluster {

namespace {

// Enough for every message of a busy link in one read; a larger frame grows
// the buffer for as long as it is being read.
constexpr std::size_t kReadChunk = 64 * 1024;

// The refusal of a message that does not fit in a frame, for the caller
// that waits for an answer to it.
link::Envelope too_large(std::size_t size) {
  link::Envelope env;
  env.mutable_op_result()->set_ok(false);
  env.mutable_op_result()->set_error("message of " + std::to_string(size) + " bytes exceeds the node link's frame limit of " +
                                     std::to_string(LinkConnection::kMaxFrame) + " bytes");
  return env;
}

std::uint32_t frame_length(const char* header) {
  const auto* p = reinterpret_cast<const unsigned char*>(header);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

}  // namespace

LinkConnection::LinkConnection(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  std::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) remote_ip_ = ep.address().to_string();
  auto local = socket_.local_endpoint(ec);
  if (!ec) local_ip_ = local.address().to_string();
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // flush() writes in place and must never block the event loop.
  socket_.non_blocking(true, ec);
}

LinkConnection::~LinkConnection() { close(); }

bool LinkConnection::send(const link::Envelope& env) {
  if (!open_) return false;
  // Sized once: AppendToString would walk the message again to size it.
  const std::size_t size = env.ByteSizeLong();
  if (size > kMaxFrame) {
    // The peer would close the link on this frame, failing everything else
    // that runs on it: only this message fails.
    spdlog::error("node link {}: not sending a message of {} bytes (kind {}): the frame limit is {} bytes",
                  remote_ip_, size, static_cast<int>(env.body_case()), kMaxFrame);
    return false;
  }
  const auto n = static_cast<std::uint32_t>(size);
  const char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                          static_cast<char>(n)};
  out_.append(header, sizeof header);
  const std::size_t body = out_.size();
  out_.resize(body + n);
  env.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(out_.data() + body));
  if (writing_ || flush_posted_) return true;
  flush_posted_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush();
  });
  return true;
}

void LinkConnection::flush() {
  if (!open_ || writing_ || out_.empty()) return;
  std::error_code ec;
  const std::size_t n = socket_.write_some(asio::buffer(out_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    close();
    return;
  }
  out_.erase(0, n);
  if (out_.empty()) return;
  // The kernel took part of it: the rest waits for room.
  writing_ = true;
  net::spawn(socket_.get_executor(), [self = shared_from_this()]() { return self->write_loop(); },
             "node link write to " + remote_ip_, [self = shared_from_this()] {
               self->writing_ = false;
               self->close();
             });
}

void LinkConnection::reply(std::uint64_t request_id, link::Envelope env) {
  if (request_id == 0) return;
  env.set_id(request_id);
  env.set_is_reply(true);
  if (const auto size = env.ByteSizeLong(); size > kMaxFrame) {
    env = too_large(size);
    env.set_id(request_id);
    env.set_is_reply(true);
  }
  send(env);
}

asio::awaitable<void> LinkConnection::write_loop() {
  while (open_ && !out_.empty()) {
    // What is queued meanwhile goes in the next write.
    const std::string batch = std::exchange(out_, {});
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(batch), net::use_tuple);
    (void)n;
    if (ec) {
      close();
      break;
    }
  }
  writing_ = false;
}

asio::awaitable<std::optional<link::Envelope>> LinkConnection::call(link::Envelope env,
                                                                    std::chrono::milliseconds timeout) {
  if (!open_) co_return std::nullopt;
  const auto id = next_id_++;
  env.set_id(id);
  if (const auto size = env.ByteSizeLong(); size > kMaxFrame) {
    spdlog::error("node link {}: request of {} bytes (kind {}) exceeds the frame limit of {} bytes; not sent",
                  remote_ip_, size, static_cast<int>(env.body_case()), kMaxFrame);
    co_return too_large(size);
  }
  auto pending = std::make_shared<PendingCall>();
  pending->timer = std::make_shared<asio::steady_timer>(socket_.get_executor());
  pending->timer->expires_after(timeout);
  pending_[id] = pending;
  send(env);
  co_await pending->timer->async_wait(net::use_tuple);
  pending_.erase(id);
  co_return std::move(pending->reply);
}

std::optional<link::Envelope> LinkConnection::take_frame(bool& bad) {
  const std::size_t held = in_end_ - in_begin_;
  if (held < 4) return std::nullopt;
  const std::uint32_t len = frame_length(in_.data() + in_begin_);
  if (len > kMaxFrame) {
    spdlog::warn("node link {}: frame of {} bytes exceeds the limit; closing", remote_ip_, len);
    bad = true;
    return std::nullopt;
  }
  if (held - 4 < len) return std::nullopt;
  link::Envelope env;
  if (!env.ParseFromArray(in_.data() + in_begin_ + 4, static_cast<int>(len))) {
    spdlog::warn("node link {}: undecodable message; closing", remote_ip_);
    bad = true;
    return std::nullopt;
  }
  in_begin_ += 4 + len;
  return env;
}

asio::awaitable<std::optional<link::Envelope>> LinkConnection::read_one() {
  for (;;) {
    bool bad = false;
    if (auto env = take_frame(bad)) co_return env;
    if (bad) co_return std::nullopt;
    // Keep the partial frame at the front, with room for at least its rest.
    const std::size_t held = in_end_ - in_begin_;
    if (in_begin_ > 0) std::memmove(in_.data(), in_.data() + in_begin_, held);
    in_begin_ = 0;
    in_end_ = held;
    const std::size_t need = held >= 4 ? std::max(kReadChunk, 4 + frame_length(in_.data()) - held) : kReadChunk;
    if (in_.size() < held + need) {
      in_.resize(held + need);
    } else if (in_.size() > 4 * kReadChunk && held + need <= kReadChunk) {
      // A large frame (an inventory chunk) is done: give its room back.
      in_.resize(kReadChunk);
      in_.shrink_to_fit();
    }
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(in_.data() + held, in_.size() - held), net::use_tuple);
    in_end_ += n;
    if (ec) co_return std::nullopt;
  }
}

asio::awaitable<void> LinkConnection::run(std::function<void(link::Envelope)> on_message) {
  auto self = shared_from_this();
  while (open_) {
    auto env = co_await read_one();
    if (!env) break;
    if (env->is_reply()) {
      auto it = pending_.find(env->id());
      if (it != pending_.end()) {
        it->second->reply = std::move(*env);
        it->second->timer->cancel();
        continue;
      }
    }
    on_message(std::move(*env));
  }
  close();
}

void LinkConnection::close() {
  if (!open_) return;
  open_ = false;
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  for (auto& [id, p] : pending_) p->timer->cancel();
}

}  // namespace fleet::cluster
