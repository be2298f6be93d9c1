#include "cluster/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <utility>

#include "cluster/glob.hpp"

namespace fleet::cluster {

namespace {

constexpr std::array<std::pair<Rule, std::string_view>, 6> kRuleNames{{
    {Rule::PathRules, "path"},
    {Rule::FreeSpace, "free_space"},
    {Rule::Transfers, "transfers"},
    {Rule::Bandwidth, "bandwidth"},
    {Rule::Spread, "spread"},
    {Rule::Lru, "lru"},
}};

bool lists(const std::vector<std::string>& names, std::string_view node) {
  return std::find(names.begin(), names.end(), node) != names.end();
}

// What the path rules matching the target path say about one node.
struct PathVerdict {
  bool preferred = false;
  bool avoided = false;
  const PathRule* forbidden_by = nullptr;  // the first matching rule that forbids it
};

PathVerdict judge(const std::vector<const PathRule*>& matching, std::string_view node) {
  PathVerdict v;
  for (const PathRule* rule : matching) {
    v.preferred = v.preferred || lists(rule->prefer, node);
    v.avoided = v.avoided || lists(rule->avoid, node);
    if (!v.forbidden_by && lists(rule->forbid, node)) v.forbidden_by = rule;
  }
  return v;
}

// Sizes in the unit of the config (min_free_mb), exact where possible.
std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t mib = 1ull << 20;
  if (bytes < mib) return fmt::format("{} bytes", bytes);
  if (bytes % mib == 0) return fmt::format("{} MiB", bytes / mib);
  // Rounded down so that a value just under the floor never prints as equal to it.
  return fmt::format("{:.1f} MiB", std::floor(static_cast<double>(bytes) * 10 / mib) / 10);
}

// Garbage throughput figures (negative, NaN) count as an idle node.
double throughput(const NodeLoad& n) {
  return std::isfinite(n.bytes_per_second) && n.bytes_per_second > 0 ? n.bytes_per_second : 0;
}

// The figures the relative rules (free_space, bandwidth, lru) compare with.
// They come from the eligible candidates only: a node that cannot be chosen
// must not shrink the differences between the ones that can, because that
// would let later rules outvote an earlier one. When nothing is eligible the
// numbers are still shown, relative to every candidate.
struct Reference {
  std::uint64_t max_free = 0;
  double max_bps = 0;
  std::vector<std::uint64_t> chosen_at;  // distinct last_chosen values, ascending
};

Reference reference(const std::vector<NodeLoad>& nodes, const std::vector<Candidate>& candidates) {
  const bool any_eligible =
      std::any_of(candidates.begin(), candidates.end(), [](const Candidate& c) { return c.eligible; });
  Reference ref;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (any_eligible && !candidates[i].eligible) continue;
    ref.max_free = std::max(ref.max_free, nodes[i].free_bytes);
    ref.max_bps = std::max(ref.max_bps, throughput(nodes[i]));
    ref.chosen_at.push_back(nodes[i].last_chosen);
  }
  std::sort(ref.chosen_at.begin(), ref.chosen_at.end());
  ref.chosen_at.erase(std::unique(ref.chosen_at.begin(), ref.chosen_at.end()), ref.chosen_at.end());
  return ref;
}

double points_for(Rule rule, const NodeLoad& n, const PathVerdict& verdict, const Reference& ref) {
  switch (rule) {
    case Rule::FreeSpace:
      if (ref.max_free == 0) return 0;
      return std::min(1.0, static_cast<double>(n.free_bytes) / static_cast<double>(ref.max_free));
    case Rule::Transfers:
      return 1.0 / (1.0 + n.active_transfers);
    case Rule::Bandwidth:
      if (ref.max_bps <= 0) return 1;
      return std::max(0.0, 1.0 - throughput(n) / ref.max_bps);
    case Rule::Spread:
      return 1.0 / (1.0 + static_cast<double>(n.files_in_directory));
    case Rule::Lru: {
      // By rank, not by counter distance: how long ago in counter units says
      // nothing about load, only the order matters. Equal counters share a rank.
      const std::size_t distinct = ref.chosen_at.size();
      if (distinct <= 1) return 1;
      const auto newer_than =
          std::lower_bound(ref.chosen_at.begin(), ref.chosen_at.end(), n.last_chosen) - ref.chosen_at.begin();
      return std::clamp(1.0 - static_cast<double>(newer_than) / static_cast<double>(distinct - 1), 0.0, 1.0);
    }
    case Rule::PathRules:
      if (verdict.preferred == verdict.avoided) return 0.5;
      return verdict.preferred ? 1 : 0;
  }
  return 0;
}

