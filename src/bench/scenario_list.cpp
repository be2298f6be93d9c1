// list: LIST and MLSD of one big directory: the cost of producing a listing
// (reading directory entries or metadata, formatting, sending).
#include <chrono>

#include "bench/meter.hpp"
#include "bench/parallel.hpp"
#include "bench/run_async.hpp"
#include "bench/scenario_common.hpp"
#include "bench/scenarios.hpp"
#include "bench/session_setup.hpp"

namespace fleet::bench {

namespace {

constexpr int kEntries = 10000;
constexpr int kPrepareSessions = 8;

std::string entry_name(int i) {
  std::string n = std::to_string(i);
  return "e" + std::string(n.size() < 6 ? 6 - n.size() : 0, '0') + n;
}

ScenarioResult measure_listing(const Options& o, const ServerProbe& probe, const std::string& dir, int entries,
                               const std::string& verb) {
  auto result = new_result(o, "list-" + verb, "ms", false);
  result.parameters["entries"] = std::to_string(entries);
  std::vector<char> scratch(kDataBuffer);
  repeat_runs(o, result, [&](int, RunSample& run) {
    ListingResult listing;
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      auto client = co_await open_session(o, dir);
      Meter meter(probe);
      listing = co_await client->listing(verb, scratch);
      meter.stop(run);
      co_await client->quit();
    };
    run_bounded(body, std::chrono::duration<double>(o.run_timeout), "list " + verb);
    // A listing that silently stops short would look fast.
    if (listing.lines < static_cast<std::uint64_t>(entries))
      throw std::runtime_error(verb + " gave " + std::to_string(listing.lines) + " lines for " +
                               std::to_string(entries) + " entries");
    run.bytes = listing.bytes;
    run.operations = 1;
    run.value = run.seconds * 1000;
    run.extra["lines"] = static_cast<double>(listing.lines);
    run.extra["client_cpu_ms"] = run.client_cpu * 1000;
    if (run.server_cpu >= 0) run.extra["server_cpu_ms"] = run.server_cpu * 1000;
  });
  return result;
}

}  // namespace

std::vector<ScenarioResult> scenario_list(const Options& o, const ServerProbe& probe) {
  const int entries = or_default(o.files, kEntries);
  const std::string dir = "list-" + std::to_string(entries);
  auto prep_result = new_result(o, "list-LIST", "ms", false);

  // Empty files, created once; the last one marks the directory complete.
  const AsyncBody create = [&](asio::any_io_executor) -> asio::awaitable<void> {
    {
      auto check = co_await open_session(o, dir);
      const auto last_size = co_await check->size(entry_name(entries - 1));
      const bool complete = last_size.has_value();
      co_await check->quit();
      if (complete) co_return;
    }
    const std::vector<char> nothing(1);
    const Worker creator = [&](int w) -> asio::awaitable<void> {
      auto client = co_await open_session(o, dir);
      for (int i = w; i < entries - 1; i += kPrepareSessions) {
        // An entry left by an interrupted earlier preparation may not be
        // overwritable (anonymous); it exists, which is all that matters.
        try {
          co_await client->store(entry_name(i), 0, nothing);
        } catch (const FtpError&) {
        }
      }
      co_await client->quit();
    };
    co_await run_parallel(kPrepareSessions, creator);
    auto last = co_await open_session(o, dir);
    co_await last->store(entry_name(entries - 1), 0, nothing);
    co_await last->quit();
  };
  if (!prepare(o, prep_result, create)) {
    auto mlsd = prep_result;
    mlsd.scenario = "list-MLSD";
    return {prep_result, mlsd};
  }
  return {measure_listing(o, probe, dir, entries, "LIST"), measure_listing(o, probe, dir, entries, "MLSD")};
}

}  // namespace fleet::bench
