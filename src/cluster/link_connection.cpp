#include "net/use_tuple.hpp"
#include "cluster/link_connection.hpp"

#include <spdlog/spdlog.h>

namespace fleet::cluster {

LinkConnection::LinkConnection(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  std::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) remote_ip_ = ep.address().to_string();
  auto local = socket_.local_endpoint(ec);
  if (!ec) local_ip_ = local.address().to_string();
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

LinkConnection::~LinkConnection() { close(); }

void LinkConnection::send(const link::Envelope& env) {
  if (!open_) return;
  std::string frame(4, '\0');
  const auto body = env.SerializeAsString();
  const auto n = static_cast<std::uint32_t>(body.size());
  frame[0] = static_cast<char>(n >> 24);
  frame[1] = static_cast<char>(n >> 16);
  frame[2] = static_cast<char>(n >> 8);
  frame[3] = static_cast<char>(n);
  frame += body;
  out_.push_back(std::move(frame));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(socket_.get_executor(), [self = shared_from_this()]() { return self->write_loop(); },
                   asio::detached);
  }
}

void LinkConnection::reply(std::uint64_t request_id, link::Envelope env) {
  if (request_id == 0) return;
  env.set_id(request_id);
  env.set_is_reply(true);
  send(env);
}

asio::awaitable<void> LinkConnection::write_loop() {
  while (open_ && !out_.empty()) {
    // Batch everything queued so far into one write.
    std::string batch;
    while (!out_.empty() && batch.size() < (1u << 20)) {
      batch += out_.front();
      out_.pop_front();
    }
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
  auto pending = std::make_shared<PendingCall>();
  pending->timer = std::make_shared<asio::steady_timer>(socket_.get_executor());
  pending->timer->expires_after(timeout);
  pending_[id] = pending;
  send(env);
  co_await pending->timer->async_wait(net::use_tuple);
  pending_.erase(id);
  co_return std::move(pending->reply);
}

asio::awaitable<std::optional<link::Envelope>> LinkConnection::read_one() {
  unsigned char header[4];
  auto [ec, n] = co_await asio::async_read(socket_, asio::buffer(header), net::use_tuple);
  (void)n;
  if (ec) co_return std::nullopt;
  const std::uint32_t len = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                            (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
  if (len > kMaxFrame) {
    spdlog::warn("node link {}: frame of {} bytes exceeds the limit; closing", remote_ip_, len);
    co_return std::nullopt;
  }
  std::string body(len, '\0');
  auto [ec2, n2] = co_await asio::async_read(socket_, asio::buffer(body), net::use_tuple);
  (void)n2;
  if (ec2) co_return std::nullopt;
  link::Envelope env;
  if (!env.ParseFromString(body)) {
    spdlog::warn("node link {}: undecodable message; closing", remote_ip_);
    co_return std::nullopt;
  }
  co_return env;
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
