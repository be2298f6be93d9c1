#include "config/cluster_config.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "config/toml_reader.hpp"

namespace fleet::config {

namespace {

// The names of cluster::Rule as written in the file. fleet_config does not
// link fleet_cluster (it would drag the node link and OpenSSL into every
// config user), so the table cannot be cluster::rule_from_name; the tests of
// both parts pin the same six names.
constexpr std::array<std::pair<std::string_view, cluster::Rule>, 6> kRules{{
    {"path", cluster::Rule::PathRules},
    {"free_space", cluster::Rule::FreeSpace},
    {"transfers", cluster::Rule::Transfers},
    {"bandwidth", cluster::Rule::Bandwidth},
    {"spread", cluster::Rule::Spread},
    {"lru", cluster::Rule::Lru},
}};

constexpr long long kMaxCopies = 16;

std::string rule_names() {
  std::string names;
  for (const auto& [name, rule] : kRules) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

void read_rules(const TomlTable& section, const char* key, std::vector<cluster::Rule>& out) {
  if (!section.has(key)) return;
  std::vector<std::string> names;
  section.read_strings(key, names);
  // An empty list would make every node score the same, silently; more likely
  // a mistake than a wish for input order.
  if (names.empty()) section.fail(key, "must list at least one rule (" + rule_names() + ")");
  std::vector<cluster::Rule> rules;
  for (const std::string& name : names) {
    const auto* entry = std::find_if(kRules.begin(), kRules.end(), [&](const auto& e) { return e.first == name; });
    if (entry == kRules.end())
      section.fail_element(key, "unknown rule \"" + name + "\" (use " + rule_names() + ")");
    // A repeated rule would silently count twice, at two different weights.
    if (std::find(rules.begin(), rules.end(), entry->second) != rules.end())
      section.fail_element(key, "rule \"" + name + "\" is listed twice");
    rules.push_back(entry->second);
  }
  out = std::move(rules);
}

// Globs match absolute VFS paths; one without the leading '/' could never match.
std::string read_glob(const TomlTable& table) {
  if (!table.has("glob")) table.fail("glob", "is required");
  std::string glob;
  table.read("glob", glob);
  if (glob.empty() || glob.front() != '/')
    table.fail("glob", "must be an absolute path pattern starting with '/', like \"/archive/**\"");
  return glob;
}

std::vector<cluster::PathRule> read_path_rules(const TomlReader& reader) {
  std::vector<cluster::PathRule> rules;
  for (const TomlTable& table : reader.tables("placement.path")) {
    cluster::PathRule rule;
    rule.glob = read_glob(table);
    table.read_strings("prefer", rule.prefer);
    table.read_strings("avoid", rule.avoid);
    table.read_strings("forbid", rule.forbid);
    // Unknown keys are ignored, so a rule without any list is most likely a
    // misspelt key; say so rather than carry a rule that does nothing.
    if (rule.prefer.empty() && rule.avoid.empty() && rule.forbid.empty())
      table.fail_table("names no node in prefer, avoid or forbid");
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<cluster::ReplicationRule> read_replication_rules(const TomlReader& reader) {
  std::vector<cluster::ReplicationRule> rules;
  for (const TomlTable& table : reader.tables("replication.rule")) {
    cluster::ReplicationRule rule;
    rule.glob = read_glob(table);
    if (!table.has("copies")) table.fail("copies", "is required");
    table.read_int("copies", rule.copies, 1, kMaxCopies);
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

void read_cluster_config(const TomlReader& reader, ClusterConfig& out) {
  const TomlTable placement = reader.section("placement");
  read_rules(placement, "upload", out.placement.upload);
  read_rules(placement, "download", out.placement.download);
  if (placement.has("min_free_mb")) {
    std::uint64_t mb = 0;
    placement.read_int("min_free_mb", mb, 0, 1000000000);
    out.placement.min_free_bytes = mb << 20;
  }
  // Present lists replace the defaults; absent ones keep them.
  if (auto rules = read_path_rules(reader); !rules.empty()) out.placement.path_rules = std::move(rules);

  const TomlTable replication = reader.section("replication");
  replication.read_int("default", out.replication.default_copies, 1, kMaxCopies);
  if (auto rules = read_replication_rules(reader); !rules.empty()) out.replication.rules = std::move(rules);
  reader.read_duration("replication", "grace_seconds", out.rereplicate_after, 30 * 86400);
  replication.read_int("workers", out.replication_workers, 1, 64);

  const TomlTable cluster = reader.section("cluster");
  if (cluster.has("unknown_files")) {
    std::string policy;
    cluster.read("unknown_files", policy);
    if (policy == "adopt") out.unknown_files = meta::UnknownFilePolicy::Adopt;
    else if (policy == "quarantine") out.unknown_files = meta::UnknownFilePolicy::Quarantine;
    else cluster.fail("unknown_files", "must be \"adopt\" or \"quarantine\"");
  }

  reader.read_duration("scrub", "interval_seconds", out.scrub_interval, 365 * 86400);
}

}  // namespace fleet::config
