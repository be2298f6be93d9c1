#include "cluster/placement.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fleet::cluster {
namespace {

constexpr std::uint64_t kGiB = 1ull << 30;
constexpr std::uint64_t kMiB = 1ull << 20;

NodeLoad node(std::string name, std::uint64_t free_gib = 100, std::uint64_t total_gib = 1000) {
  NodeLoad n;
  n.name = std::move(name);
  n.free_bytes = free_gib * kGiB;
  n.total_bytes = total_gib * kGiB;
  return n;
}

PlacementPolicy only(std::vector<Rule> rules) {
  PlacementPolicy p;
  p.upload = rules;
  p.download = rules;
  return p;
}

std::vector<std::string> order(const std::vector<Candidate>& ranking) {
  std::vector<std::string> names;
  for (const Candidate& c : ranking) names.push_back(c.node);
  return names;
}

const Candidate& find(const std::vector<Candidate>& ranking, const std::string& name) {
  for (const Candidate& c : ranking)
    if (c.node == name) return c;
  throw std::runtime_error("no candidate " + name);
}

double points(const std::vector<Candidate>& ranking, const std::string& name, Rule rule) {
  for (const RuleScore& s : find(ranking, name).scores)
    if (s.rule == rule) return s.points;
  throw std::runtime_error("no score");
}

using Names = std::vector<std::string>;

TEST(PlacementRules, NamesRoundTrip) {
  const std::vector<std::pair<std::string, Rule>> all = {
      {"path", Rule::PathRules}, {"free_space", Rule::FreeSpace}, {"transfers", Rule::Transfers},
      {"bandwidth", Rule::Bandwidth}, {"spread", Rule::Spread}, {"lru", Rule::Lru}};
  for (const auto& [name, rule] : all) {
    EXPECT_EQ(rule_from_name(name), rule) << name;
    EXPECT_EQ(rule_name(rule), name);
  }
  EXPECT_FALSE(rule_from_name("foo"));
  EXPECT_FALSE(rule_from_name("Free_Space"));
  EXPECT_FALSE(rule_from_name(""));
}

TEST(Placement, NoNodesNoCandidates) {
  EXPECT_TRUE(rank(PlacementPolicy{}, Direction::Upload, "/a", {}).empty());
  EXPECT_TRUE(rank(PlacementPolicy{}, Direction::Download, "/a", {}).empty());
}

TEST(Placement, FreeSpaceIsAFractionOfTheBest) {
  auto r = rank(only({Rule::FreeSpace}), Direction::Upload, "/a", {node("n1", 50), node("n2", 200), node("n3", 100)});
  EXPECT_EQ(order(r), (Names{"n2", "n3", "n1"}));
  EXPECT_DOUBLE_EQ(points(r, "n1", Rule::FreeSpace), 0.25);
  EXPECT_DOUBLE_EQ(points(r, "n2", Rule::FreeSpace), 1.0);
  EXPECT_DOUBLE_EQ(points(r, "n3", Rule::FreeSpace), 0.5);
  EXPECT_DOUBLE_EQ(find(r, "n3").total, 0.5);
}

TEST(Placement, FreeSpaceIsZeroWhenNobodyReportsAny) {
  auto a = node("a", 0, 0), b = node("b", 0, 0);
  auto r = rank(only({Rule::FreeSpace}), Direction::Upload, "/a", {a, b});
  EXPECT_EQ(order(r), (Names{"a", "b"}));
  EXPECT_DOUBLE_EQ(points(r, "a", Rule::FreeSpace), 0.0);
  EXPECT_TRUE(r[0].eligible);  // total_bytes == 0: disk not reported, so no floor
}

TEST(Placement, TransfersAndSpreadFavourTheLessBusy) {
  auto a = node("a"), b = node("b"), c = node("c");
  a.active_transfers = 3;
  b.active_transfers = 0;
  c.active_transfers = 1;
  auto r = rank(only({Rule::Transfers}), Direction::Upload, "/a", {a, b, c});
  EXPECT_EQ(order(r), (Names{"b", "c", "a"}));
  EXPECT_DOUBLE_EQ(points(r, "a", Rule::Transfers), 0.25);
  EXPECT_DOUBLE_EQ(points(r, "c", Rule::Transfers), 0.5);

  a.files_in_directory = 0;
  b.files_in_directory = 4;
  c.files_in_directory = 1;
  r = rank(only({Rule::Spread}), Direction::Upload, "/d/f", {a, b, c});
  EXPECT_EQ(order(r), (Names{"a", "c", "b"}));
  EXPECT_DOUBLE_EQ(points(r, "b", Rule::Spread), 0.2);
}

TEST(Placement, BandwidthRelativeToTheBusiest) {
  auto a = node("a"), b = node("b"), c = node("c");
  a.bytes_per_second = 100e6;
  b.bytes_per_second = 25e6;
  c.bytes_per_second = 0;
  auto r = rank(only({Rule::Bandwidth}), Direction::Download, "/f", {a, b, c});
  EXPECT_EQ(order(r), (Names{"c", "b", "a"}));
  EXPECT_DOUBLE_EQ(points(r, "a", Rule::Bandwidth), 0.0);
  EXPECT_DOUBLE_EQ(points(r, "b", Rule::Bandwidth), 0.75);
  EXPECT_DOUBLE_EQ(points(r, "c", Rule::Bandwidth), 1.0);

  a.bytes_per_second = b.bytes_per_second = c.bytes_per_second = 0;
  r = rank(only({Rule::Bandwidth}), Direction::Download, "/f", {a, b, c});
  for (const Candidate& cand : r) EXPECT_DOUBLE_EQ(cand.scores[0].points, 1.0);
}

TEST(Placement, LruIsByRankWithNeverChosenFirst) {
  auto a = node("a"), b = node("b"), c = node("c"), d = node("d");
  a.last_chosen = 9;
  b.last_chosen = 5;
  c.last_chosen = 0;  // never
  d.last_chosen = 5;
  auto r = rank(only({Rule::Lru}), Direction::Upload, "/a", {a, b, c, d});
  EXPECT_EQ(order(r), (Names{"c", "b", "d", "a"}));
  EXPECT_DOUBLE_EQ(points(r, "c", Rule::Lru), 1.0);
  EXPECT_DOUBLE_EQ(points(r, "b", Rule::Lru), 0.5);  // equal counters share a rank
  EXPECT_DOUBLE_EQ(points(r, "d", Rule::Lru), 0.5);
  EXPECT_DOUBLE_EQ(points(r, "a", Rule::Lru), 0.0);

  // Only the order counts, not the distance between counters.
  a.last_chosen = 1000000;
  b.last_chosen = d.last_chosen = 2;
  r = rank(only({Rule::Lru}), Direction::Upload, "/a", {a, b, c, d});
  EXPECT_DOUBLE_EQ(points(r, "b", Rule::Lru), 0.5);

  a.last_chosen = b.last_chosen = c.last_chosen = d.last_chosen = 7;
  r = rank(only({Rule::Lru}), Direction::Upload, "/a", {a, b, c, d});
  for (const Candidate& cand : r) EXPECT_DOUBLE_EQ(cand.scores[0].points, 1.0);
}

TEST(Placement, EarlierRulesWeighDouble) {
  // free_space (weight 4), transfers (2), lru (1).
  auto a = node("a", 100), b = node("b", 50);
  a.active_transfers = 1;
  a.last_chosen = 2;
  b.last_chosen = 1;
  auto r = rank(only({Rule::FreeSpace, Rule::Transfers, Rule::Lru}), Direction::Upload, "/a", {a, b});
  EXPECT_EQ(order(r), (Names{"a", "b"}));
  EXPECT_DOUBLE_EQ(find(r, "a").total, 4 * 1.0 + 2 * 0.5 + 1 * 0.0);
  EXPECT_DOUBLE_EQ(find(r, "b").total, 4 * 0.5 + 2 * 1.0 + 1 * 1.0);
  ASSERT_EQ(r[0].scores.size(), 3u);
  EXPECT_EQ(r[0].scores[0].rule, Rule::FreeSpace);
  EXPECT_EQ(r[0].scores[1].rule, Rule::Transfers);
  EXPECT_EQ(r[0].scores[2].rule, Rule::Lru);

  // The same loads, rules the other way round: the idle node wins.
  r = rank(only({Rule::Transfers, Rule::FreeSpace}), Direction::Upload, "/a", {a, b});
  EXPECT_EQ(order(r), (Names{"b", "a"}));
}

TEST(Placement, TiesKeepInputOrder) {
  auto r = rank(only({Rule::Transfers, Rule::Spread}), Direction::Upload, "/a",
                {node("z"), node("a"), node("m")});
  EXPECT_EQ(order(r), (Names{"z", "a", "m"}));
  r = rank(only({}), Direction::Upload, "/a", {node("z"), node("a")});
  EXPECT_EQ(order(r), (Names{"z", "a"}));
  EXPECT_TRUE(r[0].scores.empty());
  EXPECT_DOUBLE_EQ(r[0].total, 0.0);
}

TEST(Placement, UploadExcludesDrainingAndNodesBelowTheFloor) {
  PlacementPolicy p = only({Rule::FreeSpace});
  p.min_free_bytes = 1024 * kMiB;
  auto low = node("low");
  low.free_bytes = 200 * kMiB;
  auto edge = node("edge");
  edge.free_bytes = 1024 * kMiB - 1;
  auto drain = node("drain", 900);
  drain.draining = true;
  auto unknown = node("unknown", 0, 0);
  auto ok = node("ok", 10);
  auto r = rank(p, Direction::Upload, "/a", {low, drain, ok, edge, unknown});
  EXPECT_EQ(order(r), (Names{"ok", "unknown", "low", "drain", "edge"}));
  EXPECT_TRUE(find(r, "ok").eligible);
  EXPECT_TRUE(find(r, "unknown").eligible);
  EXPECT_FALSE(find(r, "low").eligible);
  EXPECT_EQ(find(r, "low").excluded_because, "free space 200 MiB below the 1024 MiB floor");
  EXPECT_EQ(find(r, "edge").excluded_because, "free space 1023.9 MiB below the 1024 MiB floor");
  EXPECT_EQ(find(r, "drain").excluded_because, "draining");
  EXPECT_TRUE(find(r, "ok").excluded_because.empty());

  // The draining node's 900 GiB do not shrink the eligible ones' points.
  EXPECT_DOUBLE_EQ(points(r, "ok", Rule::FreeSpace), 1.0);

  p.min_free_bytes = 100;
  auto tiny = node("tiny");
  tiny.free_bytes = 10;
  tiny.draining = true;
  r = rank(p, Direction::Upload, "/a", {tiny});
  EXPECT_EQ(r[0].excluded_because, "draining; free space 10 bytes below the 100 bytes floor");
}

TEST(Placement, WithNothingEligibleScoresAreRelativeToAll) {
  PlacementPolicy p = only({Rule::FreeSpace});
  auto a = node("a", 100), b = node("b", 50);
  a.draining = b.draining = true;
  auto r = rank(p, Direction::Upload, "/a", {b, a});
  EXPECT_EQ(order(r), (Names{"b", "a"}));  // ineligible ones keep input order
  EXPECT_DOUBLE_EQ(points(r, "b", Rule::FreeSpace), 0.5);
  EXPECT_DOUBLE_EQ(points(r, "a", Rule::FreeSpace), 1.0);
}

TEST(Placement, PathRulesPreferAvoidAndForbid) {
  PlacementPolicy p = only({Rule::PathRules, Rule::FreeSpace});
  p.path_rules = {
      {"/archive/**", {"n3"}, {"n1"}, {"n4"}},
      {"/archive/**/*.iso", {"n1"}, {}, {}},
      {"/pub/**", {"n2"}, {}, {"n3"}},  // does not match: ignored, forbid included
  };
  auto r = rank(p, Direction::Upload, "/archive/2024/x.iso",
                {node("n1", 100), node("n2", 100), node("n3", 10), node("n4", 100)});
  EXPECT_EQ(order(r), (Names{"n3", "n1", "n2", "n4"}));
  EXPECT_DOUBLE_EQ(points(r, "n1", Rule::PathRules), 0.5);  // preferred and avoided
  EXPECT_DOUBLE_EQ(points(r, "n2", Rule::PathRules), 0.5);  // not named
  EXPECT_DOUBLE_EQ(points(r, "n3", Rule::PathRules), 1.0);
  EXPECT_FALSE(find(r, "n4").eligible);
  EXPECT_EQ(find(r, "n4").excluded_because, "forbidden by path rule \"/archive/**\"");

  r = rank(p, Direction::Upload, "/archive/notes.txt", {node("n1", 100), node("n2", 50)});
  EXPECT_EQ(order(r), (Names{"n2", "n1"}));
  EXPECT_DOUBLE_EQ(points(r, "n1", Rule::PathRules), 0.0);
}

TEST(Placement, ForbidAppliesEvenWithoutThePathRule) {
  PlacementPolicy p = only({Rule::FreeSpace});
  p.path_rules = {{"/x/**", {}, {}, {"n1"}}};
  auto r = rank(p, Direction::Upload, "/x/f", {node("n1", 100), node("n2", 10)});
  EXPECT_EQ(order(r), (Names{"n2", "n1"}));
  EXPECT_FALSE(r[1].eligible);
}

TEST(Placement, DownloadForbidOnlyWhileAnotherHolderIsAllowed) {
  PlacementPolicy p = only({Rule::Transfers});
  p.path_rules = {{"/x/**", {}, {}, {"n1", "n2"}}};
  auto n1 = node("n1"), n2 = node("n2"), n3 = node("n3");
  n3.active_transfers = 9;
  auto r = rank(p, Direction::Download, "/x/f", {n1, n2, n3});
  EXPECT_EQ(order(r), (Names{"n3", "n1", "n2"}));
  EXPECT_FALSE(find(r, "n1").eligible);
  EXPECT_EQ(find(r, "n1").excluded_because, "forbidden by path rule \"/x/**\" (another holder can serve it)");

  // Only forbidden holders online: the file must stay readable.
  r = rank(p, Direction::Download, "/x/f", {n1, n2});
  EXPECT_EQ(order(r), (Names{"n1", "n2"}));
  EXPECT_TRUE(r[0].eligible);
  EXPECT_TRUE(r[1].eligible);
}

TEST(Placement, DownloadIgnoresDrainingAndTheFreeSpaceFloor) {
  PlacementPolicy p;  // default download rules
  auto full = node("full", 0);
  full.draining = true;
  auto r = rank(p, Direction::Download, "/f", {full});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].eligible);
  ASSERT_EQ(r[0].scores.size(), p.download.size());
  EXPECT_EQ(r[0].scores[2].rule, Rule::Bandwidth);
}

