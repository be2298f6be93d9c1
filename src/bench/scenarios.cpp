#include "bench/scenarios.hpp"

namespace fleet::bench {

const std::vector<ScenarioInfo>& scenario_table() {
  static const std::vector<ScenarioInfo> table = {
      {"retr", "single-stream RETR of a large file -> MB/s", scenario_retr},
      {"stor", "single-stream STOR of a large file -> MB/s", scenario_stor},
      {"parallel-retr", "N clients x M files RETR at once -> total MB/s", scenario_parallel_retr},
      {"parallel-stor", "N clients x M files STOR at once -> total MB/s", scenario_parallel_stor},
      {"small-retr", "many small files RETR one after another -> files/s", scenario_small_retr},
      {"small-stor", "many small files STOR one after another -> files/s", scenario_small_stor},
      {"sessions", "connect+login+PWD+QUIT with N workers -> sessions/s", scenario_sessions},
      {"idle", "N idle logged-in sessions -> server KiB per session", scenario_idle},
      {"list", "LIST and MLSD of a large directory -> ms", scenario_list},
      {"raw", "loopback TCP ceiling, sendfile and send from memory -> MB/s", scenario_raw},
  };
  return table;
}

}  // namespace fleet::bench
