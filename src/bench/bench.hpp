// `fleetftp bench`: runs the chosen scenarios against one FTP server, prints
// one summary line per result and optionally writes them all as JSON.
#pragma once

#include "bench/options.hpp"

namespace fleet::bench {

// Returns 0 when every scenario measured something, 3 when some could not
// (their errors are in the output), and throws on unusable options.
int run_bench(const Options& options);

}  // namespace fleet::bench
