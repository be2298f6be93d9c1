// Session: the data path (DESIGN §2, "How a data transfer finds its node").
//
// PORT/EPRT remember where the client listens; the node chosen for the
// command then dials it. PASV/EPSV open a listener at once, on the node
// predicted for what comes next (PRET says it outright; otherwise the last
// file named by SIZE/MDTM/MLST, or any node for an upload), or on the master
// for listings. When the command arrives and the listening node is the wrong
// one, the connection is handed to the right node when both share a host
// (HANDOFF_TO_PEER), else the bytes go node-to-node (RELAY_FROM_PEER /
// RELAY_TO_PEER) — never through the master. Only the EPSV relay policy puts
// the master on the path.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "ftp/path.hpp"
#include "master/listing_builder.hpp"
#include "master/node_calls.hpp"
#include "master/session.hpp"

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

// Nodes dial from an IPv4 data address; an IPv6 client's EPRT goes through the master.
bool node_can_dial(const ftp::HostPort& target) {
  std::error_code ec;
  return asio::ip::make_address(target.host, ec).is_v4() && !ec;
}

bool holds(const meta::Entry& e, const std::string& node) {
  return std::find(e.nodes.begin(), e.nodes.end(), node) != e.nodes.end();
}

// LIST/NLST take ls-style options before the path ("LIST -la dir"); they
// change nothing here, so they are skipped.
std::string strip_list_options(std::string arg) {
  while (!arg.empty() && arg[0] == '-') {
    const auto space = arg.find(' ');
    arg = space == std::string::npos ? "" : arg.substr(space + 1);
  }
  return arg;
}
}  // namespace

// ---------------------------------------------------------------- setup

bool Session::offline(const meta::Entry& e) {
  return std::none_of(e.nodes.begin(), e.nodes.end(), [this](const auto& n) { return env_.nodes.find_serving(n); });
}

void Session::release_data_setup() {
  if (auto* np = std::get_if<NodePassive>(&data_)) {
    // A held-back pooled listener is opened and aborted at once, so that the
    // node closes it and opens a fresh one.
    send_held_open(*np);
    if (auto* info = env_.nodes.find(np->node)) {
      link::Envelope env;
      env.mutable_abort_transfer()->set_ticket(np->ticket);
      info->link->send(env);
    }
  } else if (auto* mp = std::get_if<MasterPassive>(&data_)) {
    mp->listener->close();
  }
  data_ = NoData{};
}

bool Session::accept_active_target(const ftp::HostPort& hp, const char* verb) {
  // Bounce-attack protection (DESIGN §4): only the client's own address, and
  // never a privileged port.
  if (!same_address(hp.host, client_.ip)) {
    reply(ftp::kSyntaxError, std::string(verb) + " to an address other than yours is not allowed.");
    return false;
  }
  if (hp.port < 1024) {
    reply(ftp::kSyntaxError, std::string(verb) + " to a port below 1024 is not allowed.");
    return false;
  }
  return true;
}

asio::awaitable<void> Session::cmd_port(const ftp::Command& c) {
  if (state_.epsv_all()) {
    reply(ftp::kBadSequence, "EPSV ALL is in effect; only EPSV may be used.");
    co_return;
  }
  auto hp = ftp::parse_port_arg(c.arg);
  if (!hp) {
    reply(ftp::kSyntaxErrorInArgs, "Syntax error in PORT: expected h1,h2,h3,h4,p1,p2.");
    co_return;
  }
  if (!accept_active_target(*hp, "PORT")) co_return;
  release_data_setup();
  data_ = ActiveTarget{*hp};
  reply(ftp::kCommandOk, "PORT command successful.");
}

asio::awaitable<void> Session::cmd_eprt(const ftp::Command& c) {
  if (state_.epsv_all()) {
    reply(ftp::kBadSequence, "EPSV ALL is in effect; only EPSV may be used.");
    co_return;
  }
  auto hp = ftp::parse_eprt_arg(c.arg);
  if (!hp) {
    // RFC 2428 §2: an unknown protocol family gets 522 with the ones we take.
    const auto& a = c.arg;
    const bool well_formed_family = a.size() >= 3 && a[2] == a[0] && std::isdigit(static_cast<unsigned char>(a[1]));
    if (well_formed_family && a[1] != '1' && a[1] != '2') reply(ftp::kProtocolNotSupported, "Network protocol not supported, use (1,2)");
    else reply(ftp::kSyntaxErrorInArgs, "Syntax error in EPRT: expected |1|a.b.c.d|port| or |2|ipv6|port|.");
    co_return;
  }
  if (!accept_active_target(*hp, "EPRT")) co_return;
  release_data_setup();
  data_ = ActiveTarget{*hp};
  reply(ftp::kCommandOk, "EPRT command successful.");
}

