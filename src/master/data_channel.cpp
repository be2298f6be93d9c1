#include "master/data_channel.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "ftp/path.hpp"
#include "ftp/reply_codes.hpp"

namespace fleet::master {

namespace {

bool same_address(const std::string& a, const std::string& b) {
  std::error_code ea, eb;
  auto x = asio::ip::make_address(a, ea);
  auto y = asio::ip::make_address(b, eb);
  if (ea || eb) return false;
  if (x.is_v6() && x.to_v6().is_v4_mapped()) x = asio::ip::make_address_v4(asio::ip::v4_mapped, x.to_v6());
  if (y.is_v6() && y.to_v6().is_v4_mapped()) y = asio::ip::make_address_v4(asio::ip::v4_mapped, y.to_v6());
  return x == y;
}
}  // namespace

bool DataChannel::refuse_if_epsv_all() {
  if (!ctx_.state.epsv_all()) return false;
  ctx_.reply(ftp::kBadSequence, "EPSV ALL is in effect; only EPSV may be used.");
  return true;
}

bool DataChannel::accept_active_target(const ftp::HostPort& hp, const char* verb) {
  // Bounce-attack protection (DESIGN §4): only the client's own address, and
  // never a privileged port.
  if (!same_address(hp.host, ctx_.client.ip)) {
    ctx_.reply(ftp::kSyntaxError, std::string(verb) + " to an address other than yours is not allowed.");
    return false;
  }
  if (hp.port < 1024) {
    ctx_.reply(ftp::kSyntaxError, std::string(verb) + " to a port below 1024 is not allowed.");
    return false;
  }
  return true;
}

asio::awaitable<void> DataChannel::port(const ftp::Command& c) {
  if (refuse_if_epsv_all()) co_return;
  auto hp = ftp::parse_port_arg(c.arg);
  if (!hp) {
    ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax error in PORT: expected h1,h2,h3,h4,p1,p2.");
    co_return;
  }
  if (!accept_active_target(*hp, "PORT")) co_return;
  release();
  data_ = ActiveTarget{*hp};
  ctx_.reply(ftp::kCommandOk, "PORT command successful.");
}

asio::awaitable<void> DataChannel::eprt(const ftp::Command& c) {
  if (refuse_if_epsv_all()) co_return;
  auto hp = ftp::parse_eprt_arg(c.arg);
  if (!hp) {
    // RFC 2428 §2: an unknown protocol family gets 522 with the ones we take.
    const auto& a = c.arg;
    const bool well_formed_family = a.size() >= 3 && a[2] == a[0] && std::isdigit(static_cast<unsigned char>(a[1]));
    if (well_formed_family && a[1] != '1' && a[1] != '2')
      ctx_.reply(ftp::kProtocolNotSupported, "Network protocol not supported, use (1,2)");
    else
      ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax error in EPRT: expected |1|a.b.c.d|port| or |2|ipv6|port|.");
    co_return;
  }
  if (!accept_active_target(*hp, "EPRT")) co_return;
  release();
  data_ = ActiveTarget{*hp};
  ctx_.reply(ftp::kCommandOk, "EPRT command successful.");
}

asio::awaitable<void> DataChannel::pret(const ftp::Command& c) {
  auto inner = ftp::parse_command(c.arg);
  if (!inner) {
    ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax: PRET <command> [<arguments>].");
    co_return;
  }
  auto& store = ctx_.env.store;
  const auto& v = inner->verb;
  if (v == "RETR") {
    auto path = ctx_.state.resolve(inner->arg);
    auto entry = path ? store.lookup(*path) : std::nullopt;
    if (!entry || entry->is_dir) {
      ctx_.reply(ftp::kFileUnavailable, inner->arg + ": No such file.");
      co_return;
    }
  } else if (v == "STOR" || v == "APPE") {
    auto path = ctx_.state.resolve(inner->arg);
    auto parent = path && *path != "/" ? store.lookup(ftp::parent_path(*path)) : std::nullopt;
    auto existing = path ? store.lookup(*path) : std::nullopt;
    if (!parent || !parent->is_dir || (existing && existing->is_dir)) {
      ctx_.reply(ftp::kFileNameNotAllowed, inner->arg + ": cannot create a file there.");
      co_return;
    }
  } else if (v != "STOU" && v != "LIST" && v != "NLST" && v != "MLSD") {
    ctx_.reply(ftp::kNotImplementedForParam, "PRET: " + v + " takes no data connection.");
    co_return;
  }
  ctx_.state.set_pret(*inner);
  ctx_.reply(ftp::kCommandOk, "PRET " + v + " accepted; ready for PASV or EPSV.");
}

std::optional<std::string> DataChannel::predict_node() {
  auto& nodes = *ctx_.nodes;
  const auto& state = ctx_.state;
  if (nodes.online_count() == 0 || state.pret_is_listing()) return std::nullopt;
  // The file the next transfer is (probably) about: named by PRET, or the last
  // one the session asked the size or time of, or the one after the last it
  // retrieved (directories are fetched file by file in listing order).
  const auto& pret = state.pret();
  std::string file = state.predicted_path();
  bool next_in_directory = state.predict_next_in_directory();
  if (pret) {
    file = state.resolve(pret->arg).value_or("");
    next_in_directory = false;
  }
  const bool upload = state.pret_is_upload();
  const bool writes_existing = pret && (pret->verb == "APPE" || (pret->verb == "STOR" && state.rest() > 0));
  if (!file.empty() && (!upload || writes_existing)) {
    std::optional<meta::Entry> entry;
    if (next_in_directory) {
      // At the end of the directory, a client that fetches the same file
      // again is the better guess.
      entry = ctx_.env.store.next_file(file);
      if (entry) file = ftp::join_path(ftp::parent_path(file), entry->name);
    }
    if (!entry) entry = ctx_.env.store.lookup(file);
    if (entry && !entry->is_dir)
      if (auto n = nodes.pick_holder(entry->nodes, file)) return n;
  }
  return nodes.pick_for_upload(upload && !file.empty() ? file : state.cwd());
}

asio::awaitable<std::optional<NodePassive>> DataChannel::open_node_listener(const std::string& node,
                                                                            std::uint64_t ticket,
                                                                            const std::string& allowed_ip,
                                                                            bool hold_open) {
  auto& nodes = *ctx_.nodes;
  if (auto pooled = nodes.take_pooled_port(node)) {
    if (!hold_open) nodes.open_pooled(node, ticket, allowed_ip, ctx_.data_timeout(), *pooled);
    co_return NodePassive{node, ticket, *pooled, hold_open};
  }
  std::string error;
  auto port = co_await nodes.open_passive(node, ticket, allowed_ip, ctx_.data_timeout(), error);
  if (!port) {
    spdlog::warn("node {}: could not open a passive listener: {}", node, error);
    co_return std::nullopt;
  }
  co_return NodePassive{node, ticket, *port, false};
}

void DataChannel::send_held_open(NodePassive& np) {
  if (!np.open_held) return;
  np.open_held = false;
  ctx_.nodes->open_pooled(np.node, np.ticket, ctx_.client.ip, ctx_.data_timeout(), np.port);
}

DataSetup DataChannel::take() {
  if (auto* np = std::get_if<NodePassive>(&data_)) send_held_open(*np);
  return std::exchange(data_, NoData{});
}

void DataChannel::release(DataSetup taken) {
  release();
  data_ = std::move(taken);
  release();
}

void DataChannel::release() {
  if (auto* np = std::get_if<NodePassive>(&data_)) {
    // A held-back pooled listener is opened and aborted at once, so that the
    // node closes it and opens a fresh one.
    send_held_open(*np);
    ctx_.nodes->abort_transfer(np->node, np->ticket);
  } else if (auto* mp = std::get_if<MasterPassive>(&data_)) {
    mp->listener->close();
  }
  data_ = NoData{};
}

asio::awaitable<bool> DataChannel::open_passive(bool for_epsv, DataSetup& out) {
  release();
  const auto& config = ctx_.env.config;
  auto node = predict_node();
  const bool listing = !node.has_value();
  const bool relay = for_epsv && !listing && config.epsv != config::EpsvPolicy::NodePorts &&
                     (config.epsv == config::EpsvPolicy::Relay || ctx_.client.ipv6 || ctx_.state.epsv_all());
  if (for_epsv && !listing && !relay && config.epsv == config::EpsvPolicy::Refuse) {
    // PRET stays: clients (curl) follow a refused EPSV with PASV directly.
    ctx_.reply(ftp::kNotImplemented, "EPSV is not offered for IPv4 here (data goes directly to storage nodes); use PASV.");
    co_return false;
  }
  ctx_.state.clear_pret();
  if (listing || relay) {
    auto listener = net::PassiveListener::open(ctx_.ex, ctx_.env.passive_ports, {ctx_.client.local_ip});
    if (!listener) {
      ctx_.reply(ftp::kCantOpenData, "No free passive port on the master; try again later.");
      co_return false;
    }
    out = MasterPassive{std::move(listener)};
    co_return true;
  }
  const auto ticket = ctx_.nodes->new_ticket();
  auto listener = co_await open_node_listener(*node, ticket, ctx_.client.ip, true);
  if (!listener) {
    ctx_.reply(ftp::kCantOpenData, "Can't open a passive data connection right now; try again.");
    co_return false;
  }
  out = std::move(*listener);
  co_return true;
}

asio::awaitable<void> DataChannel::pasv(const ftp::Command&) {
  if (refuse_if_epsv_all()) co_return;
  DataSetup setup;
  if (!co_await open_passive(false, setup)) co_return;
  ftp::HostPort hp;
  if (auto* np = std::get_if<NodePassive>(&setup)) {
    hp = {ctx_.nodes->data_address(np->node), np->port};
  } else {
    const auto& pub = ctx_.env.config.public_address;
    hp = {pub.empty() ? ctx_.client.local_ip : pub, std::get<MasterPassive>(setup).listener->port()};
  }
  auto text = ftp::format_pasv_address(hp);
  data_ = std::move(setup);
  if (!text) {
    release();
    ctx_.reply(ftp::kCantOpenData, "PASV needs an IPv4 address; use EPSV.");
    co_return;
  }
  ctx_.reply(ftp::kEnteringPassive, "Entering Passive Mode (" + *text + ").");
}

asio::awaitable<void> DataChannel::epsv(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "ALL") {
    ctx_.state.set_epsv_all();
    ctx_.reply(ftp::kCommandOk, "EPSV ALL accepted; only EPSV will be used.");
    co_return;
  }
  const char* family = ctx_.client.ipv6 ? "2" : "1";
  if (!arg.empty() && arg != family) {
    ctx_.reply(ftp::kProtocolNotSupported, std::string("Network protocol not supported, use (") + family + ")");
    co_return;
  }
  DataSetup setup;
  if (!co_await open_passive(true, setup)) co_return;
  std::uint16_t port = 0;
  if (auto* np = std::get_if<NodePassive>(&setup)) port = np->port;
  else port = std::get<MasterPassive>(setup).listener->port();
  data_ = std::move(setup);
  ctx_.reply(ftp::kEnteringExtendedPassive, "Entering Extended Passive Mode " + ftp::format_epsv_port(port));
}

ClientEnd DataChannel::client_end(const DataSetup& setup) const {
  ClientEnd end;
  if (auto* mp = std::get_if<MasterPassive>(&setup)) end.listener = mp->listener;
  if (auto* at = std::get_if<ActiveTarget>(&setup)) end.dial = at->target;
  end.allowed_ip = ctx_.client.ip;
  end.local_ip = ctx_.client.local_ip;
  end.timeout = ctx_.data_timeout();
  end.stall_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.env.config.data_stall_timeout);
  return end;
}

}  // namespace fleet::master
