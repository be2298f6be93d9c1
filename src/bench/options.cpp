#include "bench/options.hpp"

namespace fleet::bench {

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
