#include "config/master_config.hpp"

#include "config/toml_reader.hpp"
#include "ftp/path.hpp"

namespace fleet::config {

void read_anonymous_config(const TomlReader& r, AnonymousConfig& out) {
  const auto t = r.section("anonymous");
  t.read_bool("enabled", out.enabled);
  t.read_bool("upload", out.upload);
  t.read_bool("other_write", out.other_write);
  t.read_int("max_sessions", out.max_sessions, 0, 1000000);
  std::string root = out.root;
  t.read("root", root);
  // Normalized once here ("/pub/" and "/pub/." are "/pub"), so sessions can
  // compare paths with it as they are.
  auto normal = root.empty() || root[0] != '/' ? std::nullopt : ftp::resolve_path("/", root);
  if (!normal) t.fail("root", "must be an absolute path in the namespace, like \"/pub\"");
  out.root = *normal;
}

void read_control_limits(const TomlReader& r, ControlLimitsConfig& out) {
  const auto t = r.section("ftp");
  t.read_int("max_queued_lines", out.max_queued_lines, 1, 100000);
  t.read_int("max_unsent_output", out.max_unsent_output, 4096, 64 * 1024 * 1024);
  r.read_duration("ftp", "output_timeout", out.output_timeout, 86400);
  if (out.output_timeout.count() == 0) t.fail("output_timeout", "must be at least 1 second");
  r.read_duration("ftp", "login_timeout", out.login_timeout, 86400);
  r.read_duration("ftp", "line_timeout", out.line_timeout, 86400);
  t.read_int("max_sessions_per_address", out.max_sessions_per_address, 0, 1000000);
  t.read_int("connections_per_second_per_address", out.connections_per_second_per_address, 0, 1000000);
}

MasterConfig load_master_config(const std::filesystem::path& file) {
  TomlReader r(file);
  MasterConfig c;
  r.read("master", "name", c.name);
  std::string state_dir = c.state_dir.string();
  r.read("master", "state_dir", state_dir);
  c.state_dir = state_dir;
  r.read("ftp", "listen_address", c.listen_address);
  r.read_int("ftp", "port", c.listen_port, 1, 65535);
  r.read_strings("ftp", "also_listen", c.also_listen);
  r.read("ftp", "public_address", c.public_address);
  r.read_ports("ftp", "passive_ports", c.passive_ports);
  std::string epsv = "refuse";
  r.read("ftp", "epsv", epsv);
  if (epsv == "refuse") c.epsv = EpsvPolicy::Refuse;
  else if (epsv == "relay") c.epsv = EpsvPolicy::Relay;
  else if (epsv == "node-ports") c.epsv = EpsvPolicy::NodePorts;
  else r.fail("ftp", "epsv", "must be \"refuse\", \"relay\" or \"node-ports\"");
  r.read("ftp", "banner", c.banner);
  r.read_int("ftp", "max_line", c.max_line, 512, 65536);
  r.read_duration("ftp", "idle_timeout", c.idle_timeout, 86400);
  r.read_duration("ftp", "data_connect_timeout", c.data_timeout, 3600);
  {
    // At least a second: a transfer must never be allowed to wait for ever.
    long long seconds = c.data_stall_timeout.count();
    r.read_int("ftp", "data_timeout", seconds, 1, 86400);
    c.data_stall_timeout = std::chrono::seconds(seconds);
  }
  r.read_int("ftp", "max_sessions", c.max_sessions, 1, 1000000);
  read_control_limits(r, c.control);
  r.read_duration("auth", "fail_delay_ms", c.login_fail_delay, 60000);
  r.read_int("auth", "ban_after", c.ban_after_failures, 0, 1000);
  r.read_duration("auth", "ban_seconds", c.ban_time, 86400 * 30);
  r.read_duration("auth", "login_cache_seconds", c.login_cache, 86400);
  r.read("link", "listen_address", c.link_address);
  r.read_int("link", "port", c.link_port, 1, 65535);
  r.read_secret("link", "key", c.link_key);
  r.read_duration("link", "node_timeout_ms", c.node_timeout, 600000);
  // Also accepted on its own, so `fleetftp up --extra-config` can tune it.
  r.read_duration("liveness", "node_timeout_ms", c.node_timeout, 600000);
  r.read("http", "listen_address", c.http_address);
  r.read_int("http", "port", c.http_port, 0, 65535);
  r.read("log", "level", c.log_level);
  if (c.link_key.size() < 16) r.fail("link", "key", "is required and must be at least 16 characters");
  read_cluster_config(r, c.cluster);
  read_anonymous_config(r, c.anonymous);
  return c;
}

}  // namespace fleet::config
