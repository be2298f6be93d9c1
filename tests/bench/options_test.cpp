#include "bench/options.hpp"

#include <gtest/gtest.h>

namespace fleet::bench {
namespace {

Options with(std::vector<std::string> scenarios, std::uint64_t size, int files = 0) {
  Options o;
  o.scenarios = std::move(scenarios);
  o.size = size;
  o.files = files;
  return o;
}

TEST(OptionsProblem, ALargeSizeIsFineForTheBulkScenarios) {
  EXPECT_FALSE(options_problem(with({"retr", "stor", "parallel-retr"}, 8ull << 30)));
}

TEST(OptionsProblem, ALargeSizeWithSmallFileScenariosIsRefused) {
  for (const char* name : {"all", "small-retr", "small-stor"}) {
    const auto problem = options_problem(with({"retr", name}, 512ull << 20));
    ASSERT_TRUE(problem) << name;
    EXPECT_NE(problem->find("1000 files of 536870912 bytes"), std::string::npos) << *problem;
  }
}

TEST(OptionsProblem, TheLimitCountsTheFiles) {
  const std::uint64_t largest = kSmallFilesMaxBytes / 1000;  // with the default 1,000 files
  EXPECT_FALSE(options_problem(with({"small-stor"}, largest)));
  EXPECT_TRUE(options_problem(with({"small-stor"}, largest + 1)));
  EXPECT_FALSE(options_problem(with({"small-stor"}, 512ull << 20, 8)));   // 8 x 512 MiB
  EXPECT_TRUE(options_problem(with({"small-stor"}, 512ull << 20, 9)));
}

TEST(OptionsProblem, NoSizeMeansTheScenarioDefaults) {
  EXPECT_FALSE(options_problem(with({"all"}, 0)));
}

}  // namespace
}  // namespace fleet::bench
