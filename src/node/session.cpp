#include "node/session.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <functional>
#include <utility>

#include "net/use_tuple.hpp"
#include "net/run_on.hpp"
#include "net/spawn.hpp"
#include "node/file_ops.hpp"
#include "node/inventory.hpp"
#include "node/op_result.hpp"

namespace fleet::node {

namespace {

using Clock = std::chrono::steady_clock;

const char* file_op_name(link::FileOpKind kind) {
  switch (kind) {
    case link::DELETE:
      return "delete";
    case link::RENAME:
      return "rename";
    case link::MKDIR:
      return "mkdir";
    case link::RMDIR:
      return "rmdir";
    case link::SET_MTIME:
      return "set mtime of";
    case link::STAT:
      return "stat";
    default:
      return "file operation on";
  }
}

}  // namespace

Session::Session(std::shared_ptr<NodeContext> context, std::shared_ptr<cluster::LinkConnection> link,
                 std::chrono::milliseconds data_timeout)
    : context_(std::move(context)),
      link_(std::move(link)),
      heartbeat_timer_(link_->executor()),
      data_timeout_(data_timeout) {}

asio::awaitable<std::size_t> Session::serve() {
  auto self = shared_from_this();
  send_disk_status();
  open_pool();
  // Background work holds `self` in the spawned function, so the session
  // outlives everything it started. The inventory waits for the master's
  // InventoryRequest: it replays missed changes first.
  // Without heartbeats the master would drop this node after its timeout:
  // closing the link now makes both sides start over at once.
  net::spawn(
      link_->executor(), [self] { return self->heartbeats(); }, "heartbeats to the master",
      [self] { self->link_->close(); });

  // Named, not written inside the co_await: GCC 12 destroys a lambda
  // temporary in a co_await expression twice.
  std::function<void(link::Envelope)> on_message = [self](link::Envelope env) { self->dispatch(std::move(env)); };
  co_await link_->run(std::move(on_message));

  heartbeat_timer_.cancel();
  auto orphans = std::move(tickets_);
  tickets_.clear();
  for (auto& [id, ticket] : orphans) ticket->abort();
  if (pool_) pool_->close();
  co_return orphans.size();
}

void Session::dispatch(link::Envelope env) {
  const auto id = env.id();
  try {
    switch (env.body_case()) {
      case link::Envelope::kOpenPassive:
        return open_passive(id, env.open_passive());
      case link::Envelope::kStartTransfer:
        return start_transfer(id, env.start_transfer());
      case link::Envelope::kAbortTransfer:
        return abort_transfer(id, env.abort_transfer());
      case link::Envelope::kFileOp:
        return file_op(id, env.file_op());
      case link::Envelope::kInventoryRequest:
        return report_inventory(id, env.inventory_request());
      default:
        if (id != 0 && !env.is_reply()) {
          reply(id, op_error("this node does not support that request"));
        } else {
          spdlog::debug("ignoring an unexpected message from the master (kind {})", static_cast<int>(env.body_case()));
        }
    }
  } catch (const std::exception& e) {
    spdlog::error("request {} from the master failed: {}", id, e.what());
    if (id != 0) reply(id, op_error(e.what()));
  }
}

void Session::open_passive(std::uint64_t request_id, const link::OpenPassive& request) {
  const auto ticket_id = request.ticket();
  if (tickets_.contains(ticket_id)) {
    return reply(request_id, op_error("ticket " + std::to_string(ticket_id) + " is already in use on this node"));
  }
  if (request.handoff()) return expect_handoff(request_id, request);
  const auto& cfg = context_->config;
  if (const auto port = request.pooled_port()) {
    auto listener = port <= 65535 && pool_ ? pool_->take(static_cast<std::uint16_t>(port)) : nullptr;
    if (!listener) {
      spdlog::warn("ticket {}: the master chose pooled passive port {}, which has no listener waiting here; the "
                   "transfer will fail",
                   ticket_id, port);
      return reply(request_id, op_error("no pooled passive listener waits on port " + std::to_string(port)));
    }
    return listen_for(request_id, request, std::move(listener), true);
  }
  auto listener = net::PassiveListener::open(link_->executor(), context_->ports, listen_addresses());
  if (!listener) {
    spdlog::warn("no free passive port in {}-{} for ticket {}", cfg.passive_ports.first, cfg.passive_ports.last,
                 ticket_id);
    return reply(request_id, op_error("no free passive port on node " + cfg.name));
  }
  listen_for(request_id, request, std::move(listener), false);
}

std::vector<std::string> Session::listen_addresses() const {
  const auto& cfg = context_->config;
  // No data address configured: listen on every address.
  return {cfg.data_address.empty() ? std::string("0.0.0.0") : cfg.data_address, cfg.public_address};
}

void Session::listen_for(std::uint64_t request_id, const link::OpenPassive& request,
                         std::unique_ptr<net::PassiveListener> listener, bool pooled) {
  const auto ticket_id = request.ticket();
  const auto timeout =
      request.accept_timeout_ms() ? std::chrono::milliseconds(request.accept_timeout_ms()) : data_timeout_;
  auto ticket = std::make_shared<Ticket>(link_->executor(), ticket_id);
  ticket->deadline = Clock::now() + timeout;
  ticket->accepting = true;
  ticket->listener = std::move(listener);
  ticket->pooled = pooled;
  tickets_[ticket_id] = ticket;

  link::Envelope env;
  auto* opened = env.mutable_passive_opened();
  opened->set_ticket(ticket_id);
  opened->set_port(ticket->listener->port());
  link_->reply(request_id, std::move(env));
  spdlog::debug("ticket {}: listening on port {} for {}", ticket_id, ticket->listener->port(),
                request.allowed_ip().empty() ? std::string("anyone") : request.allowed_ip());

  net::spawn(
      link_->executor(),
      [self = shared_from_this(), ticket, allowed_ip = request.allowed_ip(), timeout] {
        return self->accept_for(ticket, allowed_ip, timeout);
      },
      "passive accept for ticket " + std::to_string(ticket_id),
      [self = shared_from_this(), ticket] {
        ticket->abort();
        self->forget(ticket);
      });
}

void Session::expect_handoff(std::uint64_t request_id, const link::OpenPassive& request) {
  const auto ticket_id = request.ticket();
  if (context_->handoff_name.empty()) return reply(request_id, op_error("socket handoff is off on this node"));
  const auto timeout =
      request.accept_timeout_ms() ? std::chrono::milliseconds(request.accept_timeout_ms()) : data_timeout_;
  auto ticket = std::make_shared<Ticket>(link_->executor(), ticket_id);
  ticket->deadline = Clock::now() + timeout;
  ticket->accepting = true;
  ticket->awaits_handoff = true;
  ticket->allowed_ip = request.allowed_ip();
  tickets_[ticket_id] = ticket;

  link::Envelope env;
  env.mutable_passive_opened()->set_ticket(ticket_id);
  link_->reply(request_id, std::move(env));
  spdlog::debug("ticket {}: waiting for a connection handed over by a node of this host", ticket_id);
  // Its deadline is kept by drop_stale_handoffs() in the heartbeat loop,
  // which costs no coroutine per ticket.
}

void Session::drop_stale_handoffs() {
  const auto now = Clock::now();
  for (auto it = tickets_.begin(); it != tickets_.end();) {
    auto& ticket = *it->second;
    if (!ticket.awaits_handoff || !ticket.accepting || ticket.data || now < ticket.deadline) {
      ++it;
      continue;
    }
    spdlog::info("ticket {}: no connection was handed over in time; dropped", ticket.id());
    ticket.abort();
    // A started transfer sees the abort and forgets the ticket itself.
    it = ticket.started ? std::next(it) : tickets_.erase(it);
  }
}

void Session::end_stalled_transfers(std::chrono::steady_clock::time_point now) {
  for (auto& [id, ticket] : tickets_) {
    // Only while the data connection is up: connecting has its own timeouts,
    // and an upload that is being flushed has closed it.
    if (!ticket->started || ticket->stalled || !ticket->data || !ticket->data->is_open()) continue;
    if (!ticket->watch.stalled(ticket->bytes, now, data_timeout_)) continue;
    spdlog::info("ticket {}: no data moved for {:g} s after {} bytes; closing the data connection", id,
                 std::chrono::duration<double>(data_timeout_).count(), ticket->bytes);
    ticket->stall();
  }
}

bool Session::take_handoff(std::uint64_t ticket_id, asio::ip::tcp::socket socket) {
  auto it = tickets_.find(ticket_id);
  if (it == tickets_.end() || !it->second->awaits_handoff || !it->second->accepting || it->second->aborted) {
    spdlog::warn("a connection was handed over for ticket {}, which is not waiting for one; refused", ticket_id);
    return false;
  }
  auto& ticket = *it->second;
  if (!net::comes_from(socket, ticket.allowed_ip)) {
    std::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    spdlog::warn("ticket {}: a connection from {} was handed over, but only {} may connect; refused", ticket_id,
                 ec ? std::string("an unknown address") : remote.address().to_string(), ticket.allowed_ip);
    return false;
  }
  ticket.accept_finished(std::move(socket));
  return true;
}

asio::awaitable<void> Session::accept_for(std::shared_ptr<Ticket> ticket, std::string allowed_ip,
                                          std::chrono::milliseconds timeout) {
  auto socket = co_await ticket->listener->accept(allowed_ip, timeout);
  const bool connected = socket.has_value();
  ticket->accept_finished(std::move(socket));
  // The client may connect before the master sends StartTransfer; the
  // connection is kept for it until the ticket's deadline.
  while (connected && !ticket->started && !ticket->aborted && Clock::now() < ticket->deadline)
    co_await ticket->wait_for_change(ticket->deadline);
  if (ticket->started || ticket->aborted) co_return;

  spdlog::info("ticket {}: {} within {:g} s; dropped", ticket->id(),
               connected ? "the master did not start a transfer" : "no data connection arrived",
               std::chrono::duration<double>(timeout).count());
  ticket->abort();
  forget(ticket);
}

void Session::start_transfer(std::uint64_t request_id, const link::StartTransfer& request) {
  const auto ticket_id = request.ticket();
  auto it = tickets_.find(ticket_id);
  if (it != tickets_.end() && it->second->started) {
    return refuse_start(request_id, ticket_id, op_error("ticket " + std::to_string(ticket_id) + " is already running"));
  }
  std::shared_ptr<Ticket> ticket;
  if (request.active_host().empty()) {
    if (it == tickets_.end()) {
      return refuse_start(request_id, ticket_id,
                          op_error("no passive listener for ticket " + std::to_string(ticket_id) +
                                   " (it timed out or was never opened)"));
    }
    ticket = it->second;
  } else {
    // Active mode replaces a passive listener the ticket may still have.
    if (it != tickets_.end()) {
      it->second->abort();
      tickets_.erase(it);
    }
    ticket = std::make_shared<Ticket>(link_->executor(), ticket_id);
    tickets_[ticket_id] = ticket;
  }

  auto prepared = prepare_transfer(context_->storage, request);
  if (auto* refused = std::get_if<link::OpResult>(&prepared)) {
    spdlog::warn("transfer {} {} refused: {}", ticket_id, transfer_verb(request), refused->error());
    ticket->abort();
    forget(ticket);
    return refuse_start(request_id, ticket_id, std::move(*refused));
  }
  ticket->started = true;
  ticket->notify();
  reply(request_id, op_ok());
  // transfer() answers its own failures; should its bookkeeping throw, the
  // ticket is still released so the node's active transfers stay right.
  net::spawn(
      link_->executor(),
      [self = shared_from_this(), ticket, p = std::get<PreparedTransfer>(std::move(prepared))]() mutable {
        return self->transfer(ticket, std::move(p));
      },
      "transfer " + std::to_string(ticket_id),
      [self = shared_from_this(), ticket] {
        ticket->abort();
        self->forget(ticket);
      });
}

asio::awaitable<void> Session::transfer(std::shared_ptr<Ticket> ticket, PreparedTransfer prepared) {
  const auto verb = transfer_verb(prepared.request);
  const auto started = Clock::now();
  TransferSetting setting{context_->config.data_address, context_->disk.get_executor()};
  setting.sync_uploads = context_->config.sync_uploads;
  setting.io = context_->storage.io_shared();

  link::TransferDone done;
  try {
    done = co_await run_transfer(*ticket, std::move(prepared), std::move(setting));
  } catch (const std::exception& e) {
    // Still exactly one TransferDone, so the master's client gets its reply.
    std::error_code ignored;
    if (ticket->data) ticket->data->close(ignored);
    if (ticket->peer) ticket->peer->close(ignored);
    done.set_ok(false);
    done.set_error(std::string("node error: ") + e.what());
  }
  done.set_ticket(ticket->id());
  done.set_bytes(ticket->bytes);
  if (ticket->aborted) {
    done.set_ok(false);
    done.set_aborted(true);
    done.set_error("transfer aborted");
  } else if (ticket->stalled) {
    done.set_ok(false);
    done.set_stalled(true);
    done.set_error(fmt::format("no data moved on the data connection for {:g} s",
                               std::chrono::duration<double>(data_timeout_).count()));
  }
  // Placement must know before the client hears the failure and sends its
  // next upload, which should go to another node.
  if (done.no_space()) send_disk_status();
  (ticket->sending ? context_->bytes_sent : context_->bytes_received) += ticket->bytes;
  const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();

  // The client waits for the master's 226, which waits for this: it goes
  // before the bookkeeping below.
  link::Envelope env;
  *env.mutable_transfer_done() = std::move(done);
  link_->send(env);
  link_->flush();
  forget(ticket);

  const auto& sent = env.transfer_done();
  const auto who = ticket->client.empty() ? std::string() : (ticket->sending ? " to " : " from ") + ticket->client;
  if (sent.ok()) {
    spdlog::info("transfer {} {}{}: {} bytes in {:.2f} s", ticket->id(), verb, who, ticket->bytes, seconds);
  } else if (sent.aborted()) {
    spdlog::info("transfer {} {}{} aborted after {} bytes", ticket->id(), verb, who, ticket->bytes);
  } else {
    spdlog::warn("transfer {} {}{} failed after {} bytes in {:.2f} s: {}", ticket->id(), verb, who, ticket->bytes,
                 seconds, sent.error());
  }
}

void Session::abort_transfer(std::uint64_t request_id, const link::AbortTransfer& request) {
  auto it = tickets_.find(request.ticket());
  if (it != tickets_.end()) {
    auto ticket = it->second;
    ticket->abort();
    // A running transfer forgets its ticket when it has sent TransferDone.
    if (!ticket->started) forget(ticket);
    spdlog::debug("ticket {}: aborted by the master", request.ticket());
  }
  reply(request_id, op_ok());
}

void Session::file_op(std::uint64_t request_id, const link::FileOp& request) {
  auto run = [self = shared_from_this(), request_id, op = request]() -> asio::awaitable<void> {
    auto apply = [storage = self->context_->storage, op] { return apply_file_op(storage, op); };
    auto result = co_await net::run_on(self->context_->disk.get_executor(), std::move(apply));
    const auto target = op.kind() == link::RENAME ? op.path() + " to " + op.path2() : op.path();
    if (result.ok()) {
      spdlog::debug("{} {}: done", file_op_name(op.kind()), target);
    } else if (result.not_found()) {
      spdlog::info("{}", result.error());
    } else {
      spdlog::warn("{}", result.error());
    }
    self->reply(request_id, std::move(result));
  };
  net::spawn(link_->executor(), std::move(run), "file operation",
             [self = shared_from_this(), request_id](const std::string& why) {
               self->reply(request_id, op_error("node error: " + why));
             });
}

void Session::report_inventory(std::uint64_t request_id, const link::InventoryRequest& request) {
  constexpr std::uint32_t kDefaultChunk = 1000, kMaxChunk = 10000;
  const std::size_t per_chunk = request.max_chunk() == 0 ? kDefaultChunk : std::min(request.max_chunk(), kMaxChunk);
  auto self = shared_from_this();
  auto run = [self, request_id, per_chunk]() -> asio::awaitable<void> {
    const auto started = Clock::now();
    auto walker = std::make_shared<InventoryWalker>(self->context_->storage);
    std::size_t count = 0;
    bool acknowledged = true;
    for (bool last = false; !last && acknowledged;) {
      // The walk runs on the disk thread, one chunk at a time.
      auto step = [walker, per_chunk] {
        auto entries = walker->next(per_chunk);
        return std::make_pair(std::move(entries), walker->done());
      };
      auto chunk = co_await net::run_on(self->context_->disk.get_executor(), std::move(step));
      last = chunk.second;
      link::Envelope env;
      auto* inventory = env.mutable_inventory();
      for (auto& e : chunk.first) *inventory->add_entries() = std::move(e);
      inventory->set_last(last);
      count += chunk.first.size();
      // Back-pressure: the next chunk waits for the master to have taken this one.
      auto ack = co_await self->link_->call(env, std::chrono::seconds(120));
      acknowledged = ack && ack->has_op_result() && ack->op_result().ok();
    }
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (acknowledged) {
      spdlog::info("reported {} stored files to the master in {:.1f} s", count, seconds);
      self->reply(request_id, op_ok());
    } else {
      spdlog::warn("inventory report stopped after {} files: the master did not acknowledge a chunk", count);
      self->reply(request_id, op_error("inventory chunk not acknowledged"));
    }
  };
  net::spawn(link_->executor(), std::move(run), "inventory report",
             [self, request_id](const std::string& why) {
               self->reply(request_id, op_error("inventory failed: node error: " + why));
             });
}

asio::awaitable<void> Session::heartbeats() {
  for (int tick = 1; link_->is_open(); ++tick) {
    heartbeat_timer_.expires_after(std::chrono::seconds(1));
    co_await heartbeat_timer_.async_wait(net::use_tuple);
    if (!link_->is_open()) break;

    link::Envelope env;
    auto* beat = env.mutable_heartbeat();
    std::uint32_t active = 0;
    std::uint64_t sent = context_->bytes_sent;
    std::uint64_t received = context_->bytes_received;
    for (const auto& [id, ticket] : tickets_) {
      if (!ticket->started) continue;
      ++active;
      (ticket->sending ? sent : received) += ticket->bytes;
    }
    drop_stale_handoffs();
    end_stalled_transfers(Clock::now());
    // Listeners the pool could not replace when the port range was short.
    if (pool_ && tick % 10 == 0) announce_pool(pool_->refill());
    beat->set_active_transfers(active);
    beat->set_bytes_sent(sent);
    beat->set_bytes_received(received);
    link_->send(env);
    if (tick % 10 == 0) refresh_disk_status();
  }
}

void Session::refuse_start(std::uint64_t request_id, std::uint64_t ticket_id, link::OpResult why) {
  if (request_id != 0) return reply(request_id, std::move(why));
  link::Envelope env;
  auto* done = env.mutable_transfer_done();
  done->set_ticket(ticket_id);
  done->set_ok(false);
  done->set_refused(true);
  done->set_no_space(why.no_space());
  done->set_error(why.error());
  if (why.no_space()) send_disk_status();
  link_->send(env);
}

void Session::reply(std::uint64_t request_id, link::OpResult result) {
  link::Envelope env;
  *env.mutable_op_result() = std::move(result);
  link_->reply(request_id, std::move(env));
}

void Session::send_disk_status() {
  const auto space = context_->storage.space();
  if (!space) {
    spdlog::warn("cannot read the free space of {}", context_->storage.root().string());
    return;
  }
  link::Envelope env;
  env.mutable_disk_status()->set_free_bytes(space->free_bytes);
  env.mutable_disk_status()->set_total_bytes(space->total_bytes);
  link_->send(env);
}

void Session::refresh_disk_status() {
  if (std::exchange(disk_status_pending_, true)) return;  // the last one still waits for the disk
  auto run = [self = shared_from_this()]() -> asio::awaitable<void> {
    auto read = [storage = self->context_->storage] { return storage.space(); };
    const auto space = co_await net::run_on(self->context_->disk.get_executor(), std::move(read));
    self->disk_status_pending_ = false;
    if (!space) {
      spdlog::warn("cannot read the free space of {}", self->context_->storage.root().string());
      co_return;
    }
    link::Envelope env;
    env.mutable_disk_status()->set_free_bytes(space->free_bytes);
    env.mutable_disk_status()->set_total_bytes(space->total_bytes);
    self->link_->send(env);
  };
  net::spawn(link_->executor(), std::move(run), "disk status report");
}

void Session::forget(const std::shared_ptr<Ticket>& ticket) {
  auto it = tickets_.find(ticket->id());
  if (it != tickets_.end() && it->second == ticket) tickets_.erase(it);
  if (std::exchange(ticket->pooled, false) && pool_ && pool_->low()) announce_pool(pool_->refill());
}

void Session::open_pool() {
  const auto size = context_->config.passive_pool;
  if (size == 0) return;
  pool_.emplace(link_->executor(), context_->ports, listen_addresses(), size);
  const auto ports = pool_->ports();
  if (ports.size() < size)
    spdlog::warn("opened only {} of {} pooled passive listeners: the passive port range {}-{} is short of free ports",
                 ports.size(), size, context_->config.passive_ports.first, context_->config.passive_ports.last);
  else
    spdlog::info("{} passive listeners opened ahead for the master's PASV replies ([data] passive_pool)", size);
  announce_pool(ports);
}

void Session::announce_pool(const std::vector<std::uint16_t>& ports) {
  if (ports.empty()) return;
  link::Envelope env;
  auto* pool = env.mutable_passive_pool();
  for (const auto port : ports) pool->add_ports(port);
  link_->send(env);
}

}  // namespace fleet::node