asio::awaitable<void> Session::cmd_pret(const ftp::Command& c) {
  auto inner = ftp::parse_command(c.arg);
  if (!inner) {
    reply(ftp::kSyntaxErrorInArgs, "Syntax: PRET <command> [<arguments>].");
    co_return;
  }
  const auto& v = inner->verb;
  if (v == "RETR") {
    auto path = resolve(inner->arg);
    auto entry = path ? env_.store.lookup(*path) : std::nullopt;
    if (!entry || entry->is_dir) {
      reply(ftp::kFileUnavailable, inner->arg + ": No such file.");
      co_return;
    }
  } else if (v == "STOR" || v == "APPE") {
    auto path = resolve(inner->arg);
    auto parent = path && *path != "/" ? env_.store.lookup(ftp::parent_path(*path)) : std::nullopt;
    auto existing = path ? env_.store.lookup(*path) : std::nullopt;
    if (!parent || !parent->is_dir || (existing && existing->is_dir)) {
      reply(ftp::kFileNameNotAllowed, inner->arg + ": cannot create a file there.");
      co_return;
    }
  } else if (v != "STOU" && v != "LIST" && v != "NLST" && v != "MLSD") {
    reply(ftp::kNotImplementedForParam, "PRET: " + v + " takes no data connection.");
    co_return;
  }
  state_.set_pret(*inner);
  reply(ftp::kCommandOk, "PRET " + v + " accepted; ready for PASV or EPSV.");
}

std::optional<std::string> Session::predict_node() {
  if (env_.nodes.online_count() == 0 || state_.pret_is_listing()) return std::nullopt;
  // The file the next transfer is (probably) about: named by PRET, or the last
  // one the session asked the size or time of, or the one after the last it
  // retrieved (directories are fetched file by file in listing order).
  const auto& pret = state_.pret();
  std::string file = state_.predicted_path();
  bool next_in_directory = state_.predict_next_in_directory();
  if (pret) {
    file = resolve(pret->arg).value_or("");
    next_in_directory = false;
  }
  const bool upload = state_.pret_is_upload();
  const bool writes_existing = pret && (pret->verb == "APPE" || (pret->verb == "STOR" && state_.rest() > 0));
  if (!file.empty() && (!upload || writes_existing)) {
    std::optional<meta::Entry> entry;
    if (next_in_directory) {
      // At the end of the directory, a client that fetches the same file
      // again is the better guess.
      entry = env_.store.next_file(file);
      if (entry) file = ftp::join_path(ftp::parent_path(file), entry->name);
    }
    if (!entry) entry = env_.store.lookup(file);
    if (entry && !entry->is_dir)
      if (auto* n = env_.nodes.pick_holder(entry->nodes, file)) return n->name;
  }
  if (auto* n = env_.nodes.pick_for_upload(upload && !file.empty() ? file : state_.cwd())) return n->name;
  return std::nullopt;
}

std::shared_ptr<net::PassiveListener> Session::open_master_listener() {
  return net::PassiveListener::open(wake_.get_executor(), env_.passive_ports, {client_.local_ip});
}

asio::awaitable<std::optional<Session::NodePassive>> Session::open_node_listener(const std::string& node,
                                                                                std::uint64_t ticket,
                                                                                const std::string& allowed_ip,
                                                                                bool hold_open) {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(env_.config.data_timeout);
  auto* info = env_.nodes.find(node);
  if (auto pooled = info ? info->pooled_ports.take() : std::nullopt) {
    if (!hold_open) info->link->send(pooled_open(ticket, allowed_ip, timeout, *pooled));
    co_return NodePassive{node, ticket, *pooled, hold_open};
  }
  std::string error;
  auto port = co_await node_open_passive(env_.nodes, node, ticket, allowed_ip, timeout, error);
  if (!port) {
    spdlog::warn("node {}: could not open a passive listener: {}", node, error);
    co_return std::nullopt;
  }
  co_return NodePassive{node, ticket, *port, false};
}

