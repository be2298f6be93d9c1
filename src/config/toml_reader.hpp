// Small typed accessors over a parsed TOML file that turn every mistake into
// one clear error naming the file and the key.
#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "config/port_range.hpp"

namespace fleet::config {

class TomlReader {
 public:
  explicit TomlReader(const std::filesystem::path& file) : file_(file.string()) {
    try {
      table_ = toml::parse_file(file_);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << file_ << ":" << e.source().begin.line << ": " << e.description();
      throw std::runtime_error(msg.str());
    }
  }

  void read(const char* section, const char* key, std::string& out) const {
    if (auto node = at(section, key)) {
      if (auto v = node->value<std::string>()) out = *v;
      else fail(section, key, "must be a string");
    }
  }
  template <typename Int>
  void read_int(const char* section, const char* key, Int& out, long long min, long long max) const {
    if (auto node = at(section, key)) {
      auto v = node->value<long long>();
      if (!v || *v < min || *v > max)
        fail(section, key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      out = static_cast<Int>(*v);
    }
  }
  template <typename Duration>
  void read_duration(const char* section, const char* key, Duration& out, long long max) const {
    long long count = out.count();
    read_int(section, key, count, 0, max);
    out = Duration(count);
  }
  void read_ports(const char* section, const char* key, PortRange& out) const {
    std::string text;
    read(section, key, text);
    if (text.empty()) return;
    auto r = parse_port_range(text);
    if (!r) fail(section, key, "must look like \"30000-30999\"");
    out = *r;
  }
  // key = "..." or key_file = "path" (the file's first line).
  void read_secret(const char* section, const char* key, std::string& out) const {
    read(section, key, out);
    std::string file_key = std::string(key) + "_file";
    std::string path;
    read(section, file_key.c_str(), path);
    if (!path.empty()) {
      std::ifstream in(path);
      if (!in || !std::getline(in, out)) fail(section, file_key.c_str(), "cannot read " + path);
    }
  }
  [[noreturn]] void fail(const char* section, const char* key, const std::string& why) const {
    throw std::runtime_error(file_ + ": [" + section + "] " + key + " " + why);
  }
  const std::string& file() const { return file_; }

 private:
  const toml::node* at(const char* section, const char* key) const {
    auto* sec = table_[section].as_table();
    return sec ? sec->get(key) : nullptr;
  }

  std::string file_;
  toml::table table_;
};

}  // namespace fleet::config
