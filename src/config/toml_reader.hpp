// Small typed accessors over a parsed TOML file that turn every mistake into
// one clear error naming the file and the key.
#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/port_range.hpp"

namespace fleet::config {

// One table of the file: a [section], a nested [a.b], or one entry of an
// array of tables ([[a.b]]). A missing table reads as empty, so every key
// keeps its default. It points into its TomlReader and must not outlive it.
class TomlTable {
 public:
  // `label` names the table in errors: "[placement]" or "[[placement.path]] #2".
  TomlTable(std::string file, std::string label, const toml::table* table)
      : file_(std::move(file)), label_(std::move(label)), table_(table) {}

  bool has(const char* key) const { return at(key) != nullptr; }

  void read(const char* key, std::string& out) const {
    if (auto node = at(key)) {
      if (auto v = node->value<std::string>()) out = *v;
      else fail(key, "must be a string");
    }
  }
  // Only TOML's true and false: 1, 0 or "yes" are mistakes worth a message.
  void read_bool(const char* key, bool& out) const {
    if (auto node = at(key)) {
      if (auto v = node->value_exact<bool>()) out = *v;
      else fail(key, "must be true or false");
    }
  }
  template <typename Int>
  void read_int(const char* key, Int& out, long long min, long long max) const {
    if (auto node = at(key)) {
      auto v = node->value<long long>();
      if (!v || *v < min || *v > max)
        fail(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      out = static_cast<Int>(*v);
    }
  }
  // key = ["a", "b"]; an empty array is read as such, so callers decide
  // whether it is allowed.
  void read_strings(const char* key, std::vector<std::string>& out) const {
    auto node = at(key);
    if (!node) return;
    auto* array = node->as_array();
    if (!array) fail(key, "must be an array of strings, like [\"a\", \"b\"]");
    std::vector<std::string> values;
    values.reserve(array->size());
    for (const toml::node& item : *array) {
      auto v = item.value<std::string>();
      if (!v) fail(key, "must be an array of strings, like [\"a\", \"b\"]");
      values.push_back(*v);
    }
    out = std::move(values);
  }

  // "master.toml: [ftp] port must be ..." — `why` continues the sentence.
  [[noreturn]] void fail(const char* key, const std::string& why) const {
    throw std::runtime_error(file_ + ": " + label_ + " " + key + " " + why);
  }
  // "master.toml: [placement] upload: unknown rule ..." — for a problem with
  // one element of the value rather than the value as a whole.
  [[noreturn]] void fail_element(const char* key, const std::string& what) const {
    throw std::runtime_error(file_ + ": " + label_ + " " + key + ": " + what);
  }
  // An error about the table itself rather than one key.
  [[noreturn]] void fail_table(const std::string& why) const {
    throw std::runtime_error(file_ + ": " + label_ + " " + why);
  }

 private:
  const toml::node* at(const char* key) const { return table_ ? table_->get(key) : nullptr; }

  std::string file_;
  std::string label_;
  const toml::table* table_;
};

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

  // A section by name; a dotted name ("a.b") is the nested table [a.b].
  TomlTable section(const char* name) const { return TomlTable(file_, "[" + std::string(name) + "]", find(name)); }

  // The entries of an array of tables ([[placement.path]] is "placement.path"),
  // in file order; none when it is absent.
  std::vector<TomlTable> tables(const char* name) const {
    std::vector<TomlTable> out;
    const std::string dotted = name;
    const auto dot = dotted.rfind('.');
    const toml::table* parent = dot == std::string::npos ? &table_ : find(dotted.substr(0, dot));
    const toml::node* node = parent ? parent->get(dot == std::string::npos ? dotted : dotted.substr(dot + 1)) : nullptr;
    if (!node) return out;
    auto* array = node->as_array();
    if (!array || !array->is_array_of_tables())
      throw std::runtime_error(file_ + ": " + dotted + " must be written as [[" + dotted + "]] tables");
    for (std::size_t i = 0; i < array->size(); ++i)
      out.emplace_back(file_, "[[" + dotted + "]] #" + std::to_string(i + 1), (*array)[i].as_table());
    return out;
  }

  void read(const char* section, const char* key, std::string& out) const { this->section(section).read(key, out); }
  template <typename Int>
  void read_int(const char* section, const char* key, Int& out, long long min, long long max) const {
    this->section(section).read_int(key, out, min, max);
  }
  void read_strings(const char* section, const char* key, std::vector<std::string>& out) const {
    this->section(section).read_strings(key, out);
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
    this->section(section).fail(key, why);
  }
  const std::string& file() const { return file_; }

 private:
  // Walks "a.b.c" through nested tables; nullptr if any part is missing or
  // not a table.
  const toml::table* find(std::string_view dotted) const {
    const toml::table* t = &table_;
    while (t) {
      const auto dot = dotted.find('.');
      t = t->get_as<toml::table>(dotted.substr(0, dot));
      if (dot == std::string_view::npos) break;
      dotted.remove_prefix(dot + 1);
    }
    return t;
  }

  std::string file_;
  toml::table table_;
};

}  // namespace fleet::config
