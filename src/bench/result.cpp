#include "bench/result.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/statistics.hpp"

namespace fleet::bench {

namespace {

std::string short_number(double v) {
  char buf[64];
  if (std::fabs(v) >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Non-finite values (a run without CPU figures) are written as null.
nlohmann::ordered_json number(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr; }

nlohmann::ordered_json object_of(const std::map<std::string, double>& values) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& [k, v] : values) out[k] = number(v);
  return out;
}

}  // namespace

double ScenarioResult::median_value() const {
  std::vector<double> v;
  for (const auto& r : runs) v.push_back(r.value);
  return median(v);
}

double ScenarioResult::median_seconds() const {
  std::vector<double> v;
  for (const auto& r : runs) v.push_back(r.seconds);
  return median(v);
}

std::map<std::string, double> ScenarioResult::median_extras() const {
  std::map<std::string, std::vector<double>> all;
  for (const auto& r : runs)
    for (const auto& [k, v] : r.extra) all[k].push_back(v);
  std::map<std::string, double> out;
  for (auto& [k, v] : all) out[k] = median(std::move(v));
  return out;
}

std::string summary_line(const ScenarioResult& r) {
  std::ostringstream s;
  s << r.scenario << ": ";
  if (!r.error.empty() && r.runs.empty()) {
    s << "not measured (" << r.error << ")";
    return s.str();
  }
  s << short_number(r.median_value()) << " " << r.unit << " (median of " << r.runs.size() << ":";
  for (const auto& run : r.runs) s << " " << short_number(run.value);
  s << ")";
  for (const auto& [k, v] : r.median_extras()) s << "  " << k << "=" << short_number(v);
  if (!r.error.empty()) s << "  [" << r.error << "]";
  return s.str();
}

std::string to_json(const std::vector<ScenarioResult>& results) {
  auto all = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    nlohmann::ordered_json j;
    j["server"] = r.server;
    j["scenario"] = r.scenario;
    j["unit"] = r.unit;
    j["higher_is_better"] = r.higher_is_better;
    j["median"] = r.runs.empty() ? nullptr : number(r.median_value());
    j["median_seconds"] = r.runs.empty() ? nullptr : number(r.median_seconds());
    j["median_extra"] = object_of(r.median_extras());
    j["parameters"] = nlohmann::ordered_json(r.parameters);
    j["error"] = r.error.empty() ? nullptr : nlohmann::ordered_json(r.error);
    auto runs = nlohmann::ordered_json::array();
    for (const auto& run : r.runs) {
      nlohmann::ordered_json one;
      one["value"] = number(run.value);
      one["seconds"] = number(run.seconds);
      one["client_cpu_s"] = number(run.client_cpu);
      one["server_cpu_s"] = run.server_cpu < 0 ? nullptr : number(run.server_cpu);
      one["bytes"] = run.bytes;
      one["operations"] = run.operations;
      one["extra"] = object_of(run.extra);
      runs.push_back(std::move(one));
    }
    j["runs"] = std::move(runs);
    all.push_back(std::move(j));
  }
  // Server names and error texts come from replies: bytes that are not UTF-8
  // are replaced rather than making the whole report fail.
  return all.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace fleet::bench
