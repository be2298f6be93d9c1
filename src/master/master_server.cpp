#include "net/use_tuple.hpp"
#include "master/master_server.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>
#include <list>

#include "auth/password.hpp"
#include "cluster/link_auth.hpp"
#include "ftp/path.hpp"
#include "ftp/reply.hpp"
#include "master/address_limits.hpp"
#include "master/anonymous_policy.hpp"
#include "master/anonymous_root.hpp"
#include "master/cluster_report.hpp"
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
        // Made once here, so that every failed login pays one argon2id check
        // whether or not its user exists.
        credentials(config.login_cache, auth::CredentialCache::kDefaultCapacity,
                    auth::hash_password(auth::random_password())),
        channel_limits{config.max_line, config.control.max_unsent_output, config.control.output_timeout,
                       config.control.line_timeout},
        address_limits({.sessions_per_address = config.control.max_sessions_per_address,
                        .connections_per_second = config.control.connections_per_second_per_address}),
        hash_pool(2),
        passive_ports(config.passive_ports),

        http(io.get_executor(), [this](const HttpStatus::Request& r) { return http_response(r); }) {}

  void listen_ftp(const std::string& address);
  asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor);
  // Starts a session's two coroutines (reader and protocol); a plain function,
  // so no third coroutine frame stays alive per session.
  void serve(asio::ip::tcp::socket socket);
  // Whether a new connection from `key` may become a session; if not, it is
  // answered 421 and closed here, before a Session exists.
  bool admit(asio::ip::tcp::socket& socket, const AddressLimits::Key& key);
  void refuse(asio::ip::tcp::socket& socket, std::string_view why);
  HttpStatus::Response http_response(const HttpStatus::Request& request);
  HttpStatus::Response admin_response(const HttpStatus::Request& request);
  asio::awaitable<void> periodic_scrub();

  asio::io_context& io;
  config::MasterConfig config;
  std::unique_ptr<meta::MetaStore> store;
  NodeRegistry nodes;
  MasterStats stats;
  auth::LoginGuard guard;
  auth::CredentialCache credentials;
  ControlChannelLimits channel_limits;  // every ControlChannel refers to it
  AddressLimits address_limits;
  std::uint64_t refused_full = 0;       // connections refused at max_sessions in the current burst
  asio::thread_pool hash_pool;
  net::PortCursor passive_ports;
  std::unique_ptr<TransferLog> xferlog;
  std::unique_ptr<TransferRecorder> transfers;  // after xferlog and store: flushes into them when destroyed
  std::unique_ptr<Replicator> replicator;
  std::unique_ptr<ClusterJobs> jobs;
  std::unique_ptr<SessionEnv> env;
  std::unique_ptr<LinkServer> link;
  std::list<asio::ip::tcp::acceptor> acceptors;  // stable addresses for the accept loops
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
  if (m.config.anonymous.enabled) {
    const auto& anon = m.config.anonymous;
    if (ensure_anonymous_root(*m.store, anon.root, std::time(nullptr)))
      spdlog::info("created the anonymous root directory {}", anon.root);
    spdlog::info("anonymous logins enabled: root {}, {}{}", anon.root,
                 anonymous_rights_text(anon.upload, anon.other_write),
                 anon.max_sessions ? fmt::format(", at most {} at once", anon.max_sessions) : std::string());
  }
  m.xferlog = std::make_unique<TransferLog>(m.config.transfer_log());
  m.transfers = std::make_unique<TransferRecorder>(m.io.get_executor(), *m.store, *m.xferlog);
  m.nodes.set_policy(&m.config.cluster.placement);
  m.replicator = std::make_unique<Replicator>(m.io.get_executor(), m.nodes, *m.store, m.config.cluster);
  m.jobs = std::make_unique<ClusterJobs>(m.io.get_executor(), m.nodes, *m.store, *m.replicator);
  m.env = std::make_unique<SessionEnv>(SessionEnv{m.config, *m.store, m.nodes, m.stats, m.guard, m.credentials, m.hash_pool,
                                                  m.passive_ports, *m.transfers, *m.replicator, *m.jobs});
  m.link = std::make_unique<LinkServer>(m.io.get_executor(), m.config, m.nodes, *m.store, *m.replicator);
  m.link->listen();

  m.listen_ftp(m.config.listen_address);
  for (const auto& address : m.config.also_listen) m.listen_ftp(address);
  if (m.config.http_port != 0) {
    m.http.listen(m.config.http_address, m.config.http_port);
    asio::co_spawn(m.io, m.http.run(), asio::detached);
  }
  asio::co_spawn(m.io, m.link->run(), asio::detached);
  m.replicator->start();
  if (m.config.cluster.scrub_interval.count() > 0) asio::co_spawn(m.io, m.periodic_scrub(), asio::detached);
  for (auto& acceptor : m.acceptors) asio::co_spawn(m.io, m.accept_loop(acceptor), asio::detached);
  spdlog::info("master {} serving FTP on {}:{}, node link on {}:{}, metadata in {}", m.config.name,
               m.config.listen_address, m.config.listen_port, m.config.link_address, m.config.link_port,
               m.config.database().string());
}