void Session::send_held_open(NodePassive& np) {
  if (!np.open_held) return;
  np.open_held = false;
  // Sent even if the node reconnected meanwhile: the new link has no such
  // listener, and the node refuses the transfer, which the client hears.
  if (auto* info = env_.nodes.find(np.node))
    info->link->send(pooled_open(np.ticket, client_.ip,
                                 std::chrono::duration_cast<std::chrono::milliseconds>(env_.config.data_timeout),
                                 np.port));
}

Session::DataSetup Session::take_data_setup() {
  if (auto* np = std::get_if<NodePassive>(&data_)) send_held_open(*np);
  return std::exchange(data_, NoData{});
}

asio::awaitable<bool> Session::open_passive(bool for_epsv, DataSetup& out) {
  release_data_setup();
  auto node = predict_node();
  const bool listing = !node.has_value();
  const bool relay =
      for_epsv && !listing && env_.config.epsv != config::EpsvPolicy::NodePorts &&
      (env_.config.epsv == config::EpsvPolicy::Relay || client_.ipv6 || state_.epsv_all());
  if (for_epsv && !listing && !relay && env_.config.epsv == config::EpsvPolicy::Refuse) {
    // PRET stays: clients (curl) follow a refused EPSV with PASV directly.
    reply(ftp::kNotImplemented, "EPSV is not offered for IPv4 here (data goes directly to storage nodes); use PASV.");
    co_return false;
  }
  state_.clear_pret();
  if (listing || relay) {
    auto listener = open_master_listener();
    if (!listener) {
      reply(ftp::kCantOpenData, "No free passive port on the master; try again later.");
      co_return false;
    }
    out = MasterPassive{std::move(listener)};
    co_return true;
  }
  const auto ticket = env_.nodes.new_ticket();
  auto listener = co_await open_node_listener(*node, ticket, client_.ip, true);
  if (!listener) {
    reply(ftp::kCantOpenData, "Can't open a passive data connection right now; try again.");
    co_return false;
  }
  out = std::move(*listener);
  co_return true;
}

asio::awaitable<void> Session::cmd_pasv(const ftp::Command&) {
  if (state_.epsv_all()) {
    reply(ftp::kBadSequence, "EPSV ALL is in effect; only EPSV may be used.");
    co_return;
  }
  DataSetup setup;
  if (!co_await open_passive(false, setup)) co_return;
  ftp::HostPort hp;
  if (auto* np = std::get_if<NodePassive>(&setup)) {
    auto* info = env_.nodes.find(np->node);
    hp = {info ? info->data_address : std::string(), np->port};
  } else {
    auto& mp = std::get<MasterPassive>(setup);
    hp = {env_.config.public_address.empty() ? client_.local_ip : env_.config.public_address, mp.listener->port()};
  }
  auto text = ftp::format_pasv_address(hp);
  if (!text) {
    data_ = std::move(setup);
    release_data_setup();
    reply(ftp::kCantOpenData, "PASV needs an IPv4 address; use EPSV.");
    co_return;
  }
  data_ = std::move(setup);
  reply(ftp::kEnteringPassive, "Entering Passive Mode (" + *text + ").");
}

asio::awaitable<void> Session::cmd_epsv(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "ALL") {
    state_.set_epsv_all();
    reply(ftp::kCommandOk, "EPSV ALL accepted; only EPSV will be used.");
    co_return;
  }
  if (!arg.empty() && arg != (client_.ipv6 ? "2" : "1")) {
    reply(ftp::kProtocolNotSupported, std::string("Network protocol not supported, use (") + (client_.ipv6 ? "2" : "1") + ")");
    co_return;
  }
  DataSetup setup;
  if (!co_await open_passive(true, setup)) co_return;
  std::uint16_t port = 0;
  if (auto* np = std::get_if<NodePassive>(&setup)) port = np->port;
  else port = std::get<MasterPassive>(setup).listener->port();
  data_ = std::move(setup);
  reply(ftp::kEnteringExtendedPassive, "Entering Extended Passive Mode " + ftp::format_epsv_port(port));
}

// ---------------------------------------------------------------- transfers

void Session::watch_ticket(const std::string& node, std::uint64_t ticket) {
  transfer_->tickets.emplace_back(node, ticket);
  ++transfer_->pending;
  env_.nodes.watch(ticket, node, [weak = weak_from_this(), ticket](TransferOutcome o) {
    if (auto self = weak.lock()) self->on_done(ticket, std::move(o));
  });
}