std::string forbidden_text(const PathRule& rule) { return fmt::format("forbidden by path rule \"{}\"", rule.glob); }

}  // namespace

std::optional<Rule> rule_from_name(std::string_view name) {
  for (const auto& [rule, text] : kRuleNames)
    if (text == name) return rule;
  return std::nullopt;
}

std::string_view rule_name(Rule rule) {
  for (const auto& [r, text] : kRuleNames)
    if (r == rule) return text;
  return "?";
}

std::vector<Candidate> rank(const PlacementPolicy& policy, Direction direction, std::string_view path,
                            const std::vector<NodeLoad>& nodes) {
  std::vector<const PathRule*> matching;
  for (const PathRule& rule : policy.path_rules)
    if (glob_match(rule.glob, path)) matching.push_back(&rule);

  std::vector<PathVerdict> verdicts;
  verdicts.reserve(nodes.size());
  for (const NodeLoad& n : nodes) verdicts.push_back(judge(matching, n.name));

  // A download must stay possible while any copy is online, so a forbid only
  // steers reads away from a node when some other holder is allowed; when
  // every holder is forbidden, none is excluded.
  const bool some_holder_allowed =
      std::any_of(verdicts.begin(), verdicts.end(), [](const PathVerdict& v) { return !v.forbidden_by; });

  std::vector<Candidate> out(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeLoad& n = nodes[i];
    Candidate& c = out[i];
    c.node = n.name;
    std::vector<std::string> reasons;
    if (direction == Direction::Upload) {
      if (n.draining) reasons.push_back("draining");
      // total_bytes == 0: the node has not reported its disk yet; do not
      // lock it out on a zero that means "unknown".
      if (n.total_bytes > 0 && n.free_bytes < policy.min_free_bytes)
        reasons.push_back(fmt::format("free space {} below the {} floor", size_text(n.free_bytes),
                                      size_text(policy.min_free_bytes)));
      if (verdicts[i].forbidden_by) reasons.push_back(forbidden_text(*verdicts[i].forbidden_by));
    } else if (verdicts[i].forbidden_by && some_holder_allowed) {
      reasons.push_back(forbidden_text(*verdicts[i].forbidden_by) + " (another holder can serve it)");
    }
    c.eligible = reasons.empty();
    for (const std::string& reason : reasons)
      c.excluded_because += (c.excluded_because.empty() ? "" : "; ") + reason;
  }

  const std::vector<Rule>& rules = direction == Direction::Upload ? policy.upload : policy.download;
  const Reference ref = reference(nodes, out);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    Candidate& c = out[i];
    c.scores.reserve(rules.size());
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const double points = points_for(rules[r], nodes[i], verdicts[i], ref);
      c.scores.push_back(RuleScore{rules[r], points});
      // Weight 2^(n-1-r): one full point on a rule outweighs every later
      // rule together, yet the result stays a plain sum an operator can add up.
      c.total += std::ldexp(points, static_cast<int>(rules.size() - 1 - r));
    }
  }

  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.eligible != b.eligible) return a.eligible;
    return a.eligible && a.total > b.total;
  });
  return out;
}

std::string explain(const std::vector<Candidate>& ranking, Direction direction, std::string_view path) {
  std::string text =
      fmt::format("{} {}", direction == Direction::Upload ? "upload placement for" : "download source for", path);
  std::size_t name_width = 0;
  std::size_t rank_width = fmt::formatted_size("{}", ranking.size());
  for (const Candidate& c : ranking) name_width = std::max(name_width, c.node.size());
  for (std::size_t i = 0; i < ranking.size(); ++i) {
    const Candidate& c = ranking[i];
    text += fmt::format("\n{:>{}}. {:<{}}  total={:.2f}", i + 1, rank_width, c.node, name_width, c.total);
    for (const RuleScore& s : c.scores) text += fmt::format(" {}={:.2f}", rule_name(s.rule), s.points);
    if (!c.eligible) text += fmt::format("  excluded: {}", c.excluded_because);
  }
  return text;
}

}  // namespace fleet::cluster
