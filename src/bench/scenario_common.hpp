// Scaffolding shared by the scenario files: a result stamped with the
// session parameters, preparation and repeated runs that each stay within
// the run time limit, and failures recorded instead of aborting everything.
#pragma once

#include <asio.hpp>
#include <functional>
#include <string>

#include "bench/options.hpp"
#include "bench/result.hpp"

namespace fleet::bench {

using AsyncBody = std::function<asio::awaitable<void>(asio::any_io_executor)>;

ScenarioResult new_result(const Options& options, const std::string& scenario, const std::string& unit,
                          bool higher_is_better);

// Runs `body` once (creating test files and the like). On failure records
// the error in `result` and returns false.
bool prepare(const Options& options, ScenarioResult& result, const AsyncBody& body);

// Calls `one_run(run_index, sample)` options.runs times; each call runs its
// coroutine(s) through run_bounded. The first failing run ends the series
// with its error recorded; finished runs are kept.
void repeat_runs(const Options& options, ScenarioResult& result,
                 const std::function<void(int, RunSample&)>& one_run);

// The value or the scenario's default.
inline std::uint64_t or_default(std::uint64_t value, std::uint64_t fallback) { return value ? value : fallback; }
inline int or_default(int value, int fallback) { return value > 0 ? value : fallback; }
inline double or_default(double value, double fallback) { return value > 0 ? value : fallback; }

}  // namespace fleet::bench