std::optional<std::string> Session::start_on_node(const std::string& node, link::StartTransfer start,
                                                  bool client_facing, bool stores_file) {
  auto* info = env_.nodes.find(node);
  if (!info) return "node " + node + " is offline";
  const auto ticket = start.ticket();
  if (client_facing) transfer_->client_ticket = ticket;
  if (stores_file) {
    transfer_->store_ticket = ticket;
    transfer_->node = node;
  }
  watch_ticket(node, ticket);
  link::Envelope env;
  *env.mutable_start_transfer() = std::move(start);
  info->link->send(env);
  // Before the 150 goes to the client: the node's work is what the client
  // waits for.
  info->link->flush();
  return std::nullopt;
}

void Session::on_done(std::uint64_t ticket, TransferOutcome o) {
  if (!transfer_ || transfer_->pending == 0) return;
  auto& t = *transfer_;
  if (std::none_of(t.tickets.begin(), t.tickets.end(), [&](const auto& p) { return p.second == ticket; })) return;
  if (ticket == t.store_ticket && o.ok) {
    t.outcome.file_size = o.file_size;
    t.outcome.crc32 = o.crc32;
    t.outcome.mtime = o.mtime;
    t.have_store_outcome = true;
  }
  if (ticket == t.client_ticket) t.outcome.bytes = o.bytes;
  if (!o.ok) {
    const bool first_failure = t.outcome.error.empty();
    t.outcome.ok = false;
    t.outcome.aborted |= o.aborted;
    t.outcome.connect_failed |= o.connect_failed;
    t.outcome.refused |= o.refused;
    if (first_failure) t.outcome.error = o.error.empty() ? "transfer failed" : o.error;
    // One side of a node-to-node transfer failed: stop the other side too.
    if (first_failure && t.pending > 1 && !t.abort_requested) abort_transfer();
  }
  --t.pending;
  wake();
}

void Session::abort_transfer() {
  if (!transfer_) return;
  transfer_->abort_requested = true;
  for (const auto& [node, ticket] : transfer_->tickets) {
    if (node.empty()) continue;
    if (auto* info = env_.nodes.find(node)) {
      link::Envelope env;
      env.mutable_abort_transfer()->set_ticket(ticket);
      info->link->send(env);
    }
  }
  if (transfer_->local) transfer_->local->abort();
}

void Session::record(const Transfer& t, bool complete) {
  if (t.op == Op::List || t.op == Op::Nlst || t.op == Op::Mlsd) return;
  meta::TransferRecord r;
  r.time = std::time(nullptr);
  r.user = state_.user();
  r.client_ip = client_.ip;
  r.path = t.path;
  r.direction = t.op == Op::Retr ? 'o' : 'i';
  r.bytes = t.outcome.bytes;
  r.crc32 = t.outcome.crc32;
  r.complete = complete;
  r.node = t.node;
  r.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t.started).count();
  env_.transfers.add(std::move(r), state_.ascii());
}