void MasterServer::stop() {
  auto& m = *impl_;
  m.stopping = true;
  std::error_code ec;
  for (auto& acceptor : m.acceptors) acceptor.close(ec);
  m.http.stop();
  if (m.link) m.link->stop();
  if (m.replicator) m.replicator->stop();
  if (m.transfers) m.transfers->flush();
}

void MasterServer::Impl::listen_ftp(const std::string& address) {
  std::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) throw std::runtime_error("[ftp] listen address \"" + address + "\" is not an IP address");
  asio::ip::tcp::endpoint ep(ip, config.listen_port);
  auto& acceptor = acceptors.emplace_back(io);
  acceptor.open(ep.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  if (ip.is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
  acceptor.bind(ep, ec);
  if (ec)
    throw std::runtime_error("cannot listen for FTP on " + address + " port " + std::to_string(config.listen_port) +
                             ": " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections);
}

asio::awaitable<void> MasterServer::Impl::accept_loop(asio::ip::tcp::acceptor& acceptor) {
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
    serve(std::move(socket));
  }
}

void MasterServer::Impl::serve(asio::ip::tcp::socket socket) {
  // A client that reset the connection before it was accepted has no
  // address any more: there is nobody to serve (and nothing to count).
  std::error_code remote_ec, local_ec;
  auto remote = socket.remote_endpoint(remote_ec);
  auto local = socket.local_endpoint(local_ec);
  if (remote_ec || local_ec) return;
  ClientInfo client;
  auto addr = remote.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  client.ip = addr.to_string();
  client.ipv6 = addr.is_v6();
  client.local_ip = local.address().to_string();
  const auto key = AddressLimits::key_for(addr);
  if (!admit(socket, key)) return;
  auto channel = std::make_shared<ControlChannel>(std::move(socket), channel_limits, stats.control_bytes_out);
  auto session = std::make_shared<Session>(io.get_executor(), *env, channel, client);
  asio::co_spawn(io, channel->read_loop(session), asio::detached);
  // The function object (holding the session) lives as long as the coroutine;
  // its end, however it comes, gives the address its slot back.
  asio::co_spawn(io, [session] { return session->run(); }, [this, key](std::exception_ptr failure) {
    address_limits.release(key, AddressLimits::Clock::now());
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        spdlog::error("an FTP session ended with an error: {}", e.what());
      } catch (...) {
        spdlog::error("an FTP session ended with an unknown error");
      }
    }
  });
}

bool MasterServer::Impl::admit(asio::ip::tcp::socket& socket, const AddressLimits::Key& key) {
  // The global cap is checked here too (Session::run checks it as well), so
  // that a master that is full refuses at the cost of a reply and a close.
  if (stats.sessions_active >= config.max_sessions) {
    if (refused_full++ == 0)
      spdlog::warn("{} sessions open ([ftp] max_sessions): refusing new connections, first from {}",
                   stats.sessions_active, AddressLimits::describe(key));
    refuse(socket, "Too many connections; try again later.");
    return false;
  }
  if (refused_full > 0) {
    spdlog::info("accepting connections again after refusing {} at [ftp] max_sessions", refused_full);
    refused_full = 0;
  }
  const auto decision = address_limits.admit(key, AddressLimits::Clock::now());
  const auto who = [&key] { return AddressLimits::describe(key); };
  switch (decision.verdict) {
    case AddressLimits::Verdict::Admitted:
      if (decision.refused_in_burst > 0)
        spdlog::info("accepting connections from {} again after refusing {}", who(), decision.refused_in_burst);
      return true;
    case AddressLimits::Verdict::TooManySessions:
      if (decision.first_refusal)
        spdlog::warn("refusing connections from {}: {} sessions open ([ftp] max_sessions_per_address)", who(),
                     config.control.max_sessions_per_address);
      refuse(socket, "Too many connections from your address (at most " +
                         std::to_string(config.control.max_sessions_per_address) + "); try again later.");
      return false;
    case AddressLimits::Verdict::TooFast:
      if (decision.first_refusal)
        spdlog::warn("refusing connections from {}: more than {} new connections per second "
                     "([ftp] connections_per_second_per_address)",
                     who(), config.control.connections_per_second_per_address);
      refuse(socket, "Too many new connections from your address (at most " +
                         std::to_string(config.control.connections_per_second_per_address) +
                         " per second); try again later.");
      return false;
  }
  return false;
}

