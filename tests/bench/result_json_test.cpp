#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "bench/result.hpp"

namespace fleet::bench {
namespace {

TEST(ResultJson, ParsesBackWithTheFiguresAndEscapedText) {
  ScenarioResult r;
  r.server = "pure-ftpd \"1.0.50\"\n";
  r.scenario = "retr";
  r.unit = "MB/s";
  r.parameters["size"] = "1GiB";
  r.error = "run 2 failed: 425 \\ no port";
  RunSample a;
  a.value = 2000;
  a.seconds = 0.5;
  a.server_cpu = -1;  // not measured
  a.bytes = 1ull << 30;
  a.extra["server_cpu_s_per_gb"] = std::nan("");
  r.runs.push_back(a);

  const auto j = nlohmann::json::parse(to_json({r}));
  ASSERT_EQ(j.size(), 1u);
  const auto& one = j[0];
  EXPECT_EQ(one["server"], r.server);
  EXPECT_EQ(one["error"], r.error);
  EXPECT_EQ(one["median"], 2000.0);
  EXPECT_EQ(one["parameters"]["size"], "1GiB");
  EXPECT_TRUE(one["runs"][0]["server_cpu_s"].is_null());
  EXPECT_TRUE(one["runs"][0]["extra"]["server_cpu_s_per_gb"].is_null());
  EXPECT_EQ(one["runs"][0]["bytes"], 1ull << 30);
}

TEST(ResultJson, AResultWithoutRunsHasNullMedians) {
  ScenarioResult r;
  r.server = "vsftpd";
  r.scenario = "list-MLSD";
  r.error = "MLSD: 500 Unknown command.";
  const auto j = nlohmann::json::parse(to_json({r}));
  EXPECT_TRUE(j[0]["median"].is_null());
  EXPECT_TRUE(j[0]["runs"].empty());
}

}  // namespace
}  // namespace fleet::bench
