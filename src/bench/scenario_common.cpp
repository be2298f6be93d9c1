#include "bench/scenario_common.hpp"

#include <chrono>
#include <iostream>

#include "bench/run_async.hpp"
#include "bench/result.hpp"

namespace fleet::bench {

ScenarioResult new_result(const Options& options, const std::string& scenario, const std::string& unit,
                          bool higher_is_better) {
  ScenarioResult r;
  r.server = options.label;
  r.scenario = scenario;
  r.unit = unit;
  r.higher_is_better = higher_is_better;
  r.parameters["login"] = options.anonymous() ? "anonymous" : "password";
  r.parameters["mode"] = data_mode_name(options.mode);
  return r;
}

bool prepare(const Options& options, ScenarioResult& result, const AsyncBody& body) {
  try {
    run_bounded(body, std::chrono::duration<double>(options.run_timeout), result.scenario + " preparation");
    return true;
  } catch (const std::exception& e) {
    result.error = std::string("preparation failed: ") + e.what();
    std::cerr << "  " << result.scenario << ": " << result.error << std::endl;
    return false;
  }
}

void repeat_runs(const Options& options, ScenarioResult& result,
                 const std::function<void(int, RunSample&)>& one_run) {
  for (int i = 0; i < options.runs; ++i) {
    RunSample sample;
    try {
      one_run(i, sample);
    } catch (const std::exception& e) {
      result.error = "run " + std::to_string(i + 1) + " failed: " + e.what();
      std::cerr << "  " << result.scenario << ": " << result.error << std::endl;
      return;
    }
    std::cerr << "  " << result.scenario << " run " << i + 1 << "/" << options.runs << ": " << sample.value << " "
              << result.unit << " in " << sample.seconds << " s" << std::endl;
    result.runs.push_back(std::move(sample));
  }
}

}  // namespace fleet::bench
