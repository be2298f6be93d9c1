#include "config/node_config.hpp"

#include <charconv>

#include "config/toml_reader.hpp"

namespace fleet::config {

NodeConfig load_node_config(const std::filesystem::path& file) {
  TomlReader r(file);
  NodeConfig c;
  r.read("node", "name", c.name);
  std::string root;
  r.read("node", "root", root);
  c.root = root;
  std::string master;
  r.read("node", "master", master);
  if (!master.empty()) {
    const auto colon = master.rfind(':');
    unsigned port = 0;
    const char* end = master.data() + master.size();
    if (colon == std::string::npos ||
        std::from_chars(master.data() + colon + 1, end, port).ptr != end || port == 0 || port > 65535)
      r.fail("node", "master", "must be \"host:port\"");
    c.master_host = master.substr(0, colon);
    c.master_port = static_cast<std::uint16_t>(port);
  }
  r.read_secret("node", "link_key", c.link_key);
  r.read_duration("node", "reconnect_delay_ms", c.reconnect_delay, 600000);
  r.section("node").read_bool("sync_uploads", c.sync_uploads);
  r.read("data", "address", c.data_address);
  r.read("data", "public_address", c.public_address);
  r.read_ports("data", "passive_ports", c.passive_ports);
  r.section("data").read_bool("handoff", c.handoff);
  r.read_int("data", "passive_pool", c.passive_pool, 0, 1024);
  r.read("log", "level", c.log_level);
  if (c.name.empty()) r.fail("node", "name", "is required");
  if (c.root.empty()) r.fail("node", "root", "is required");
  if (c.link_key.size() < 16) r.fail("node", "link_key", "is required and must be at least 16 characters");
  return c;
}

}  // namespace fleet::config
