// `fleetftp up`: the embedded default. One master on 127.0.0.1 and N nodes,
// each on its own loopback address (127.0.0.2, 127.0.0.3, ...) so that data
// connections visibly go to the nodes. Every node also listens on 127.0.0.1
// with its own passive port range, the way a layer-4 balancer would map it, so
// that clients which ignore the address in a 227 reply (curl) still reach it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "auth/password.hpp"
#include "cli/child_processes.hpp"
#include "cli/http_get.hpp"
#include "cli/subcommands.hpp"
#include "config/toml_merge.hpp"
#include "meta/store.hpp"

namespace fs = std::filesystem;

namespace fleet::cli {

namespace {

std::string node_address(int i) { return "127.0.0." + std::to_string(i + 1); }

// Port layout, all derived from the FTP port so that two `up`s on different
// ports do not collide: link P+1, HTTP P+2, master passive P+1000..P+1999,
// node i passive P+1000*(i+1) .. +999.
struct Ports {
  int ftp, link, http;
  std::string range(int index) const {
    const int first = ftp + 1000 * (index + 1);
    return std::to_string(first) + "-" + std::to_string(first + 999);
  }
};

std::string read_or_create_key(const fs::path& file) {
  std::string key;
  if (std::ifstream in(file); in && std::getline(in, key) && key.size() >= 16) return key;
  key = auth::random_password() + auth::random_password();
  {
    std::ofstream out(file, std::ios::trunc);
    out << key << "\n";
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  return key;
}

// IPv6 clients get the control port on ::1 too, where the host has it.
bool ipv6_loopback() {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// The generated master.toml with the operator's --extra-config merged in:
// the operator's keys win, also inside tables `up` writes itself ([ftp]).
std::string with_extra_config(const std::string& generated, const std::string& file) {
  if (file.empty()) return generated;
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read --extra-config " + file);
  std::stringstream text;
  text << in.rdbuf();
  return "# Written by `fleetftp up` with " + file + " merged in; edits are overwritten at the next start.\n" +
         config::merge_toml(generated, text.str(), file);
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// How many nodes the master's /health reports as connected and as serving.
struct Health {
  int connected = -1;
  int serving = -1;
};

Health cluster_health(int http_port) {
  Health h;
  auto reply = http_get("127.0.0.1", static_cast<std::uint16_t>(http_port), "/health");
  if (!reply) return h;
  auto number = [&reply](const std::string& key) {
    const auto at = reply->body.find(key + " ");
    return at == std::string::npos ? -1 : std::atoi(reply->body.c_str() + at + key.size() + 1);
  };
  h.connected = number("nodes_connected");
  h.serving = number("nodes_online");
  return h;
}

}  // namespace

int run_up(const UpOptions& o) {
  const fs::path state = fs::absolute(o.state_dir);
  fs::create_directories(state / "nodes");
  const Ports ports{o.port, o.port + 1, o.port + 2};
  if (o.port + 1000 * (o.nodes + 2) > 65535)
    throw std::runtime_error("--port " + std::to_string(o.port) + " leaves no room for the passive port ranges of " +
                             std::to_string(o.nodes) + " nodes (they use port+1000 .. port+" +
                             std::to_string(1000 * (o.nodes + 2) - 1) + ")");
  const std::string key = read_or_create_key(state / "link.key");
  (void)key;

  write_file(state / "master.toml",
             with_extra_config(
             "# Written by `fleetftp up`; edits are overwritten at the next start.\n"
             "[master]\nname = \"master\"\nstate_dir = \"" + state.string() + "\"\n"
             "[ftp]\nlisten_address = \"127.0.0.1\"\n" + (ipv6_loopback() ? "also_listen = [\"::1\"]\n" : "") +
             "port = " + std::to_string(ports.ftp) +
             "\npassive_ports = \"" + ports.range(0) + "\"\nepsv = \"" + o.epsv + "\"\n"
             "[link]\nlisten_address = \"127.0.0.1\"\nport = " + std::to_string(ports.link) +
             "\nkey_file = \"" + (state / "link.key").string() + "\"\n"
             "[http]\nlisten_address = \"127.0.0.1\"\nport = " + std::to_string(ports.http) + "\n"
             "[log]\nlevel = \"" + o.log_level + "\"\n", o.extra_config));
  for (int i = 1; i <= o.nodes; ++i) {
    const std::string name = "n" + std::to_string(i);
    fs::create_directories(state / "nodes" / name / "data");
    write_file(state / "nodes" / (name + ".toml"),
               "# Written by `fleetftp up`; edits are overwritten at the next start.\n"
               "[node]\nname = \"" + name + "\"\nroot = \"" + (state / "nodes" / name / "data").string() +
               "\"\nmaster = \"127.0.0.1:" + std::to_string(ports.link) + "\"\nlink_key_file = \"" +
               (state / "link.key").string() + "\"\n"
               "[data]\naddress = \"" + node_address(i) + "\"\npublic_address = \"127.0.0.1\"\npassive_ports = \"" +
               ports.range(i) + "\"\n"
               "[log]\nlevel = \"" + o.log_level + "\"\n");
  }

  // Create the demo user before the master starts, so its password can be shown.
  std::string demo_password;
  std::string users;
  {
    auto store = meta::open_sqlite_store(state / "meta.sqlite");
    auto list = store->list_users();
    if (list.empty()) {
      demo_password = auth::random_password();
      meta::UserRecord demo;
      demo.name = "demo";
      demo.password_hash = auth::hash_password(demo_password);
      demo.created = std::time(nullptr);
      store->add_user(demo);
    }
    for (const auto& u : store->list_users()) users += (users.empty() ? "" : ", ") + u.name;
  }

  ChildProcesses::block_stop_signals();
  ChildProcesses children;
  const pid_t master_pid = children.spawn("master", {"master", "--config", (state / "master.toml").string()});
  std::cout << "master pid " << master_pid << "  ftp 127.0.0.1:" << ports.ftp << "  node link 127.0.0.1:"
            << ports.link << "  http 127.0.0.1:" << ports.http << "  passive " << ports.range(0) << std::endl;
  // Nodes dial the master and retry on their own, so they can start at once.
  for (int i = 1; i <= o.nodes; ++i) {
    const std::string name = "n" + std::to_string(i);
    const pid_t pid =
        children.spawn("node " + name, {"node", "--config", (state / "nodes" / (name + ".toml")).string()});
    std::cout << "node " << name << " pid " << pid << "  data " << node_address(i) << " (and 127.0.0.1)  passive "
              << ports.range(i) << "  root " << (state / "nodes" / name / "data").string() << std::endl;
  }

  // Ready when every node is connected and in sync. A node reconciling a big
  // inventory gets a few seconds, then goes on syncing in the background
  // (`fleetftp nodes list` shows it) while the others serve.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::optional<std::chrono::steady_clock::time_point> all_connected;
  while (true) {
    const auto h = cluster_health(ports.http);
    const auto now = std::chrono::steady_clock::now();
    if (h.connected == o.nodes && !all_connected) all_connected = now;
    if (h.serving == o.nodes || (all_connected && h.serving > 0 && now - *all_connected > std::chrono::seconds(3)))
      break;
    if (auto exited = children.reap_exited(); !exited.empty()) {
      std::cerr << "fleetftp: " << exited << " before the cluster came up (see the log above); stopping\n";
      children.stop_all();
      return 1;
    }
    if (now > deadline) {
      std::cerr << "fleetftp: the cluster did not come up within 30 s (see the log above); stopping\n";
      children.stop_all();
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!demo_password.empty())
    std::cout << "fleetftp is up: ftp://demo:" << demo_password << "@127.0.0.1:" << ports.ftp << "/" << std::endl;
  else
    std::cout << "fleetftp is up: ftp://127.0.0.1:" << ports.ftp << "/ (users: " << users << ")" << std::endl;
  std::cout << "try: curl ftp://USER:PASSWORD@127.0.0.1:" << ports.ftp << "/   (Ctrl-C stops everything)"
            << std::endl;

  std::string why;
  // A node that dies is a failure the cluster is built to survive: report it
  // and keep serving. The master, or a signal, ends everything.
  while ((why = children.wait_for_stop()).rfind("node ", 0) == 0)
    std::cerr << "fleetftp up: " << why << "; the cluster goes on without it\n";
  std::cerr << "fleetftp up: " << why << "; stopping all processes\n";
  children.stop_all();
  return why.rfind("signal", 0) == 0 ? 0 : 1;
}

}  // namespace fleet::cli
