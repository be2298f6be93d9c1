// idle: what a logged-in session that does nothing costs the server in
// memory. Opening stops at the requested count, at the time limit, or when
// the machine's available memory falls to the floor (forking servers can
// need gigabytes for ten thousand sessions, and the machine is shared).
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "bench/deadline.hpp"
#include "bench/parallel.hpp"
#include "bench/run_async.hpp"
#include "bench/scenario_common.hpp"
#include "bench/scenarios.hpp"
#include "bench/session_setup.hpp"
#include "net/use_tuple.hpp"

namespace fleet::bench {

namespace {

constexpr int kSessions = 10000;
constexpr double kOpenSeconds = 60;
constexpr int kOpeners = 32;
constexpr std::uint64_t kMaxFailures = 200;
// One session's connect and login; a server that stops accepting (a session
// cap reached) leaves connections waiting in its queue.
constexpr auto kOpenLimit = std::chrono::seconds(30);
// After the last login the server may still be settling (a forked session
// finishing its setup); memory is read after this pause.
constexpr auto kSettle = std::chrono::seconds(2);
// Bound on waiting for the server to release the sessions after a run.
constexpr auto kDrainLimit = std::chrono::seconds(60);

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, d);
  auto [ec] = co_await timer.async_wait(net::use_tuple);
  (void)ec;
}

std::uint64_t file_limit() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

}  // namespace

std::vector<ScenarioResult> scenario_idle(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "idle", "KiB/session", false);
  // Each session is one descriptor here; keep a margin for the rest.
  const int wanted = or_default(o.clients, kSessions);
  const int sessions = static_cast<int>(std::min<std::uint64_t>(std::uint64_t(wanted), file_limit() - 64));
  const double open_seconds = or_default(o.seconds, kOpenSeconds);
  result.parameters["sessions"] = std::to_string(sessions);
  result.parameters["open_limit_s"] = std::to_string(open_seconds);
  if (sessions < wanted) result.parameters["limited_by"] = "RLIMIT_NOFILE";
  if (probe.empty()) {
    result.error = "needs --server-pids";
    return {result};
  }

  // Servers rarely hand freed memory back to the system (malloc arenas, the
  // Python heap), so a second run measured from its own start would look
  // nearly free. Every run is measured against the server as it was before
  // it ever held the idle sessions.
  const auto baseline = probe.sample(true);
  repeat_runs(o, result, [&](int, RunSample& run) {
    const auto before = probe.sample(true);
    const auto avail_before = machine_mem_available_kib().value_or(0);
    const auto own_before = own_pss_kib();
    std::string stop_reason = "count reached";
    std::uint64_t failures = 0;
    std::string last_failure;
    ProcessSample after;
    std::uint64_t avail_after = 0, own_after = 0;
    double open_seconds_used = 0;

    const AsyncBody body = [&](asio::any_io_executor executor) -> asio::awaitable<void> {
      std::vector<std::unique_ptr<FtpClient>> open;
      open.reserve(static_cast<std::size_t>(sessions));
      int next = 0;
      const auto start = std::chrono::steady_clock::now();
      const auto deadline = start + std::chrono::duration<double>(open_seconds);
      bool stop = false;
      const std::uint64_t floor_kib =
          o.mem_floor_mib > 0 ? o.mem_floor_mib * 1024 : machine_mem_total_kib().value_or(0) / 4;
      const Worker opener = [&](int) -> asio::awaitable<void> {
        while (!stop && next < sessions) {
          if (std::chrono::steady_clock::now() >= deadline) {
            stop = true;
            stop_reason = "time limit";
            break;
          }
          if (next % 64 == 0 && machine_mem_available_kib().value_or(0) < floor_kib) {
            stop = true;
            stop_reason = "memory floor";
            break;
          }
          ++next;
          auto session = std::make_unique<FtpClient>(executor, o.mode);
          try {
            co_await within(kOpenLimit, *session, start_session(*session, o));
            open.push_back(std::move(session));
          } catch (const std::exception& e) {
            last_failure = e.what();
            if (++failures >= kMaxFailures) {
              stop = true;
              stop_reason = "failures: " + last_failure;
            }
          }
        }
      };
      co_await run_parallel(kOpeners, opener);
      open_seconds_used = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      run.operations = open.size();
      co_await sleep_for(kSettle);
      after = probe.sample(true);
      avail_after = machine_mem_available_kib().value_or(0);
      own_after = own_pss_kib();
      for (auto& c : open) c->close();
    };
    run_bounded(body, std::chrono::duration<double>(o.run_timeout), "idle");
    if (run.operations == 0) throw std::runtime_error("no session opened: " + last_failure);

    const double n = static_cast<double>(run.operations);
    run.seconds = open_seconds_used;
    run.value = (static_cast<double>(after.pss_kib) - static_cast<double>(baseline.pss_kib)) / n;
    run.extra["sessions_open"] = n;
    run.extra["open_rate_per_s"] = n / open_seconds_used;
    run.extra["server_pss_baseline_kib"] = static_cast<double>(baseline.pss_kib);
    run.extra["server_pss_before_kib"] = static_cast<double>(before.pss_kib);
    run.extra["server_pss_after_kib"] = static_cast<double>(after.pss_kib);
    run.extra["server_pss_anon_kib_per_session"] =
        (static_cast<double>(after.pss_anon_kib) - static_cast<double>(baseline.pss_anon_kib)) / n;
    run.extra["server_processes_after"] = static_cast<double>(after.processes);
    const double client_growth = static_cast<double>(own_after) - static_cast<double>(own_before);
    run.extra["client_kib_per_session"] = client_growth / n;
    // Whole machine: both ends' socket memory and kernel structures, minus
    // the growth of this process itself.
    run.extra["machine_kib_per_session"] =
        (static_cast<double>(avail_before) - static_cast<double>(avail_after) - client_growth) / n;
    run.extra["failures"] = static_cast<double>(failures);
    if (run.operations < static_cast<std::uint64_t>(sessions))
      result.parameters["stopped_by"] = stop_reason;
    std::cerr << "  idle: " << run.operations << " sessions open (" << stop_reason << ")" << std::endl;

    // Let the server let go of the sessions before the next run measures again.
    const auto drain_deadline = std::chrono::steady_clock::now() + kDrainLimit;
    while (probe.sample(false).processes > before.processes && std::chrono::steady_clock::now() < drain_deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::this_thread::sleep_for(std::chrono::seconds(1));
  });
  return {result};
}

}  // namespace fleet::bench
