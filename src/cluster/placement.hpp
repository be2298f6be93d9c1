// Placement: which node takes an upload, and which copy serves a download.
//
// A policy is an ordered list of scoring rules per direction. Each rule gives
// every candidate node points (higher is better, weighted by its position:
// the first rule counts most), and some rules exclude nodes outright (a hard
// free-space floor, a path rule that forbids). rank() returns every candidate
// with each rule's contribution, so an operator can see why a node was chosen
// (SITE NODESELECT, `fleetftp nodes select`). Pure logic: no I/O, no clocks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleet::cluster {

// What placement knows about one node at decision time.
struct NodeLoad {
  std::string name;
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
  std::uint32_t active_transfers = 0;
  double bytes_per_second = 0;         // current throughput (sent + received)
  std::uint64_t last_chosen = 0;       // a monotonic counter value; 0 = never
  std::uint64_t files_in_directory = 0;  // files of the target directory it holds (spread)
  bool draining = false;               // takes no new uploads or copies
};

enum class Direction { Upload, Download };

// Rule names as written in the config.
enum class Rule {
  FreeSpace,   // "free_space": more free bytes (as a fraction of the best) scores higher
  Transfers,   // "transfers": fewer running transfers scores higher
  Bandwidth,   // "bandwidth": lower current throughput scores higher
  Spread,      // "spread": fewer files of the same directory scores higher
  Lru,         // "lru": chosen longest ago scores higher (the tie-break)
  PathRules,   // "path": prefer/avoid from path rules (forbid always applies)
};

std::optional<Rule> rule_from_name(std::string_view name);
std::string_view rule_name(Rule rule);

struct PathRule {
  std::string glob;                    // see glob.hpp
  std::vector<std::string> prefer;     // bonus
  std::vector<std::string> avoid;      // malus
  std::vector<std::string> forbid;     // excluded
};

struct PlacementPolicy {
  std::vector<Rule> upload = {Rule::PathRules, Rule::FreeSpace, Rule::Transfers, Rule::Spread, Rule::Lru};
  std::vector<Rule> download = {Rule::PathRules, Rule::Transfers, Rule::Bandwidth, Rule::Lru};
  std::uint64_t min_free_bytes = 1ull << 30;  // uploads never go to a node with less free space
  std::vector<PathRule> path_rules;           // every matching rule applies
};

struct RuleScore {
  Rule rule;
  double points = 0;  // 0..1 before weighting
};

struct Candidate {
  std::string node;
  bool eligible = true;
  std::string excluded_because;       // e.g. "free space 200 MiB below the 1024 MiB floor"
  std::vector<RuleScore> scores;      // in policy order
  double total = 0;                   // weighted sum; only meaningful if eligible
};

// Ranks `nodes` for `path`: eligible candidates first, best first; ties keep
// the input order. For a download, `nodes` are the online holders of the file.
std::vector<Candidate> rank(const PlacementPolicy& policy, Direction direction, std::string_view path,
                            const std::vector<NodeLoad>& nodes);

// A readable multi-line table of a ranking for operators (no trailing newline).
std::string explain(const std::vector<Candidate>& ranking, Direction direction, std::string_view path);

}  // namespace fleet::cluster
