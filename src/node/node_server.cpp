#include "node/node_server.hpp"

#include <spdlog/spdlog.h>

#include "cluster/link_connection.hpp"
#include "config/data_timeout.hpp"
#include "net/dial.hpp"
#include "net/socket_handoff.hpp"
#include "net/spawn.hpp"
#include "net/use_tuple.hpp"
#include "node/handshake.hpp"
#include "node/node_context.hpp"
#include "node/session.hpp"

namespace fleet::node {

namespace {

constexpr std::chrono::seconds kDialTimeout{10};

// Dials the master's link address; a host name is resolved first.
asio::awaitable<std::error_code> dial_master(asio::ip::tcp::socket& socket, const config::NodeConfig& cfg) {
  std::error_code ec;
  std::string host = cfg.master_host;
  asio::ip::make_address(host, ec);
  if (ec) {
    asio::ip::tcp::resolver resolver(socket.get_executor());
    auto [resolve_error, results] =
        co_await resolver.async_resolve(host, std::to_string(cfg.master_port), net::use_tuple);
    if (resolve_error) co_return resolve_error;
    if (results.empty()) co_return asio::error::host_not_found;
    host = results.begin()->endpoint().address().to_string();
  }
  co_return co_await net::connect_from(socket, "", host, cfg.master_port, kDialTimeout);
}

std::string seconds_text(std::chrono::milliseconds d) {
  return fmt::format("{:g} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

struct NodeServer::Impl {
  Impl(asio::io_context& io, config::NodeConfig config, std::shared_ptr<DiskIo> disk)
      : context(std::make_shared<NodeContext>(std::move(config), std::move(disk))),
        retry(io),
        executor(io.get_executor()) {}

  // Disk work still running finishes (and posts its result) while the event
  // loop still exists.
  ~Impl() { context->disk.join(); }

  std::shared_ptr<NodeContext> context;
  asio::steady_timer retry;
  asio::any_io_executor executor;
  bool stopping = false;
  asio::ip::tcp::socket* dialing = nullptr;       // while connecting
  std::shared_ptr<cluster::LinkConnection> link;  // while handshaking or serving
  std::weak_ptr<Session> session;                 // while serving: takes handed-over connections
  std::unique_ptr<net::HandoffListener> handoff;

  // Offers same-host handoff when the config allows it and the scope is known.
  void open_handoff() {
    const auto& cfg = context->config;
    if (!cfg.handoff) return;
    const auto scope = net::handoff_scope();
    if (scope.empty()) {
      spdlog::info("socket handoff between nodes of this host is off: /proc does not say which host this is");
      return;
    }
    std::error_code ec;
    handoff = net::HandoffListener::open(executor, net::new_handoff_name(), ec);
    if (!handoff) {
      spdlog::warn("socket handoff between nodes of this host is off: cannot listen for it: {}", ec.message());
      return;
    }
    context->handoff_scope = scope;
    context->handoff_name = handoff->name();
    spdlog::info("node {} takes data connections handed over by nodes of this host at @{}", cfg.name,
                 handoff->name());
    auto receive = [this](std::uint64_t ticket, asio::ip::tcp::socket socket) {
      auto s = session.lock();
      return s && s->take_handoff(ticket, std::move(socket));
    };
    net::spawn_restarting(
        executor, [listener = handoff.get(), receive] { return listener->serve(receive); },
        "socket handoff listener");
  }
};

NodeServer::NodeServer(asio::io_context& io, config::NodeConfig config, std::shared_ptr<DiskIo> disk)
    : impl_(std::make_unique<Impl>(io, std::move(config), std::move(disk))) {}

NodeServer::~NodeServer() = default;

asio::awaitable<void> NodeServer::run() {
  auto& im = *impl_;
  const auto& cfg = im.context->config;
  const auto master = fmt::format("{}:{}", cfg.master_host, cfg.master_port);
  std::error_code ec;
  std::filesystem::create_directories(cfg.root, ec);
  if (ec) spdlog::error("cannot create the storage root {}: {}", cfg.root.string(), ec.message());
  spdlog::info("node {} storing files in {}, data address {}, passive ports {}-{}", cfg.name, cfg.root.string(),
               cfg.data_address, cfg.passive_ports.first, cfg.passive_ports.last);

  im.open_handoff();
  bool was_unreachable = false;
  while (!im.stopping) {
    asio::ip::tcp::socket socket(im.executor);
    im.dialing = &socket;
    ec = co_await dial_master(socket, cfg);
    im.dialing = nullptr;
    if (im.stopping) break;

    if (ec) {
      // Said once per outage; the retries themselves are routine.
      if (!was_unreachable) {
        spdlog::warn("cannot reach the master at {}: {}; retrying every {}", master, ec.message(),
                     seconds_text(cfg.reconnect_delay));
      }
      was_unreachable = true;
    } else {
      was_unreachable = false;
      im.link = std::make_shared<cluster::LinkConnection>(std::move(socket));
      const auto welcome = co_await authenticate_to_master(*im.link, *im.context);
      if (welcome && !im.stopping) {
        const auto& master_name = welcome->master_name();
        const auto data_timeout = welcome->data_timeout_ms() == 0
                                      ? std::chrono::milliseconds(config::kDefaultDataTimeout)
                                      : std::chrono::milliseconds(welcome->data_timeout_ms());
        spdlog::info("connected to master {}{} as {}; transfers without progress for {} end", master,
                     master_name.empty() ? std::string() : " (" + master_name + ")", cfg.name,
                     seconds_text(data_timeout));
        auto session = std::make_shared<Session>(im.context, im.link, data_timeout);
        im.session = session;
        const auto aborted = co_await session->serve();
        if (!im.stopping) {
          spdlog::warn("link to master lost{}, reconnecting in {}",
                       aborted ? fmt::format(" ({} transfers and listeners aborted)", aborted) : std::string(),
                       seconds_text(cfg.reconnect_delay));
        }
      }
      im.link->close();
      im.link.reset();
    }
    if (im.stopping) break;
    im.retry.expires_after(cfg.reconnect_delay);
    co_await im.retry.async_wait(net::use_tuple);
  }
  if (im.handoff) im.handoff->close();
  spdlog::info("node {} stopped", cfg.name);
}

void NodeServer::stop() {
  auto& im = *impl_;
  im.stopping = true;
  im.retry.cancel();
  std::error_code ec;
  if (im.dialing) im.dialing->close(ec);
  if (im.handoff) im.handoff->close();
  if (im.link) im.link->close();
}

}  // namespace fleet::node
