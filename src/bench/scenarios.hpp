// The benchmark's scenarios. Each measures one kind of load against one
// server and returns one or more results (list gives LIST and MLSD, raw
// gives its two senders). Sizes left at 0 in Options take the defaults
// documented next to each scenario.
#pragma once

#include <string>
#include <vector>

#include "bench/options.hpp"
#include "bench/result.hpp"
#include "bench/server_probe.hpp"

namespace fleet::bench {

using ScenarioFn = std::vector<ScenarioResult> (*)(const Options&, const ServerProbe&);

struct ScenarioInfo {
  const char* name;
  const char* summary;
  ScenarioFn run;
};

// retr: one RETR of a --size file (default 1 GiB, uploaded first if missing) -> MB/s.
std::vector<ScenarioResult> scenario_retr(const Options&, const ServerProbe&);
// stor: one STOR of --size bytes (default 512 MiB) -> MB/s.
std::vector<ScenarioResult> scenario_stor(const Options&, const ServerProbe&);
// parallel-retr / parallel-stor: --clients sessions (default 50) x --files
// files each (default 3) of --size (default 20 MiB), all at once -> total MB/s.
std::vector<ScenarioResult> scenario_parallel_retr(const Options&, const ServerProbe&);
std::vector<ScenarioResult> scenario_parallel_stor(const Options&, const ServerProbe&);
// small-retr / small-stor: --files files (default 1000) of --size (default
// 4 KiB), one after another on --clients sessions (default 1) -> files/s.
std::vector<ScenarioResult> scenario_small_retr(const Options&, const ServerProbe&);
std::vector<ScenarioResult> scenario_small_stor(const Options&, const ServerProbe&);
// sessions: --clients workers (default 8) doing connect, login, PWD, QUIT
// for --seconds (default 5) -> sessions/s, server CPU µs per session.
std::vector<ScenarioResult> scenario_sessions(const Options&, const ServerProbe&);
// idle: --clients logged-in idle sessions (default 10000, opening stops
// after --seconds, default 60, or at the memory floor) -> server PSS KiB per session.
std::vector<ScenarioResult> scenario_idle(const Options&, const ServerProbe&);
// list: LIST and MLSD of a directory of --files entries (default 10000) -> ms.
std::vector<ScenarioResult> scenario_list(const Options&, const ServerProbe&);
// raw: --size bytes (default 1 GiB) over loopback TCP inside this process,
// with sendfile(2) and with send(2) from memory -> MB/s. No server involved.
std::vector<ScenarioResult> scenario_raw(const Options&, const ServerProbe&);

// All scenarios in the order `all` runs them.
const std::vector<ScenarioInfo>& scenario_table();

}  // namespace fleet::bench
