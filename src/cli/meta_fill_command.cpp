// `fleetftp meta-fill`: fills a stopped master's namespace with millions of
// entries for scale measurements (scripts/bench/meta-scale). The rows go
// straight into the metadata file (src/meta/bulk_fill); the copies are
// recorded on the nodes of the state dir, and with --node-files the files
// are made to exist on their disks too, so the nodes' inventories confirm
// them and LIST, RETR and node sync behave as with real uploads.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/node_file_links.hpp"
#include "cli/subcommands.hpp"
#include "config/node_config.hpp"
#include "meta/bulk_fill.hpp"

namespace fs = std::filesystem;

namespace fleet::cli {
namespace {

struct MetaFillOptions {
  meta::BulkFillOptions fill;
  std::string state_dir = "var";
  bool node_files = false;
};

// Node name -> data root, from the node configs `fleetftp up` wrote.
std::map<std::string, fs::path> node_roots(const fs::path& state) {
  std::map<std::string, fs::path> roots;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(state / "nodes", ec)) {
    if (f.path().extension() != ".toml") continue;
    const auto cfg = config::load_node_config(f.path());
    roots[cfg.name] = cfg.root;
  }
  return roots;
}

int run_meta_fill(MetaFillOptions& o) {
  const fs::path state = fs::absolute(o.state_dir);
  const fs::path db = state / "meta.sqlite";
  if (!fs::exists(db)) throw std::runtime_error(db.string() + " does not exist (run `fleetftp up` on it once)");
  const auto roots = node_roots(state);
  for (const auto& [name, root] : roots) o.fill.nodes.push_back(name);
  if (o.fill.nodes.empty()) std::cerr << "meta-fill: no node configs in " << (state / "nodes").string()
                                      << "; files get no copies\n";
  if (o.fill.mtime == 0) o.fill.mtime = std::time(nullptr);

  std::optional<NodeFileLinks> links;
  meta::BulkFillSink sink;
  if (o.node_files) {
    links.emplace(roots);
    sink.on_dir = [&links](const std::string& dir) { links->add_dir(dir); };
    sink.on_copy = [&links](const std::string& dir, const std::string& name, const std::string& node) {
      links->add_file(dir, name, node);
    };
  }
  const auto started = std::chrono::steady_clock::now();
  sink.on_progress = [started](std::uint64_t done, std::uint64_t total) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "meta-fill: %llu / %llu entries, %.0f s, %.0f entries/s\n",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), s,
                 s > 0 ? static_cast<double>(done) / s : 0.0);
  };
  const auto r = meta::bulk_fill(db, o.fill, sink);
  links.reset();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // One line of JSON on stdout for scripts; the progress went to stderr.
  nlohmann::ordered_json summary;
  summary["entries"] = o.fill.entries;
  summary["dirs"] = r.dirs;
  summary["files"] = r.files;
  summary["copies"] = r.copies;
  summary["big_dir"] = r.big_dir;
  summary["root"] = o.fill.root;
  summary["node_files"] = o.node_files;
  summary["seconds"] = std::round(s * 10) / 10;
  std::cout << summary.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << std::endl;
  return 0;
}

}  // namespace

MetaFillCommand add_meta_fill_command(CLI::App& app) {
  // Shared with the returned runner, which outlives this function.
  auto o = std::make_shared<MetaFillOptions>();
  o->fill.owner = "demo";  // the user `fleetftp up` creates
  auto* cmd = app.add_subcommand(
      "meta-fill", "Fill a stopped master's namespace with N entries (for scale benchmarks only)");
  cmd->add_option("--state-dir", o->state_dir, "state dir of `fleetftp up` (its master must be stopped)")
      ->capture_default_str();
  cmd->add_option("--entries", o->fill.entries, "entries to add, directories included")
      ->capture_default_str()
      ->check(CLI::Range(1ULL, 1'000'000'000ULL));
  cmd->add_option("--root", o->fill.root, "directory to create and fill (must not exist)")->capture_default_str();
  cmd->add_option("--files-per-dir", o->fill.files_per_dir, "files per leaf directory")
      ->capture_default_str()
      ->check(CLI::Range(1U, 1'000'000U));
  cmd->add_option("--dirs-per-group", o->fill.dirs_per_group, "leaf directories per group directory")
      ->capture_default_str()
      ->check(CLI::Range(1U, 1'000'000U));
  cmd->add_option("--big-dir-files", o->fill.big_dir_files, "files in ROOT/big, for listing measurements")
      ->capture_default_str()
      ->check(CLI::Range(0U, 10'000'000U));
  cmd->add_option("--copies", o->fill.copies, "copies per file (on the state dir's nodes, round-robin)")
      ->capture_default_str();
  cmd->add_option("--owner", o->fill.owner, "owner of the entries")->capture_default_str();
  cmd->add_option("--batch", o->fill.batch_rows, "entries per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1U, 100'000'000U));
  cmd->add_flag("--node-files", o->node_files,
                "also create the files (empty, as hard links) on the nodes' disks, so their inventories keep them");
  return MetaFillCommand{cmd, [o]() { return run_meta_fill(*o); }};
}

}  // namespace fleet::cli