asio::awaitable<void> Session::finish_transfer() {
  Transfer t = std::move(*transfer_);
  transfer_.reset();
  auto& o = t.outcome;
  const bool stores = t.op == Op::Stor || t.op == Op::Appe || t.op == Op::Stou;
  if (o.ok && stores && !t.have_store_outcome) {
    o.ok = false;
    o.error = "the storage node did not confirm the file";
  }
  if (o.ok && stores) {
    auto before = env_.store.lookup(t.path);
    const auto st = env_.store.put_file(t.path, o.file_size, o.mtime, state_.user(), o.crc32, t.node);
    if (st != meta::Status::Ok) {
      o.ok = false;
      o.error = "the file was stored but its directory is gone";
    } else {
      const int wanted = env_.replicator.wanted(t.path);
      if (wanted > 1) {
        env_.store.set_replicas(t.path, wanted);
        env_.replicator.request(t.path);
      }
    }
    if (o.ok && before) {
      // The new content lives on t.node only; older copies elsewhere are
      // stale and go before the client hears 226 (or are queued for nodes
      // that are away).
      std::vector<std::string> stale, done, offline;
      for (const auto& n : before->nodes)
        if (n != t.node) stale.push_back(n);
      if (auto failure = co_await run_on_nodes(stale, make_file_op(link::DELETE, t.path), done, offline))
        spdlog::warn("node {} keeps a stale copy of {}: {}", failure->node, t.path, failure->error);
      queue_for(offline, meta::NodeOp::Kind::Delete, t.path, "");
    }
  }
  if (!o.ok && stores && (t.op == Op::Appe || t.offset > 0) && !t.node.empty()) {
    // An append or resumed upload changed the file in place: what arrived
    // stays, so the VFS takes the size and checksum now on the node's disk.
    asio::co_spawn(
        wake_.get_executor(),
        [self = shared_from_this(), node = t.node, path = t.path]() -> asio::awaitable<void> {
          auto r = co_await node_file_op(self->env_.nodes, node, make_file_op(link::STAT, path));
          if (r.ok()) self->env_.store.put_file(path, r.size(), r.mtime(), self->state_.user(), r.crc32(), node);
        },
        asio::detached);
  }
  record(t, o.ok);
  if (o.ok) {
    reply(ftp::kTransferComplete, "Transfer complete (" + std::to_string(o.bytes) + " bytes).");
    co_return;
  }
  ++env_.stats.transfers_failed;
  spdlog::info("transfer of {} for {} failed: {}", t.path.empty() ? "listing" : t.path, state_.user(), o.error);
  // A node that refused its part decides the reply, also when the other
  // part was aborted because of it.
  if (o.refused) reply(ftp::kLocalError, (t.path.empty() ? std::string("listing") : shown(t.path)) + ": " + o.error);
  else if (t.abort_requested || o.aborted) reply(ftp::kTransferAborted, "Connection closed; transfer aborted.");
  else if (o.connect_failed) reply(ftp::kCantOpenData, "Can't open data connection: " + o.error);
  else reply(ftp::kTransferAborted, "Connection closed; transfer aborted: " + o.error);
}

// ---------------------------------------------------------------- listings

// LIST, NLST and MLSD differ in format and in what they accept: LIST and
// NLST take ls-style options and may name a file; MLSD needs a directory.
asio::awaitable<void> Session::list_command(Op op, ListingFormat format, const ftp::Command& c) {
  const std::string arg = op == Op::Mlsd ? c.arg : strip_list_options(c.arg);
  auto path = resolve(arg.empty() ? "." : arg);
  auto entry = path ? env_.store.lookup(*path) : std::nullopt;
  if (!entry) {
    reply(ftp::kFileUnavailable, arg + ": No such file or directory.");
    co_return;
  }
  if (op == Op::Mlsd && !entry->is_dir) {
    reply(ftp::kSyntaxErrorInArgs, arg + ": not a directory (use MLST for a file).");
    co_return;
  }
  co_await send_listing(op, listing_payload(format, *path, *entry));
}

asio::awaitable<void> Session::cmd_list(const ftp::Command& c) { return list_command(Op::List, ListingFormat::List, c); }
asio::awaitable<void> Session::cmd_nlst(const ftp::Command& c) { return list_command(Op::Nlst, ListingFormat::Nlst, c); }
asio::awaitable<void> Session::cmd_mlsd(const ftp::Command& c) { return list_command(Op::Mlsd, ListingFormat::Mlsd, c); }

std::string Session::listing_payload(ListingFormat format, const std::string& path, const meta::Entry& entry) {
  return join_crlf(listing_lines(env_.store, format, path, entry, std::time(nullptr),
                                 [this](const meta::Entry& e) { return offline(e); }, rights(), shown(path)));
}

