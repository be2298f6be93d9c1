#include "common/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace fleet {

void setup_logging(std::string_view level, std::string_view role) {
  const auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off")
    throw std::runtime_error("unknown log level \"" + std::string(level) + "\" (use debug, info, warn or error)");
  auto logger = spdlog::stderr_color_mt(std::string(role));
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

}  // namespace fleet
