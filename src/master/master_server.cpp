#include "net/use_tuple.hpp"
#include "master/master_server.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "master/control_channel.hpp"
#include "master/http_status.hpp"
#include "master/link_server.hpp"
#include "master/session.hpp"

namespace fleet::master {

struct MasterServer::Impl {
  Impl(asio::io_context& io, config::MasterConfig cfg)
      : io(io),
        config(std::move(cfg)),
        guard(config.ban_after_failures, std::chrono::seconds(600), config.ban_time),
        hash_pool(2),
        passive_ports(config.passive_ports),
        acceptor(io),
        http(io.get_executor(), [this](const std::string& path) { return http_response(path); }) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  HttpStatus::Response http_response(const std::string& path);

  asio::io_context& io;
  config::MasterConfig config;
  std::unique_ptr<meta::MetaStore> store;
  NodeRegistry nodes;
  MasterStats stats;
  auth::LoginGuard guard;
  asio::thread_pool hash_pool;
  net::PortCursor passive_ports;
  std::unique_ptr<TransferLog> xferlog;
  std::unique_ptr<SessionEnv> env;
  std::unique_ptr<LinkServer> link;
  asio::ip::tcp::acceptor acceptor;
  HttpStatus http;
  bool stopping = false;
};

MasterServer::MasterServer(asio::io_context& io, config::MasterConfig config)
    : impl_(std::make_unique<Impl>(io, std::move(config))) {}

MasterServer::~MasterServer() {
  impl_->hash_pool.join();
}

void MasterServer::start() {
  auto& m = *impl_;
  std::filesystem::create_directories(m.config.state_dir);
  m.store = meta::open_sqlite_store(m.config.database());
  m.xferlog = std::make_unique<TransferLog>(m.config.transfer_log());
  m.env = std::make_unique<SessionEnv>(SessionEnv{m.config, *m.store, m.nodes, m.stats, m.guard, m.hash_pool,
                                                  m.passive_ports, *m.xferlog});
  m.link = std::make_unique<LinkServer>(m.io.get_executor(), m.config, m.nodes, *m.store);
  m.link->listen();

  asio::ip::tcp::endpoint ep(asio::ip::make_address(m.config.listen_address), m.config.listen_port);
  m.acceptor.open(ep.protocol());
  m.acceptor.set_option(asio::socket_base::reuse_address(true));
  std::error_code ec;
  m.acceptor.bind(ep, ec);
  if (ec)
    throw std::runtime_error("cannot listen for FTP on " + m.config.listen_address + ":" +
                             std::to_string(m.config.listen_port) + ": " + ec.message());
  m.acceptor.listen(asio::socket_base::max_listen_connections);
  if (m.config.http_port != 0) {
    m.http.listen(m.config.http_address, m.config.http_port);
    asio::co_spawn(m.io, m.http.run(), asio::detached);
  }
  asio::co_spawn(m.io, m.link->run(), asio::detached);
  asio::co_spawn(m.io, m.accept_loop(), asio::detached);
  spdlog::info("master {} serving FTP on {}:{}, node link on {}:{}, metadata in {}", m.config.name,
               m.config.listen_address, m.config.listen_port, m.config.link_address, m.config.link_port,
               m.config.database().string());
}

void MasterServer::stop() {
  auto& m = *impl_;
  m.stopping = true;
  std::error_code ec;
  m.acceptor.close(ec);
  m.http.stop();
  if (m.link) m.link->stop();
}

asio::awaitable<void> MasterServer::Impl::accept_loop() {
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(net::use_tuple);
    if (ec) {
      if (stopping) break;
      // Out of file descriptors and the like: log, breathe, go on.
      spdlog::error("accepting an FTP connection failed: {}", ec.message());
      asio::steady_timer pause(io, std::chrono::milliseconds(100));
      co_await pause.async_wait(net::use_tuple);
      continue;
    }
    asio::co_spawn(io, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> MasterServer::Impl::serve(asio::ip::tcp::socket socket) {
  std::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  auto local = socket.local_endpoint(ec);
  if (ec) co_return;
  ClientInfo client;
  auto addr = remote.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  client.ip = addr.to_string();
  client.ipv6 = addr.is_v6();
  client.local_ip = local.address().to_string();
  auto channel = std::make_shared<ControlChannel>(std::move(socket), config.max_line, stats.control_bytes_out);
  auto session = std::make_shared<Session>(io.get_executor(), *env, channel, client);
  asio::co_spawn(io,
                 channel->read_loop(ControlInput{
                     [session](std::string line, bool overlong) { session->push_line(std::move(line), overlong); },
                     [session] { session->push_closed(); }}),
                 asio::detached);
  co_await session->run();
}

HttpStatus::Response MasterServer::Impl::http_response(const std::string& path) {
  if (path == "/health") {
    const auto n = nodes.online_count();
    return {n > 0 ? 200 : 503, std::string(n > 0 ? "ok" : "no storage node online") + "\nnodes_online " +
                                   std::to_string(n) + "\n"};
  }
  if (path == "/metrics") {
    std::string b;
    auto metric = [&b](const char* name, const char* type, const char* help, std::uint64_t v) {
      b += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
    };
    metric("fleetftp_sessions_active", "gauge", "FTP control sessions open now.", stats.sessions_active);
    metric("fleetftp_sessions_total", "counter", "FTP control sessions accepted.", stats.sessions_total);
    metric("fleetftp_logins_ok_total", "counter", "Successful logins.", stats.logins_ok);
    metric("fleetftp_logins_failed_total", "counter", "Failed logins.", stats.logins_failed);
    metric("fleetftp_transfers_started_total", "counter", "Data transfers started.", stats.transfers_started);
    metric("fleetftp_transfers_failed_total", "counter", "Data transfers that failed.", stats.transfers_failed);
    metric("fleetftp_master_data_bytes_total", "counter", "Bytes the master wrote on data connections.",
           stats.data_bytes_out);
    metric("fleetftp_nodes_online", "gauge", "Storage nodes connected.", nodes.online_count());
    return {200, b};
  }
  return {404, "not found\n"};
}

}  // namespace fleet::master