asio::awaitable<void> Session::send_listing(Op op, std::string payload) {
  if (std::holds_alternative<NoData>(data_)) {
    reply(ftp::kCantOpenData, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  DataSetup setup = take_data_setup();
  transfer_ = std::make_unique<Transfer>();
  transfer_->op = op;
  transfer_->outcome.ok = true;
  transfer_->started = std::chrono::steady_clock::now();
  ++env_.stats.transfers_started;
  if (auto* np = std::get_if<NodePassive>(&setup)) {
    // The client connected to a node: hand the listing to it.
    link::StartTransfer st;
    st.set_ticket(np->ticket);
    st.set_kind(link::SEND_BYTES);
    st.set_payload(std::move(payload));
    if (auto err = start_on_node(np->node, std::move(st), true, false)) {
      transfer_.reset();
      reply(ftp::kCantOpenData, "Can't open data connection: " + *err);
      co_return;
    }
  } else {
    ClientEnd end = relay_client_end(setup);
    const auto ticket = env_.nodes.new_ticket();
    transfer_->tickets.emplace_back("", ticket);
    transfer_->pending = 1;
    transfer_->client_ticket = ticket;
    transfer_->local = std::make_shared<LocalTransfer>(
        wake_.get_executor(), LocalTransfer::Mode::SendBytes, std::move(end), env_.stats.data_bytes_out,
        [weak = weak_from_this(), ticket](TransferOutcome o) {
          if (auto self = weak.lock()) self->on_done(ticket, std::move(o));
        });
    transfer_->local->set_payload(std::move(payload));
    transfer_->local->start();
  }
  reply(ftp::kFileStatusOk, "Opening ASCII mode data connection for file list.");
}

// ---------------------------------------------------------------- files

asio::awaitable<void> Session::cmd_retr(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  co_await start_retr(*path);
}

asio::awaitable<void> Session::cmd_stor(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg, ftp::kFileNameNotAllowed);
  if (!path) co_return;
  co_await start_store(Op::Stor, *path);
}

asio::awaitable<void> Session::cmd_appe(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg, ftp::kFileNameNotAllowed);
  if (!path) co_return;
  co_await start_store(Op::Appe, *path);
}

asio::awaitable<void> Session::cmd_stou(const ftp::Command& c) {
  // RFC 959: STOU takes no argument, but a name given is used as the stem.
  const std::string stem = c.arg.empty() ? "file" : ftp::base_name(resolve(c.arg).value_or("/file"));
  const auto t = static_cast<long long>(std::time(nullptr));
  for (int i = 0; i < 1000; ++i) {
    auto candidate = ftp::join_path(state_.cwd(), stem + "." + std::to_string(t) + "." + std::to_string(i));
    if (!env_.store.lookup(candidate)) {
      co_await start_store(Op::Stou, candidate);
      co_return;
    }
  }
  reply(ftp::kInsufficientStorage, "Could not find a unique file name.");
}

ClientEnd Session::relay_client_end(const DataSetup& setup) const {
  ClientEnd end;
  if (auto* mp = std::get_if<MasterPassive>(&setup)) end.listener = mp->listener;
  if (auto* at = std::get_if<ActiveTarget>(&setup)) end.dial = at->target;
  end.allowed_ip = client_.ip;
  end.local_ip = client_.local_ip;
  end.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(env_.config.data_timeout);
  return end;
}

std::string Session::master_address_for(const std::string& node) {
  auto* info = env_.nodes.find(node);
  return info ? info->link->local_ip() : client_.local_ip;
}

// The client's data connection ends elsewhere than on `storage_node` (the
// node reading or writing the file): `storage_node` listens for the forwarder
// — the node the client is connected to, or the master for the EPSV relay and
// IPv6 clients — which copies between it and the client.
asio::awaitable<std::optional<std::string>> Session::start_forwarded(const DataSetup& setup,
                                                                    link::StartTransfer storage_side,
                                                                    const std::string& storage_node, bool upload) {
  auto* np = std::get_if<NodePassive>(&setup);
  auto* forwarder = np ? env_.nodes.find(np->node) : nullptr;
  if (np && !forwarder) co_return "node " + np->node + " went offline";
  auto* storage = env_.nodes.find(storage_node);
  if (!storage) co_return "node " + storage_node + " went offline";
  if (forwarder && storage->takes_handoff_from(*forwarder))
    co_return co_await start_handed_off(*np, std::move(storage_side), storage_node, upload);
  const std::string storage_address = storage->data_address;
  const std::string forwarder_ip = forwarder ? forwarder->data_address : master_address_for(storage_node);
  const auto ticket = env_.nodes.new_ticket();
  auto listener = co_await open_node_listener(storage_node, ticket, forwarder_ip, false);
  if (!listener) co_return "node " + storage_node + " could not open a listener";
  storage_side.set_ticket(ticket);
  if (auto err = start_on_node(storage_node, std::move(storage_side), false, upload)) co_return err;
  if (np) {
    link::StartTransfer relay;
    relay.set_ticket(np->ticket);
    relay.set_kind(upload ? link::RELAY_TO_PEER : link::RELAY_FROM_PEER);
    relay.set_peer_host(storage_address);
    relay.set_peer_port(listener->port);
    co_return start_on_node(np->node, std::move(relay), true, false);
  }
  const auto local_ticket = env_.nodes.new_ticket();
  transfer_->tickets.emplace_back("", local_ticket);
  ++transfer_->pending;
  transfer_->client_ticket = local_ticket;
  transfer_->local = std::make_shared<LocalTransfer>(
      wake_.get_executor(), upload ? LocalTransfer::Mode::RelayToNode : LocalTransfer::Mode::RelayFromNode,
      relay_client_end(setup), env_.stats.data_bytes_out, [weak = weak_from_this(), local_ticket](TransferOutcome o) {
        if (auto self = weak.lock()) self->on_done(local_ticket, std::move(o));
      });
  transfer_->local->set_node_end(storage_address, listener->port, forwarder_ip);
  transfer_->local->start();
  co_return std::nullopt;
}