void MasterServer::Impl::refuse(asio::ip::tcp::socket& socket, std::string_view why) {
  // One attempt at the reply: a fresh socket's send buffer is empty, and a
  // refused client is owed no more than that.
  std::error_code ec;
  socket.non_blocking(true, ec);
  const std::string reply = ftp::format_reply(421, why);
  socket.write_some(asio::buffer(reply), ec);
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

HttpStatus::Response MasterServer::Impl::http_response(const HttpStatus::Request& request) {
  const auto& path = request.path;
  if (path.rfind("/admin/", 0) == 0) return admin_response(request);
  if (path == "/health") {
    const auto all = nodes.online();
    const auto serving = std::count_if(all.begin(), all.end(), [](const NodeInfo* n) { return n->serves(); });
    return {serving > 0 ? 200 : 503, std::string(serving > 0 ? "ok" : "no storage node serving") +
                                         "\nnodes_online " + std::to_string(serving) + "\nnodes_connected " +
                                         std::to_string(all.size()) + "\n"};
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
    metric("fleetftp_anonymous_sessions", "gauge", "Anonymous sessions logged in now.", stats.anonymous_active);
    metric("fleetftp_transfers_started_total", "counter", "Data transfers started.", stats.transfers_started);
    metric("fleetftp_transfers_failed_total", "counter", "Data transfers that failed.", stats.transfers_failed);
    metric("fleetftp_master_data_bytes_total", "counter", "Bytes the master wrote on data connections.",
           stats.data_bytes_out);
    metric("fleetftp_nodes_online", "gauge", "Storage nodes connected.", nodes.online_count());
    return {200, b};
  }
  return {404, "not found\n"};
}

// The operator's endpoints behind `fleetftp nodes|rebalance|scrub`; the
// caller proves it may act by presenting the cluster's link key.
HttpStatus::Response MasterServer::Impl::admin_response(const HttpStatus::Request& r) {
  if (!cluster::proofs_equal(r.bearer, config.link_key)) return {401, "the admin API needs the link key\n"};
  auto arg = [&r](const char* key) {
    auto it = r.query.find(key);
    return it == r.query.end() ? std::string() : it->second;
  };
  auto started = [](const std::string& why, const std::string& what) -> HttpStatus::Response {
    return why.empty() ? HttpStatus::Response{200, what + " started\n"} : HttpStatus::Response{409, why + "\n"};
  };
  if (r.path == "/admin/nodes") return {200, nodes_report(nodes, *store, nullptr)};
  if (r.path == "/admin/jobs") {
    std::string body;
    for (const auto& [kind, job] : jobs->jobs())
      body += kind + " " + (job.running ? "running" : job.failed ? "failed" : "done") + " " + job.describe() + "\n";
    return {200, body};
  }
  if (r.path == "/admin/drain") return started(jobs->drain(arg("node")), "drain " + arg("node"));
  if (r.path == "/admin/rebalance") return started(jobs->rebalance(), "rebalance");
  if (r.path == "/admin/scrub") return started(jobs->scrub(), "scrub");
  if (r.path == "/admin/select") {
    const auto direction = arg("direction") == "down" ? cluster::Direction::Download : cluster::Direction::Upload;
    auto path = ftp::resolve_path("/", arg("path"));
    if (!path) return {400, "select needs a valid path\n"};
    std::vector<std::string> holders;
    if (direction == cluster::Direction::Download) {
      auto entry = store->lookup(*path);
      if (!entry || entry->is_dir) return {404, *path + ": no such file\n"};
      holders = entry->nodes;
    }
    auto ranking = nodes.rank(direction, *path, holders);
    if (direction == cluster::Direction::Download && holders.empty()) ranking.clear();
    return {200, cluster::explain(ranking, direction, *path) + "\n"};
  }
  return {404, "unknown admin request\n"};
}

asio::awaitable<void> MasterServer::Impl::periodic_scrub() {
  asio::steady_timer timer(io);
  while (!stopping) {
    timer.expires_after(config.cluster.scrub_interval);
    co_await timer.async_wait(net::use_tuple);
    if (stopping) break;
    if (auto why = jobs->scrub(); !why.empty()) spdlog::info("periodic scrub skipped: {}", why);
  }
}

}  // namespace fleet::master
