// Settings of the master process (`fleetftp master --config FILE`).
// Every field is documented, with its default, in docs/CONFIG.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/cluster_config.hpp"
#include "config/data_timeout.hpp"
#include "config/port_range.hpp"

namespace fleet::config {

// What EPSV does when the master cannot name a node's address in the reply.
enum class EpsvPolicy {
  Refuse,     // 5xx, so IPv4 clients fall back to PASV (IPv6 and EPSV ALL still relay)
  Relay,      // the master listens and relays node <-> client with splice
  NodePorts,  // answer with the chosen node's port: a balancer (or the node itself)
              // serves that port on the control address
};

// [anonymous]: logins as "anonymous" or "ftp" with any password (RFC 1635),
// confined to one directory of the namespace.
struct AnonymousConfig {
  bool enabled = false;           // [anonymous] enabled
  std::string root = "/pub";      // [anonymous] root — namespace directory shown as "/" (normalized)
  bool upload = false;            // [anonymous] upload — may create files and directories, never change existing ones
  bool other_write = false;       // [anonymous] other_write — may also delete, rename and overwrite (vsftpd's anon_other_write_enable)
  std::size_t max_sessions = 0;   // [anonymous] max_sessions — 0: only [ftp] max_sessions limits them
};

// Bounds on what one client (one connection, or one address) can make the
// master hold or wait for. The defaults live here and only here; each key is
// documented with what happens when it trips in docs/CONFIG.md ([ftp]).
struct ControlLimitsConfig {
  // [ftp] max_queued_lines — unanswered lines a session holds; then the socket is not read
  std::size_t max_queued_lines = 64;
  // [ftp] max_unsent_output — reply bytes the client left unread; then its commands are not read
  std::size_t max_unsent_output = 64 * 1024;
  std::chrono::seconds output_timeout{60};  // [ftp] output_timeout — replies not drained for this long: close
  std::chrono::seconds login_timeout{60};   // [ftp] login_timeout — 0: none
  std::chrono::seconds line_timeout{30};    // [ftp] line_timeout — a begun command line must end within it; 0: none
  std::size_t max_sessions_per_address = 50;             // [ftp] max_sessions_per_address — 0: none (IPv6: per /64)
  std::size_t connections_per_second_per_address = 100;  // [ftp] connections_per_second_per_address — 0: none
};

struct MasterConfig {
  std::string name = "master";                    // [master] name
  std::filesystem::path state_dir = "var";        // [master] state_dir — metadata and logs
  std::string listen_address = "127.0.0.1";       // [ftp] listen_address
  std::uint16_t listen_port = 2121;               // [ftp] port
  std::vector<std::string> also_listen;           // [ftp] also_listen — more control addresses, e.g. ["::1"]
  std::string public_address;                     // [ftp] public_address — advertised in 227 for the master's own listeners
  PortRange passive_ports{29000, 29999};          // [ftp] passive_ports — the master's own listeners (listings, relay)
  EpsvPolicy epsv = EpsvPolicy::Refuse;           // [ftp] epsv = "refuse" | "relay" | "node-ports"
  std::string banner = "fleetftp ready";          // [ftp] banner
  std::size_t max_line = 2048;                    // [ftp] max_line — longest accepted command line, bytes
  std::chrono::seconds idle_timeout{300};         // [ftp] idle_timeout
  std::chrono::seconds data_timeout{30};          // [ftp] data_connect_timeout — passive accept / active dial
  // [ftp] data_timeout — a transfer whose data connection moves no byte for
  // this long is ended with 426 (vsftpd's data_connection_timeout).
  std::chrono::seconds data_stall_timeout{kDefaultDataTimeout};
  std::size_t max_sessions = 10000;               // [ftp] max_sessions
  ControlLimitsConfig control;                    // [ftp] per-connection and per-address bounds
  std::chrono::milliseconds login_fail_delay{1000};  // [auth] fail_delay_ms
  int ban_after_failures = 5;                     // [auth] ban_after
  std::chrono::seconds ban_time{300};             // [auth] ban_seconds
  std::chrono::seconds login_cache{600};          // [auth] login_cache_seconds — 0: argon2id on every login
  std::string link_address = "127.0.0.1";         // [link] listen_address
  std::uint16_t link_port = 2122;                 // [link] port
  std::string link_key;                           // [link] key or key_file (required)
  std::chrono::milliseconds node_timeout{5000};   // [link] node_timeout_ms — silence after which a node is dead
  std::string http_address = "127.0.0.1";         // [http] listen_address — /health and /metrics
  std::uint16_t http_port = 0;                    // [http] port — 0 turns the endpoint off
  std::string log_level = "info";                 // [log] level
  AnonymousConfig anonymous;                      // [anonymous]
  ClusterConfig cluster;                          // placement, replication, scrub

  std::filesystem::path database() const { return state_dir / "meta.sqlite"; }
  std::filesystem::path transfer_log() const { return state_dir / "xferlog"; }
};

MasterConfig load_master_config(const std::filesystem::path& file);

class TomlReader;
// The [anonymous] section; load_master_config calls it. Throws on a bad value.
void read_anonymous_config(const TomlReader& reader, AnonymousConfig& out);
// The [ftp] keys of ControlLimitsConfig; load_master_config calls it. Throws on a bad value.
void read_control_limits(const TomlReader& reader, ControlLimitsConfig& out);

}  // namespace fleet::config