TEST(Placement, DefaultPolicyPrefersTheEmptierNode) {
  auto r = rank(PlacementPolicy{}, Direction::Upload, "/pub/f", {node("n1", 40), node("n2", 400)});
  EXPECT_EQ(order(r), (Names{"n2", "n1"}));
  ASSERT_EQ(r[0].scores.size(), 5u);
  EXPECT_DOUBLE_EQ(r[0].total, 16 * 0.5 + 8 * 1 + 4 * 1 + 2 * 1 + 1 * 1);
}

TEST(Placement, ExplainTable) {
  PlacementPolicy p = only({Rule::FreeSpace, Rule::Transfers});
  auto n1 = node("n1", 100), n2 = node("n2", 50), big = node("big", 400);
  n1.active_transfers = 1;
  big.draining = true;
  auto r = rank(p, Direction::Upload, "/a/b.iso", {big, n1, n2});
  EXPECT_EQ(explain(r, Direction::Upload, "/a/b.iso"),
            "upload placement for /a/b.iso\n"
            "1. n1   total=2.50 free_space=1.00 transfers=0.50\n"
            "2. n2   total=2.00 free_space=0.50 transfers=1.00\n"
            "3. big  total=3.00 free_space=1.00 transfers=1.00  excluded: draining");
  EXPECT_EQ(explain({}, Direction::Download, "/a/b.iso"), "download source for /a/b.iso");
}

TEST(Placement, ExplainAlignsRanksPastNine) {
  std::vector<NodeLoad> nodes;
  for (int i = 1; i <= 10; ++i) nodes.push_back(node("n" + std::to_string(i)));
  const std::string text = explain(rank(only({Rule::Lru}), Direction::Download, "/f", nodes), Direction::Download, "/f");
  EXPECT_NE(text.find("\n 1. n1   total=1.00 lru=1.00\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n10. n10  total=1.00 lru=1.00"), std::string::npos) << text;
  EXPECT_NE(text.back(), '\n');
}

}  // namespace
}  // namespace fleet::cluster
