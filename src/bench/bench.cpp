#include "bench/bench.hpp"

#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "bench/result.hpp"
#include "bench/scenarios.hpp"
#include "bench/server_probe.hpp"

namespace fleet::bench {

namespace {

// The idle scenario holds one descriptor per session; the soft limit is
// often far below the hard one.
void raise_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::vector<const ScenarioInfo*> chosen(const std::vector<std::string>& names) {
  std::vector<const ScenarioInfo*> out;
  for (const auto& name : names) {
    if (name == "all") {
      for (const auto& s : scenario_table()) out.push_back(&s);
      continue;
    }
    const ScenarioInfo* found = nullptr;
    for (const auto& s : scenario_table())
      if (name == s.name) found = &s;
    if (!found) {
      std::string known;
      for (const auto& s : scenario_table()) known += std::string(known.empty() ? "" : ", ") + s.name;
      throw std::invalid_argument("unknown scenario '" + name + "' (known: " + known + ", all)");
    }
    out.push_back(found);
  }
  return out;
}

}  // namespace

int run_bench(const Options& options) {
  const auto scenarios = chosen(options.scenarios.empty() ? std::vector<std::string>{"all"} : options.scenarios);
  if (options.runs < 1 || options.runs > 100) throw std::invalid_argument("--runs must be 1..100");
  raise_file_limit();
  // A server that resets a data connection must give an error, not kill us.
  std::signal(SIGPIPE, SIG_IGN);

  const ServerProbe probe(options.server_pids);
  std::vector<ScenarioResult> results;
  bool all_measured = true;
  for (const auto* s : scenarios) {
    std::cerr << "[" << (options.label.empty() ? options.host + ":" + std::to_string(options.port) : options.label)
              << "] " << s->name << ": " << s->summary << std::endl;
    for (auto& r : s->run(options, probe)) {
      std::cout << (options.label.empty() ? "" : options.label + " ") << summary_line(r) << std::endl;
      if (r.runs.empty()) all_measured = false;
      results.push_back(std::move(r));
    }
  }
  if (!options.json_file.empty()) {
    std::ofstream out(options.json_file, std::ios::trunc);
    out << to_json(results);
    if (!out) throw std::runtime_error("cannot write " + options.json_file);
  }
  return all_measured ? 0 : 3;
}

}  // namespace fleet::bench
