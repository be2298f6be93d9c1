#include "bench/proc_text.hpp"

#include <gtest/gtest.h>

#include "bench/server_probe.hpp"

namespace fleet::bench {
namespace {

TEST(ParseProcStat, Typical) {
  const auto st = parse_proc_stat(
      "4242 (vsftpd) S 1 4242 4242 0 -1 4194560 150 0 0 0 12 34 56 78 20 0 1 0 12345 9000000 300 "
      "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->ppid, 1);
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->utime, 12u);
  EXPECT_EQ(st->stime, 34u);
  EXPECT_EQ(st->cutime, 56u);
  EXPECT_EQ(st->cstime, 78u);
  EXPECT_EQ(st->own_ticks(), 46u);
  EXPECT_EQ(st->reaped_ticks(), 134u);
}

TEST(ParseProcStat, NameWithSpacesAndParens) {
  const auto st = parse_proc_stat("77 (a) b (c) d) Z 12 77 77 0 -1 0 0 0 0 0 5 6 7 8 20 0 1 0 1 0 0\n");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 77);
  EXPECT_EQ(st->ppid, 12);
  EXPECT_EQ(st->state, 'Z');
  EXPECT_EQ(st->utime, 5u);
  EXPECT_EQ(st->cstime, 8u);
}

TEST(ParseProcStat, Rejects) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 (x) S 1 2 3"));
  EXPECT_FALSE(parse_proc_stat("x (y) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"));
}

TEST(ParseSchedstat, FirstFieldIsRunTime) {
  EXPECT_EQ(parse_schedstat_ns("88481 97194 2\n"), 88481u);
  EXPECT_EQ(parse_schedstat_ns("123456789012 0 0"), 123456789012u);
  EXPECT_FALSE(parse_schedstat_ns("12 34"));
  EXPECT_FALSE(parse_schedstat_ns(""));
  EXPECT_FALSE(parse_schedstat_ns("x 1 2"));
}

TEST(ParseKibField, SmapsRollup) {
  const char* text =
      "55d0c0a00000-7ffd5a3f2000 ---p 00000000 00:00 0                          [rollup]\n"
      "Rss:                4208 kB\n"
      "Pss:                1234 kB\n"
      "Pss_Anon:            800 kB\n"
      "Pss_File:            434 kB\n";
  EXPECT_EQ(parse_kib_field(text, "Pss"), 1234u);
  EXPECT_EQ(parse_kib_field(text, "Pss_Anon"), 800u);
  EXPECT_EQ(parse_kib_field(text, "Rss"), 4208u);
  EXPECT_FALSE(parse_kib_field(text, "Swap"));
}

TEST(ParseKibField, Meminfo) {
  const char* text =
      "MemTotal:       24684096 kB\nMemFree:        20072040 kB\nMemAvailable:   23156716 kB\n";
  EXPECT_EQ(parse_kib_field(text, "MemAvailable"), 23156716u);
  EXPECT_EQ(parse_kib_field(text, "MemTotal"), 24684096u);
  EXPECT_FALSE(parse_kib_field(text, "Mem"));
}

TEST(ParsePidList, Basics) {
  EXPECT_EQ(parse_pid_list("12"), std::vector<int>{12});
  EXPECT_EQ(parse_pid_list("12,34,5"), (std::vector<int>{12, 34, 5}));
  EXPECT_TRUE(parse_pid_list("").empty());
  EXPECT_THROW(parse_pid_list("12,"), std::invalid_argument);
  EXPECT_THROW(parse_pid_list("a"), std::invalid_argument);
  EXPECT_THROW(parse_pid_list("0"), std::invalid_argument);
}

TEST(ServerProbe, MeasuresThisProcess) {
  const ServerProbe self({static_cast<int>(getpid())});
  const auto s = self.sample(true);
  EXPECT_GE(s.processes, 1u);
  EXPECT_GT(s.pss_kib, 0u);
  EXPECT_GT(s.cpu_seconds, 0.0);
  EXPECT_TRUE(ServerProbe({}).empty());
}

}  // namespace
}  // namespace fleet::bench
