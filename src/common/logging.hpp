// Process-wide logging setup: readable lines on stderr prefixed with the
// process role ("master", "node n1"), so the output of `fleetftp up`, where
// several processes share one terminal, says who is talking.
#pragma once

#include <string_view>

namespace fleet {

// level: "trace", "debug", "info", "warn", "error". Throws std::runtime_error
// for an unknown level.
void setup_logging(std::string_view level, std::string_view role);

}  // namespace fleet
