// `fleetftp nodes list|drain|select`, `fleetftp rebalance`, `fleetftp scrub`:
// the operator's cluster commands, sent to the running master's admin API
// ([http] port, authenticated with the cluster's link key).
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/http_get.hpp"
#include "cli/subcommands.hpp"
#include "config/master_config.hpp"

namespace fleet::cli {

namespace {

struct Master {
  std::string host;
  std::uint16_t port = 0;
  std::string key;
};

Master find_master(const AdminOptions& o) {
  const std::filesystem::path file =
      !o.config.empty() ? std::filesystem::path(o.config)
                        : std::filesystem::path(o.state_dir.empty() ? "var" : o.state_dir) / "master.toml";
  if (!std::filesystem::exists(file))
    throw std::runtime_error(file.string() + " not found (pass --config FILE or the --state-dir of `fleetftp up`)");
  auto config = config::load_master_config(file);
  if (config.http_port == 0)
    throw std::runtime_error(file.string() + " has no [http] port; the admin commands talk to the master through it");
  return {config.http_address == "0.0.0.0" ? "127.0.0.1" : config.http_address, config.http_port, config.link_key};
}

// Sends one admin request; prints the answer. Returns the exit code.
int request(const Master& m, const std::string& target, bool print = true) {
  auto reply = http_get(m.host, m.port, target, m.key);
  if (!reply) {
    std::cerr << "fleetftp: the master's admin API at " << m.host << ":" << m.port << " does not answer (is it running?)\n";
    return 1;
  }
  if (reply->status != 200) {
    std::cerr << "fleetftp: " << reply->body;
    return 1;
  }
  if (print) std::cout << reply->body << std::flush;
  return 0;
}

// Follows the job of `kind` until it ends, printing its progress line when it changes.
int follow(const Master& m, const std::string& kind) {
  std::string last;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(24);
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = http_get(m.host, m.port, "/admin/jobs", m.key);
    if (!reply || reply->status != 200) {
      std::cerr << "fleetftp: lost contact with the master's admin API\n";
      return 1;
    }
    std::istringstream lines(reply->body);
    for (std::string line; std::getline(lines, line);) {
      // "<kind> <running|done|failed> <description>"
      if (line.rfind(kind + " ", 0) != 0) continue;
      const auto state_end = line.find(' ', kind.size() + 1);
      const auto state = line.substr(kind.size() + 1, state_end - kind.size() - 1);
      const auto text = line.substr(state_end + 1);
      if (text != last) std::cout << text << std::endl;
      last = text;
      if (state != "running") return state == "done" ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return 1;
}

int start_job(const AdminOptions& o, const std::string& kind, const std::string& target) {
  const auto m = find_master(o);
  if (int rc = request(m, target, !o.wait); rc != 0) return rc;
  return o.wait ? follow(m, kind) : 0;
}

}  // namespace

int nodes_list_cmd(const AdminOptions& o) { return request(find_master(o), "/admin/nodes"); }

int nodes_drain_cmd(const AdminOptions& o) { return start_job(o, "drain", "/admin/drain?node=" + url_encode(o.node)); }

int nodes_select_cmd(const AdminOptions& o) {
  return request(find_master(o), "/admin/select?direction=" + url_encode(o.direction) + "&path=" + url_encode(o.path));
}

int rebalance_cmd(const AdminOptions& o) { return start_job(o, "rebalance", "/admin/rebalance"); }

int scrub_cmd(const AdminOptions& o) { return start_job(o, "scrub", "/admin/scrub"); }

}  // namespace fleet::cli
