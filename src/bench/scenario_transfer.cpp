// retr, stor, parallel-retr, parallel-stor: bulk throughput.
#include <memory>
#include <vector>

#include "bench/meter.hpp"
#include "bench/parallel.hpp"
#include "bench/run_async.hpp"
#include "bench/scenario_common.hpp"
#include "bench/scenarios.hpp"
#include "bench/session_setup.hpp"

namespace fleet::bench {

namespace {

constexpr std::uint64_t kRetrSize = 1ull << 30;
constexpr std::uint64_t kStorSize = 512ull << 20;
constexpr std::uint64_t kParallelSize = 20ull << 20;
constexpr int kParallelClients = 50;
constexpr int kParallelFiles = 3;
// Uploading the parallel-retr files is preparation; this many sessions do it.
constexpr int kPrepareSessions = 8;

void finish_throughput(RunSample& run) {
  run.value = run.seconds > 0 ? static_cast<double>(run.bytes) / 1e6 / run.seconds : 0;
  add_cpu_per_gb(run);
}

std::string parallel_name(std::uint64_t size, int client, int file) {
  return "par-" + size_label(size) + "-c" + std::to_string(client) + "-f" + std::to_string(file) + ".bin";
}

std::chrono::duration<double> limit_of(const Options& o) { return std::chrono::duration<double>(o.run_timeout); }

}  // namespace

std::vector<ScenarioResult> scenario_retr(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "retr", "MB/s", true);
  const auto size = or_default(o.size, kRetrSize);
  result.parameters["size"] = size_label(size);
  const std::string name = "bench-retr-" + size_label(size) + ".bin";
  const auto source = payload(kDataBuffer);

  const AsyncBody upload = [&](asio::any_io_executor) -> asio::awaitable<void> {
    auto client = co_await open_session(o);
    co_await ensure_file(*client, name, size, source);
    co_await client->quit();
  };
  if (!prepare(o, result, upload)) return {result};

  std::vector<char> scratch(kDataBuffer);
  repeat_runs(o, result, [&](int, RunSample& run) {
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      auto client = co_await open_session(o);
      Meter meter(probe);
      run.bytes = co_await client->retrieve(name, scratch);
      meter.stop(run);
      run.operations = 1;
      co_await client->quit();
    };
    run_bounded(body, limit_of(o), "retr");
    if (run.bytes != size) throw std::runtime_error("RETR gave " + std::to_string(run.bytes) + " bytes");
    finish_throughput(run);
  });
  return {result};
}

std::vector<ScenarioResult> scenario_stor(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "stor", "MB/s", true);
  const auto size = or_default(o.size, kStorSize);
  result.parameters["size"] = size_label(size);
  const auto source = payload(kDataBuffer);
  const std::string tag = unique_tag();

  repeat_runs(o, result, [&](int index, RunSample& run) {
    // A new name every run: some servers refuse anonymous overwrites.
    const std::string name = "bench-stor-" + tag + "-" + std::to_string(index) + ".bin";
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      auto client = co_await open_session(o);
      Meter meter(probe);
      co_await client->store(name, size, source);
      meter.stop(run);
      run.bytes = size;
      run.operations = 1;
      // Not timed; servers that forbid DELE keep the file (the runner cleans up).
      (void)co_await client->command("DELE " + name);
      co_await client->quit();
    };
    run_bounded(body, limit_of(o), "stor");
    finish_throughput(run);
  });
  return {result};
}