// The client is connected to `client_side`'s node and the file is on
// `storage_node` of the same host: the connection itself moves there
// (HANDOFF_TO_PEER), so the bytes are not copied through a relay.
asio::awaitable<std::optional<std::string>> Session::start_handed_off(NodePassive client_side,
                                                                     link::StartTransfer storage_side,
                                                                     const std::string& storage_node, bool upload) {
  const std::string handoff_name = env_.nodes.find(storage_node)->handoff_name;
  const auto ticket = env_.nodes.new_ticket();
  std::string error;
  if (!co_await node_expect_handoff(env_.nodes, storage_node, ticket, client_.ip,
                                    std::chrono::duration_cast<std::chrono::milliseconds>(env_.config.data_timeout),
                                    error))
    co_return "node " + storage_node + " cannot take the data connection: " + error;
  storage_side.set_ticket(ticket);
  // The storage node now faces the client: its TransferDone carries the bytes.
  if (auto err = start_on_node(storage_node, std::move(storage_side), true, upload)) co_return err;
  link::StartTransfer handoff;
  handoff.set_ticket(client_side.ticket);
  handoff.set_kind(link::HANDOFF_TO_PEER);
  handoff.set_handoff_name(handoff_name);
  handoff.set_peer_ticket(ticket);
  co_return start_on_node(client_side.node, std::move(handoff), false, false);
}

