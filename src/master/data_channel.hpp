// DataChannel: where a session's next data connection comes from (PORT,
// EPRT, PASV, EPSV, PRET), and the prediction of which node a passive
// connection should go to before the command that uses it is known
// (docs/ARCHITECTURE.md, "How a data transfer finds its node").
//
// PORT/EPRT remember where the client listens (bounce-protected). PASV/EPSV
// open a listener at once: on the node predicted for what comes next (PRET
// says it outright; otherwise the last file named by SIZE/MDTM/MLST or
// retrieved, or the upload node), or on the master for listings and for the
// EPSV relay. Nodes are reached through the session's NodeGateway only.
//
// One per session, on the event loop; replies go to the client itself.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "ftp/command.hpp"
#include "ftp/hostport.hpp"
#include "master/local_transfer.hpp"
#include "master/session_context.hpp"
#include "net/passive_listener.hpp"

namespace fleet::master {

struct NoData {};
struct NodePassive {  // a listener on a storage node
  std::string node;
  std::uint64_t ticket = 0;
  std::uint16_t port = 0;
  // A pooled listener whose open is held back until the transfer command
  // (or the release) goes to the node with it: one wake-up of the node
  // instead of two.
  bool open_held = false;
};
struct MasterPassive {  // a listener on the master (listings, relay)
  std::shared_ptr<net::PassiveListener> listener;
};
struct ActiveTarget {  // PORT/EPRT: the client listens
  ftp::HostPort target;
};
using DataSetup = std::variant<NoData, NodePassive, MasterPassive, ActiveTarget>;

class DataChannel {
 public:
  explicit DataChannel(SessionContext& ctx) : ctx_(ctx) {}
  ~DataChannel() { release(); }
  DataChannel(const DataChannel&) = delete;
  DataChannel& operator=(const DataChannel&) = delete;

  asio::awaitable<void> port(const ftp::Command& c);
  asio::awaitable<void> eprt(const ftp::Command& c);
  asio::awaitable<void> pasv(const ftp::Command& c);
  asio::awaitable<void> epsv(const ftp::Command& c);
  asio::awaitable<void> pret(const ftp::Command& c);

  bool prepared() const { return !std::holds_alternative<NoData>(data_); }
  const DataSetup& setup() const { return data_; }
  // The prepared connection, now the transfer's (a held-back open is sent).
  DataSetup take();
  // Closes the prepared connection (or `taken`, one taken and then not used).
  void release();
  void release(DataSetup taken);

  // Which node the next passive connection should go to; nullopt = the
  // master itself (a listing, or no node online).
  std::optional<std::string> predict_node();
  // A listener on `node` for `ticket`: a pooled one (its open sent now, or
  // held back with `hold_open`, only for the client's own connection), else
  // one the node opens on request. nullopt if the node cannot.
  asio::awaitable<std::optional<NodePassive>> open_node_listener(const std::string& node, std::uint64_t ticket,
                                                                 const std::string& allowed_ip, bool hold_open);
  // The client's end of a data connection the master carries itself.
  ClientEnd client_end(const DataSetup& setup) const;

 private:
  bool accept_active_target(const ftp::HostPort& hp, const char* verb);
  bool refuse_if_epsv_all();
  // Replies with an error itself and returns false.
  asio::awaitable<bool> open_passive(bool for_epsv, DataSetup& out);
  void send_held_open(NodePassive& np);

  SessionContext& ctx_;
  DataSetup data_;
};

}  // namespace fleet::master
