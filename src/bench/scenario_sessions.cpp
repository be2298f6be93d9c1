// sessions: how fast a server takes a whole short session — connect,
// greeting, login, PWD, QUIT — which is dominated by process creation in
// forking servers and by password hashing where it is deliberately slow.
#include <chrono>

#include "bench/deadline.hpp"
#include "bench/meter.hpp"
#include "bench/parallel.hpp"
#include "bench/run_async.hpp"
#include "bench/scenario_common.hpp"
#include "bench/scenarios.hpp"
#include "bench/session_setup.hpp"

namespace fleet::bench {

namespace {

constexpr int kWorkers = 8;
constexpr double kSeconds = 5;
// A server that refuses everything should not be hammered for the whole run.
constexpr std::uint64_t kMaxFailures = 1000;
constexpr auto kSessionLimit = std::chrono::seconds(30);

asio::awaitable<void> one_session(FtpClient& client, const Options& o) {
  co_await client.connect(o.host, o.port);
  co_await client.login(o.login_user(), o.login_password());
  co_await client.require_ok("PWD");
  co_await client.quit();
}

}  // namespace

std::vector<ScenarioResult> scenario_sessions(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "sessions", "sessions/s", true);
  const int workers = or_default(o.clients, kWorkers);
  const double seconds = or_default(o.seconds, kSeconds);
  result.parameters["workers"] = std::to_string(workers);
  result.parameters["seconds"] = std::to_string(seconds);

  repeat_runs(o, result, [&](int, RunSample& run) {
    std::uint64_t failures = 0;
    std::string last_failure;
    const AsyncBody body = [&](asio::any_io_executor executor) -> asio::awaitable<void> {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
      const Worker worker = [&](int) -> asio::awaitable<void> {
        while (std::chrono::steady_clock::now() < deadline && failures < kMaxFailures) {
          FtpClient client(executor, o.mode);
          try {
            co_await within(kSessionLimit, client, one_session(client, o));
            ++run.operations;
          } catch (const std::exception& e) {
            ++failures;
            last_failure = e.what();
          }
        }
      };
      Meter meter(probe);
      co_await run_parallel(workers, worker);
      meter.stop(run);
    };
    run_bounded(body, std::chrono::duration<double>(o.run_timeout), "sessions");
    if (run.operations == 0) throw std::runtime_error("no session succeeded: " + last_failure);
    run.value = static_cast<double>(run.operations) / run.seconds;
    run.extra["failures"] = static_cast<double>(failures);
    add_cpu_per_operation(run, "session");
  });
  return {result};
}

}  // namespace fleet::bench
