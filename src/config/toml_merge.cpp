#include "config/toml_merge.hpp"

#include <toml++/toml.h>

#include <sstream>
#include <stdexcept>

namespace fleet::config {

namespace {

toml::table parse(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw std::runtime_error(name + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                             std::string(e.description()));
  }
}

// Merges `from` into `into`; `where` is the dotted path of `into`, for errors.
void merge_into(toml::table& into, const toml::table& from, const std::string& where, const std::string& name) {
  for (const auto& [key, value] : from) {
    const std::string path = where.empty() ? std::string(key.str()) : where + "." + std::string(key.str());
    toml::node* existing = into.get(key);
    const bool both_tables = existing && existing->is_table() && value.is_table();
    if (both_tables) {
      merge_into(*existing->as_table(), *value.as_table(), path, name);
      continue;
    }
    if (existing && existing->is_table() != value.is_table())
      throw std::runtime_error(name + ": '" + path + "' is a " + (value.is_table() ? "table" : "value") +
                               " here but a " + (existing->is_table() ? "table" : "value") +
                               " in the generated configuration");
    into.insert_or_assign(key, value);
  }
}

}  // namespace

std::string merge_toml(std::string_view generated, std::string_view overlay, const std::string& overlay_name) {
  toml::table base = parse(generated, "generated configuration");
  merge_into(base, parse(overlay, overlay_name), "", overlay_name);
  std::ostringstream out;
  out << base << "\n";
  return out.str();
}

}  // namespace fleet::config
