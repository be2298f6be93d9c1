// What one scenario measured on one server: every run, and the medians the
// report shows. Derived costs (CPU per GB, per session) are computed per run
// and kept as named extras, so their medians come out the same way.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fleet::bench {

struct RunSample {
  double value = 0;            // in the scenario's unit
  double seconds = 0;          // wall time of the measured part
  double client_cpu = 0;       // seconds of this process's CPU during it
  double server_cpu = -1;      // seconds of the server's CPU; -1 when not measured
  std::uint64_t bytes = 0;     // payload moved
  std::uint64_t operations = 0;  // files, sessions, listings
  std::map<std::string, double> extra;
};

struct ScenarioResult {
  std::string server;    // label of the server measured
  std::string scenario;  // "retr", "list-mlsd", ...
  std::string unit;      // "MB/s", "files/s", "sessions/s", "KiB/session", "ms"
  bool higher_is_better = true;
  std::map<std::string, std::string> parameters;  // size, clients, mode, ...
  std::vector<RunSample> runs;
  std::string error;  // why it could not be measured (then runs may be empty)

  double median_value() const;
  double median_seconds() const;
  // Median of each extra over the runs that have it.
  std::map<std::string, double> median_extras() const;
};

// One line for the terminal: "retr  1234.5 MB/s  (runs: ...)  server CPU ...".
std::string summary_line(const ScenarioResult& result);

// A JSON array with one object per result (unit, median, runs, extras...).
std::string to_json(const std::vector<ScenarioResult>& results);

}  // namespace fleet::bench
