// small-retr, small-stor: many small files one after another, where the cost
// is per file (a data connection, a reply round trip, metadata), not per byte.
#include <iostream>
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

constexpr std::uint64_t kSmallSize = 4096;
constexpr int kSmallFiles = kSmallFilesDefault;
constexpr int kSmallClients = 1;
constexpr int kPrepareSessions = 4;

std::string small_name(int i) {
  std::string n = std::to_string(i);
  return "f" + std::string(n.size() < 5 ? 5 - n.size() : 0, '0') + n;
}

void finish_files_per_second(RunSample& run) {
  run.value = run.seconds > 0 ? static_cast<double>(run.operations) / run.seconds : 0;
  add_cpu_per_operation(run, "file");
}

}  // namespace

std::vector<ScenarioResult> scenario_small_retr(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "small-retr", "files/s", true);
  const auto size = or_default(o.size, kSmallSize);
  const int files = or_default(o.files, kSmallFiles);
  const int clients = std::min(or_default(o.clients, kSmallClients), files);
  result.parameters["size"] = size_label(size);
  result.parameters["files"] = std::to_string(files);
  result.parameters["clients"] = std::to_string(clients);
  const std::string dir = "small-" + size_label(size) + "-" + std::to_string(files);
  const auto source = payload(static_cast<std::size_t>(std::min<std::uint64_t>(size, kDataBuffer)));

  const AsyncBody upload = [&](asio::any_io_executor) -> asio::awaitable<void> {
    {
      auto probe_session = co_await open_session(o, dir);
      // The last file is written last: when it is complete, all are.
      const auto last_size = co_await probe_session->size(small_name(files - 1));
      const bool complete = last_size && *last_size == size;
      co_await probe_session->quit();
      if (complete) co_return;
    }
    const Worker uploader = [&](int w) -> asio::awaitable<void> {
      auto client = co_await open_session(o, dir);
      for (int i = w; i < files - 1; i += kPrepareSessions) co_await ensure_file(*client, small_name(i), size, source);
      co_await client->quit();
    };
    co_await run_parallel(kPrepareSessions, uploader);
    auto last = co_await open_session(o, dir);
    co_await ensure_file(*last, small_name(files - 1), size, source);
    co_await last->quit();
  };
  if (!prepare(o, result, upload)) return {result};

  repeat_runs(o, result, [&](int, RunSample& run) {
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      std::vector<std::unique_ptr<FtpClient>> sessions(static_cast<std::size_t>(clients));
      const Worker opener = [&](int c) -> asio::awaitable<void> { sessions[std::size_t(c)] = co_await open_session(o, dir); };
      co_await run_parallel(clients, opener);
      std::vector<std::vector<char>> scratch(static_cast<std::size_t>(clients), std::vector<char>(64 * 1024));
      const Worker reader = [&](int c) -> asio::awaitable<void> {
        for (int i = c; i < files; i += clients) {
          run.bytes += co_await sessions[std::size_t(c)]->retrieve(small_name(i), scratch[std::size_t(c)]);
          ++run.operations;
        }
      };
      Meter meter(probe);
      co_await run_parallel(clients, reader);
      meter.stop(run);
      const Worker closer = [&](int c) -> asio::awaitable<void> { co_await sessions[std::size_t(c)]->quit(); };
      co_await run_parallel(clients, closer);
    };
    run_bounded(body, std::chrono::duration<double>(o.run_timeout), "small-retr");
    finish_files_per_second(run);
  });
  return {result};
}

std::vector<ScenarioResult> scenario_small_stor(const Options& o, const ServerProbe& probe) {
  auto result = new_result(o, "small-stor", "files/s", true);
  const auto size = or_default(o.size, kSmallSize);
  const int files = or_default(o.files, kSmallFiles);
  const int clients = std::min(or_default(o.clients, kSmallClients), files);
  result.parameters["size"] = size_label(size);
  result.parameters["files"] = std::to_string(files);
  result.parameters["clients"] = std::to_string(clients);
  const auto source = payload(static_cast<std::size_t>(std::min<std::uint64_t>(size, kDataBuffer)));
  const std::string tag = unique_tag();
  std::vector<std::string> dirs;

  repeat_runs(o, result, [&](int index, RunSample& run) {
    // A fresh directory per run, so every STOR creates a new file.
    const std::string dir = "small-stor-" + tag + "-r" + std::to_string(index);
    dirs.push_back(dir);
    const AsyncBody body = [&](asio::any_io_executor) -> asio::awaitable<void> {
      std::vector<std::unique_ptr<FtpClient>> sessions(static_cast<std::size_t>(clients));
      const Worker opener = [&](int c) -> asio::awaitable<void> { sessions[std::size_t(c)] = co_await open_session(o, dir); };
      co_await run_parallel(clients, opener);
      const Worker writer = [&](int c) -> asio::awaitable<void> {
        for (int i = c; i < files; i += clients) {
          co_await sessions[std::size_t(c)]->store(small_name(i), size, source);
          run.bytes += size;
          ++run.operations;
        }
      };
      Meter meter(probe);
      co_await run_parallel(clients, writer);
      meter.stop(run);
      const Worker closer = [&](int c) -> asio::awaitable<void> { co_await sessions[std::size_t(c)]->quit(); };
      co_await run_parallel(clients, closer);
    };
    run_bounded(body, std::chrono::duration<double>(o.run_timeout), "small-stor");
    finish_files_per_second(run);
  });

  // Clean up after the last run, not between runs: a file system that is
  // slow to reuse just-deleted inodes (ext4 without a journal) would make
  // every run but the first pay for the deletes of the one before. Servers
  // that refuse anonymous DELE keep the files.
  const AsyncBody cleanup = [&](asio::any_io_executor) -> asio::awaitable<void> {
    auto session = co_await open_session(o, "");
    for (const auto& dir : dirs) {
      for (int i = 0; i < files; ++i) (void)co_await session->command("DELE " + dir + "/" + small_name(i));
      (void)co_await session->command("RMD " + dir);
    }
    co_await session->quit();
  };
  try {
    run_bounded(cleanup, std::chrono::duration<double>(o.run_timeout), "small-stor cleanup");
  } catch (const std::exception& e) {
    std::cerr << "  small-stor: the uploaded files stay on the server: " << e.what() << std::endl;
  }
  return {result};
}

}  // namespace fleet::bench
