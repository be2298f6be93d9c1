// What `fleetftp bench` was asked to do. Zero or empty fields mean "the
// scenario's own default" (see scenarios.hpp), so one command line can run
// scenarios with different natural sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fleet::bench {

enum class DataMode { Pasv, Pret, Port, Epsv };

std::optional<DataMode> parse_data_mode(const std::string& name);
const char* data_mode_name(DataMode mode);

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 21;
  std::string user;      // empty: anonymous
  std::string password;  // for anonymous, an e-mail-like string is sent
  std::string dir;       // remote working directory, created if missing; empty: the login directory
  std::string label;     // server name shown in the report and the JSON
  std::vector<std::string> scenarios;
  int runs = 3;
  std::uint64_t size = 0;  // bytes per file
  int clients = 0;         // concurrent sessions
  int files = 0;           // files per client (parallel-*), files (small-*), entries (list)
  double seconds = 0;      // duration of each sessions run; opening time limit of idle
  DataMode mode = DataMode::Pasv;
  std::vector<int> server_pids;
  std::string json_file;
  double run_timeout = 600;      // seconds one run (or preparation) may take before it is abandoned
  // idle stops opening sessions when MemAvailable falls below this; 0 means
  // a quarter of the machine's memory (the machine is shared, and forking
  // servers need a lot for thousands of sessions).
  std::uint64_t mem_floor_mib = 0;

  bool anonymous() const { return user.empty() || user == "anonymous" || user == "ftp"; }
  std::string login_user() const { return user.empty() ? "anonymous" : user; }
  std::string login_password() const { return password.empty() && anonymous() ? "bench@example.org" : password; }
};

// A reason to refuse the options before anything runs, or nullopt. --size
// applies to every scenario named, so "--scenario all --size 512M" would have
// the small-file scenarios write 1,000 files of 512 MiB each: refused above
// kSmallFilesMaxBytes in total.
std::optional<std::string> options_problem(const Options& options);
inline constexpr std::uint64_t kSmallFilesMaxBytes = 4ull << 30;
inline constexpr int kSmallFilesDefault = 1000;

}  // namespace fleet::bench
