// SessionContext: what the parts of one control session share — the
// master's services, the nodes (through a NodeGateway), the client, the
// protocol state and the way to reply. Owned by the Session; its parts
// (login, namespace operations, data channel, transfer router, commit, SITE)
// hold a reference and live no longer than it. Event-loop thread only.
#pragma once

#include <asio.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "ftp/protocol_state.hpp"
#include "ftp/reply.hpp"
#include "master/control_channel.hpp"
#include "master/listing_builder.hpp"
#include "master/node_gateway.hpp"
#include "master/session_env.hpp"

namespace fleet::master {

struct ClientInfo {
  std::string ip;          // the client's address as the master sees it
  bool ipv6 = false;
  std::string local_ip;    // the master's address on this connection
};

struct SessionContext {
  SessionContext(asio::any_io_executor ex, SessionEnv& env, std::shared_ptr<NodeGateway> nodes,
                 std::shared_ptr<ReplySink> sink, ClientInfo client)
      : ex(std::move(ex)), env(env), nodes(std::move(nodes)), sink(std::move(sink)), client(std::move(client)) {}

  void reply(int code, std::string_view text) { sink->send(ftp::format_reply(code, text)); }
  std::string shown(std::string_view vfs_path) const { return state.shown(vfs_path); }
  // The MLSx perm fact's rights of this session.
  Rights rights() const {
    if (!state.anonymous()) return Rights::Full;
    const auto& anon = env.config.anonymous;
    if (anon.upload && anon.other_write) return Rights::Full;
    return anon.upload ? Rights::ReadCreate : Rights::ReadOnly;
  }
  // Whether a file has no copy that can be read now (for listings).
  bool offline(const meta::Entry& e) const {
    for (const auto& n : e.nodes)
      if (nodes->serves(n)) return false;
    return true;
  }
  std::chrono::milliseconds data_timeout() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(env.config.data_timeout);
  }

  asio::any_io_executor ex;
  SessionEnv& env;
  // Shared: background work of the session (cleanups on nodes) may outlive it.
  std::shared_ptr<NodeGateway> nodes;
  std::shared_ptr<ReplySink> sink;
  ClientInfo client;
  ftp::ProtocolState state;
};

}  // namespace fleet::master
