#include "bench/result.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "bench/statistics.hpp"

namespace fleet::bench {

namespace {

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string short_number(double v) {
  char buf[64];
  if (std::fabs(v) >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string object_of(const std::map<std::string, double>& values) {
  std::string out = "{";
  for (const auto& [k, v] : values) out += (out.size() > 1 ? ", " : "") + quoted(k) + ": " + number(v);
  return out + "}";
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
  std::ostringstream s;
  s << "[\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    s << "  {\"server\": " << quoted(r.server) << ", \"scenario\": " << quoted(r.scenario)
      << ", \"unit\": " << quoted(r.unit) << ", \"higher_is_better\": " << (r.higher_is_better ? "true" : "false")
      << ",\n   \"median\": " << (r.runs.empty() ? "null" : number(r.median_value()))
      << ", \"median_seconds\": " << (r.runs.empty() ? "null" : number(r.median_seconds()))
      << ", \"median_extra\": " << object_of(r.median_extras()) << ",\n   \"parameters\": {";
    bool first = true;
    for (const auto& [k, v] : r.parameters) {
      s << (first ? "" : ", ") << quoted(k) << ": " << quoted(v);
      first = false;
    }
    s << "},\n   \"error\": " << (r.error.empty() ? "null" : quoted(r.error)) << ",\n   \"runs\": [";
    for (std::size_t j = 0; j < r.runs.size(); ++j) {
      const auto& run = r.runs[j];
      s << (j ? ",\n            " : "") << "{\"value\": " << number(run.value) << ", \"seconds\": " << number(run.seconds)
        << ", \"client_cpu_s\": " << number(run.client_cpu)
        << ", \"server_cpu_s\": " << (run.server_cpu < 0 ? "null" : number(run.server_cpu))
        << ", \"bytes\": " << run.bytes << ", \"operations\": " << run.operations
        << ", \"extra\": " << object_of(run.extra) << "}";
    }
    s << "]}" << (i + 1 < results.size() ? "," : "") << "\n";
  }
  s << "]\n";
  return s.str();
}

}  // namespace fleet::bench
