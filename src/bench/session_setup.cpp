#include "bench/session_setup.hpp"

#include <unistd.h>

#include <chrono>

namespace fleet::bench {

std::string remote_dir(const Options& options, const std::string& subdir) {
  if (options.dir.empty()) return subdir;
  if (subdir.empty()) return options.dir;
  return options.dir.back() == '/' ? options.dir + subdir : options.dir + "/" + subdir;
}

asio::awaitable<void> start_session(FtpClient& client, const Options& options, const std::string& subdir) {
  co_await client.connect(options.host, options.port);
  co_await client.login(options.login_user(), options.login_password());
  co_await client.require_ok("TYPE I");
  co_await client.enter_dir(remote_dir(options, subdir));
}

asio::awaitable<std::unique_ptr<FtpClient>> open_session(const Options& options, const std::string& subdir) {
  const auto executor = co_await asio::this_coro::executor;
  auto client = std::make_unique<FtpClient>(executor, options.mode);
  co_await start_session(*client, options, subdir);
  co_return client;
}

std::vector<char> payload(std::size_t size) {
  std::vector<char> data(size);
  // xorshift: cheap, and no two 4 KiB pages alike.
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  for (auto& c : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return data;
}

asio::awaitable<void> ensure_file(FtpClient& client, const std::string& name, std::uint64_t size,
                                  std::span<const char> source) {
  const auto existing = co_await client.size(name);
  if (existing && *existing == size) co_return;
  co_await client.store(name, size, source);
}

std::string unique_tag() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count() % 100000000);
}

std::string size_label(std::uint64_t bytes) {
  if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + "GiB";
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
  if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + "KiB";
  return std::to_string(bytes) + "B";
}

}  // namespace fleet::bench
