// `fleetftp bench`: command-line options of the load generator in src/bench/.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "bench/bench.hpp"
#include "bench/server_probe.hpp"
#include "cli/subcommands.hpp"

namespace fleet::cli {

BenchCommand add_bench_command(CLI::App& app) {
  // Shared with the returned runner, which outlives this function.
  auto options = std::make_shared<bench::Options>();
  auto mode = std::make_shared<std::string>("pasv");
  auto pids = std::make_shared<std::string>();

  auto* cmd = app.add_subcommand("bench", "Measure an FTP server (fleetftp or any other) under load");
  cmd->add_option("--host", options->host, "server address (numeric)")->capture_default_str();
  cmd->add_option("--port", options->port, "server control port")->capture_default_str();
  cmd->add_option("--user", options->user, "login name (default: anonymous)");
  // From the environment too, so that a password need not show in `ps`.
  cmd->add_option("--password", options->password, "password (anonymous: an e-mail-like string)")
      ->envname("FLEETFTP_BENCH_PASSWORD");
  cmd->add_option("--dir", options->dir, "remote working directory, created if missing");
  cmd->add_option("--label", options->label, "server name for the report and the JSON");
  cmd->add_option("--scenario", options->scenarios,
                  "retr, stor, parallel-retr, parallel-stor, small-retr, small-stor, sessions, idle, list, raw "
                  "or all (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--runs", options->runs, "runs per scenario; the median is reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--size", options->size, "bytes per file (suffixes K, M, G = 1024-based); 0 = scenario default")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--clients", options->clients, "concurrent sessions; 0 = scenario default")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--files", options->files, "files per client, small files, or directory entries; 0 = default")
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--seconds", options->seconds, "sessions: duration of a run; idle: time limit for opening")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--mode", *mode, "data connections: pasv, pret (PRET then PASV), port or epsv")
      ->capture_default_str()
      ->check(CLI::IsMember({"pasv", "pret", "port", "epsv"}));
  cmd->add_option("--server-pids", *pids, "PIDs whose process trees are the server (CPU and memory)");
  cmd->add_option("--json", options->json_file, "write all results to this file as JSON");
  cmd->add_option("--run-timeout", options->run_timeout, "seconds one run may take before it is abandoned")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  cmd->add_option("--mem-floor-mib", options->mem_floor_mib, "idle: stop opening below this much MemAvailable (0: a quarter of RAM)")
      ->capture_default_str();

  auto run = [options, mode, pids]() -> int {
    if (auto problem = bench::options_problem(*options)) {
      std::cerr << "fleetftp bench: " << *problem << "\n";
      return 2;
    }
    options->mode = *bench::parse_data_mode(*mode);
    if (!pids->empty()) options->server_pids = bench::parse_pid_list(*pids);
    return bench::run_bench(*options);
  };
  return BenchCommand{cmd, run};
}

}  // namespace fleet::cli