std::vector<ScenarioResult> scenario_parallel_retr(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "parallel-retr", "MB/s", true);
  const auto size = or_default(o.size, kParallelSize);
  const int clients = or_default(o.clients, kParallelClients);
  const int files = or_default(o.files, kParallelFiles);
  result.parameters["size"] = size_label(size);
  result.parameters["clients"] = std::to_string(clients);
  result.parameters["files_per_client"] = std::to_string(files);
  const auto source = payload(kDataBuffer);

  const AsyncBody upload = [&](asio::any_io_executor) -> asio::awaitable<void> {
    const int total = clients * files;
    const Worker uploader = [&](int worker) -> asio::awaitable<void> {
      auto client = co_await open_session(o);
      for (int k = worker; k < total; k += kPrepareSessions)
        co_await ensure_file(*client, parallel_name(size, k / files, k % files), size, source);
      co_await client->quit();
    };
    co_await run_parallel(kPrepareSessions, uploader);
  };
  if (!prepare(o, result, upload)) return {result};

  repeat_runs(o, result, [&](int, RunSample& run) {
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      // Log in first: the measurement is of transfers, not of logins.
      std::vector<std::unique_ptr<FtpClient>> sessions(static_cast<std::size_t>(clients));
      const Worker opener = [&](int i) -> asio::awaitable<void> { sessions[std::size_t(i)] = co_await open_session(o); };
      co_await run_parallel(clients, opener);
      std::vector<std::vector<char>> scratch(static_cast<std::size_t>(clients), std::vector<char>(kDataBuffer));
      std::uint64_t bytes = 0;
      const Worker downloader = [&](int i) -> asio::awaitable<void> {
        for (int f = 0; f < files; ++f)
          bytes += co_await sessions[std::size_t(i)]->retrieve(parallel_name(size, i, f), scratch[std::size_t(i)]);
      };
      Meter meter(probe);
      co_await run_parallel(clients, downloader);
      meter.stop(run);
      run.bytes = bytes;
      run.operations = static_cast<std::uint64_t>(clients * files);
      const Worker closer = [&](int i) -> asio::awaitable<void> { co_await sessions[std::size_t(i)]->quit(); };
      co_await run_parallel(clients, closer);
    };
    run_bounded(body, limit_of(o), "parallel-retr");
    if (run.bytes != size * static_cast<std::uint64_t>(clients * files))
      throw std::runtime_error("parallel RETR gave " + std::to_string(run.bytes) + " bytes");
    finish_throughput(run);
  });
  return {result};
}

std::vector<ScenarioResult> scenario_parallel_stor(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "parallel-stor", "MB/s", true);
  const auto size = or_default(o.size, kParallelSize);
  const int clients = or_default(o.clients, kParallelClients);
  const int files = or_default(o.files, kParallelFiles);
  result.parameters["size"] = size_label(size);
  result.parameters["clients"] = std::to_string(clients);
  result.parameters["files_per_client"] = std::to_string(files);
  const auto source = payload(kDataBuffer);
  const std::string tag = unique_tag();

  repeat_runs(o, result, [&](int index, RunSample& run) {
    const auto name = [&](int client, int file) {
      return "pstor-" + tag + "-r" + std::to_string(index) + "-c" + std::to_string(client) + "-f" +
             std::to_string(file) + ".bin";
    };
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      std::vector<std::unique_ptr<FtpClient>> sessions(static_cast<std::size_t>(clients));
      const Worker opener = [&](int i) -> asio::awaitable<void> { sessions[std::size_t(i)] = co_await open_session(o); };
      co_await run_parallel(clients, opener);
      const Worker uploader = [&](int i) -> asio::awaitable<void> {
        for (int f = 0; f < files; ++f) co_await sessions[std::size_t(i)]->store(name(i, f), size, source);
      };
      Meter meter(probe);
      co_await run_parallel(clients, uploader);
      meter.stop(run);
      run.bytes = size * static_cast<std::uint64_t>(clients * files);
      run.operations = static_cast<std::uint64_t>(clients * files);
      const Worker cleaner = [&](int i) -> asio::awaitable<void> {
        for (int f = 0; f < files; ++f) (void)co_await sessions[std::size_t(i)]->command("DELE " + name(i, f));
        co_await sessions[std::size_t(i)]->quit();
      };
      co_await run_parallel(clients, cleaner);
    };
    run_bounded(body, limit_of(o), "parallel-stor");
    finish_throughput(run);
  });
  return {result};
}

}  // namespace fleet::bench