asio::awaitable<void> Session::start_retr(const std::string& path) {
  auto entry = env_.store.lookup(path);
  if (!entry || entry->is_dir) {
    reply(ftp::kFileUnavailable, shown(path) + ": No such file.");
    co_return;
  }
  if (std::holds_alternative<NoData>(data_)) {
    reply(ftp::kCantOpenData, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  const std::uint64_t offset = state_.take_rest();
  if (offset > entry->size) {
    reply(ftp::kInvalidRestart, "Restart offset " + std::to_string(offset) + " is beyond the end of the file.");
    co_return;
  }
  state_.file_retrieved(path);
  DataSetup setup = take_data_setup();
  auto* source = env_.nodes.pick_holder(entry->nodes, path);
  if (!source) {
    data_ = std::move(setup);
    release_data_setup();
    reply(ftp::kFileUnavailable, shown(path) + ": no storage node holding this file is online; try again later.");
    co_return;
  }
  const std::string source_name = source->name;
  transfer_ = std::make_unique<Transfer>();
  transfer_->op = Op::Retr;
  transfer_->path = path;
  transfer_->offset = offset;
  transfer_->node = source_name;
  transfer_->outcome.ok = true;
  transfer_->started = std::chrono::steady_clock::now();
  ++env_.stats.transfers_started;

  link::StartTransfer send;
  send.set_kind(link::SEND_FILE);
  send.set_path(path);
  send.set_offset(offset);
  send.set_ascii(state_.ascii());
  std::optional<std::string> err;

  if (auto* at = std::get_if<ActiveTarget>(&setup); at && node_can_dial(at->target)) {
    send.set_ticket(env_.nodes.new_ticket());
    send.set_active_host(at->target.host);
    send.set_active_port(at->target.port);
    err = start_on_node(source_name, std::move(send), true, false);
  } else if (auto* np = std::get_if<NodePassive>(&setup); np && holds(*entry, np->node) && env_.nodes.find_serving(np->node)) {
    transfer_->node = np->node;
    send.set_ticket(np->ticket);
    err = start_on_node(np->node, std::move(send), true, false);
  } else {
    err = co_await start_forwarded(setup, std::move(send), source_name, false);
  }
  if (err) {
    if (transfer_ && transfer_->pending > 0) {
      abort_transfer();
      transfer_->outcome.ok = false;
      transfer_->outcome.error = *err;
      co_return;  // finish_transfer() reports it once the other side confirms
    }
    transfer_.reset();
    data_ = std::move(setup);
    release_data_setup();
    reply(ftp::kFileUnavailable, shown(path) + ": " + *err);
    co_return;
  }
  reply(ftp::kFileStatusOk, std::string("Opening ") + (state_.ascii() ? "ASCII" : "BINARY") + " mode data connection for " + shown(path) + " (" +
                 std::to_string(entry->size) + " bytes).");
}

asio::awaitable<void> Session::start_store(Op op, const std::string& path) {
  if (is_reserved(path)) {
    reply(ftp::kFileNameNotAllowed, shown(path) + ": names starting with .fleetftp- are reserved.");
    co_return;
  }
  auto parent = path == "/" ? std::nullopt : env_.store.lookup(ftp::parent_path(path));
  if (!parent || !parent->is_dir) {
    reply(ftp::kFileNameNotAllowed, shown(path) + ": the directory does not exist.");
    co_return;
  }
  auto existing = env_.store.lookup(path);
  if (existing && existing->is_dir) {
    reply(ftp::kFileNameNotAllowed, shown(path) + ": is a directory.");
    co_return;
  }
  if (std::holds_alternative<NoData>(data_)) {
    reply(ftp::kCantOpenData, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  const std::uint64_t offset = op == Op::Appe ? 0 : state_.take_rest();
  if (offset > 0 && (!existing || offset > existing->size)) {
    reply(ftp::kInvalidRestart, "Restart offset " + std::to_string(offset) + " is beyond the end of the file.");
    co_return;
  }
  const bool append = op == Op::Appe && existing;
  // Appending or resuming writes into the existing file, so it goes to a holder.
  const bool needs_holder = existing && (append || offset > 0);
  DataSetup setup = take_data_setup();
  NodeInfo* target = nullptr;
  if (auto* np = std::get_if<NodePassive>(&setup); np && (!needs_holder || holds(*existing, np->node)))
    target = env_.nodes.find_serving(np->node);
  if (target && target->draining && !needs_holder) target = nullptr;
  if (!target)
    target = needs_holder ? env_.nodes.pick_holder(existing->nodes, path) : env_.nodes.pick_for_upload(path);
  if (!target) {
    data_ = std::move(setup);
    release_data_setup();
    reply(needs_holder ? ftp::kFileUnavailable : ftp::kLocalError, needs_holder ? shown(path) + ": no storage node holding this file is online."
                                                 : std::string("No storage node is online; try again later."));
    co_return;
  }
  const std::string target_name = target->name;
  transfer_ = std::make_unique<Transfer>();
  transfer_->op = op;
  transfer_->path = path;
  transfer_->offset = offset;
  transfer_->outcome.ok = true;
  transfer_->started = std::chrono::steady_clock::now();
  ++env_.stats.transfers_started;

  link::StartTransfer recv;
  recv.set_kind(link::RECV_FILE);
  recv.set_path(path);
  recv.set_offset(offset);
  recv.set_append(append);
  recv.set_ascii(state_.ascii());
  std::optional<std::string> err;

  auto* np = std::get_if<NodePassive>(&setup);
  if (auto* at = std::get_if<ActiveTarget>(&setup); at && node_can_dial(at->target)) {
    recv.set_ticket(env_.nodes.new_ticket());
    recv.set_active_host(at->target.host);
    recv.set_active_port(at->target.port);
    err = start_on_node(target_name, std::move(recv), true, true);
  } else if (np && np->node == target_name) {
    recv.set_ticket(np->ticket);
    err = start_on_node(target_name, std::move(recv), true, true);
  } else {
    err = co_await start_forwarded(setup, std::move(recv), target_name, true);
  }
  if (err) {
    if (transfer_ && transfer_->pending > 0) {
      abort_transfer();
      transfer_->outcome.ok = false;
      transfer_->outcome.error = *err;
      co_return;
    }
    transfer_.reset();
    data_ = std::move(setup);
    release_data_setup();
    reply(ftp::kLocalError, shown(path) + ": " + *err);
    co_return;
  }
  if (op == Op::Stou) reply(ftp::kFileStatusOk, "FILE: " + ftp::base_name(path));
  else reply(ftp::kFileStatusOk, "Ok to send data.");
}

}  // namespace fleet::master
