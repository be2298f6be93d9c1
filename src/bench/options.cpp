#include "bench/options.hpp"

#include <algorithm>

namespace fleet::bench {

std::optional<std::string> options_problem(const Options& options) {
  const auto& s = options.scenarios;
  const bool small = std::any_of(s.begin(), s.end(), [](const std::string& name) {
    return name == "all" || name == "small-retr" || name == "small-stor";
  });
  if (!small || options.size == 0) return std::nullopt;
  const auto files = static_cast<std::uint64_t>(options.files > 0 ? options.files : kSmallFilesDefault);
  if (options.size <= kSmallFilesMaxBytes / files) return std::nullopt;
  return "the small-file scenarios would write " + std::to_string(files) + " files of " +
         std::to_string(options.size) + " bytes each (--size applies to every scenario named); run them on "
         "their own with a small --size, or fewer --files (at most " +
         std::to_string(kSmallFilesMaxBytes >> 30) + " GiB in all)";
}

std::optional<DataMode> parse_data_mode(const std::string& name) {
  if (name == "pasv") return DataMode::Pasv;
  if (name == "pret") return DataMode::Pret;
  if (name == "port") return DataMode::Port;
  if (name == "epsv") return DataMode::Epsv;
  return std::nullopt;
}

const char* data_mode_name(DataMode mode) {
  switch (mode) {
    case DataMode::Pasv: return "pasv";
    case DataMode::Pret: return "pret";
    case DataMode::Port: return "port";
    case DataMode::Epsv: return "epsv";
  }
  return "?";
}

}  // namespace fleet::bench
