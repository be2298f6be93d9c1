// raw: the loopback ceiling on this machine, with no FTP server involved —
// one sender and one receiver in this process, the sender using sendfile(2)
// from an in-memory file or send(2) from a buffer, the receiver reading into
// a 1 MiB buffer like the RETR client does. Servers are judged against it.
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <thread>

#include "bench/meter.hpp"
#include "bench/scenario_common.hpp"
#include "bench/scenarios.hpp"
#include "bench/session_setup.hpp"
#include "net/errno_code.hpp"
#include "net/unique_fd.hpp"

namespace fleet::bench {

namespace {

using asio::ip::tcp;

constexpr std::uint64_t kRawSize = 1ull << 30;
constexpr std::size_t kFileSize = 64u << 20;  // the in-memory file sendfile reads, over and over

enum class Sender { Sendfile, Send };

// An anonymous in-memory file filled with the payload pattern.
net::UniqueFd memory_file() {
  net::UniqueFd fd(memfd_create("fleetftp-bench", MFD_CLOEXEC));
  if (!fd) throw std::system_error(net::errno_code(), "memfd_create");
  const auto chunk = payload(kDataBuffer);
  for (std::size_t done = 0; done < kFileSize; done += chunk.size())
    if (::write(fd.get(), chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size()))
      throw std::system_error(net::errno_code(), "memfd write");
  return fd;
}

void send_all(tcp::socket& out, Sender how, std::uint64_t size, int file, const std::vector<char>& buffer) {
  std::uint64_t left = size;
  off_t offset = 0;
  while (left > 0) {
    if (how == Sender::Sendfile) {
      if (offset == static_cast<off_t>(kFileSize)) offset = 0;
      const auto want = std::min<std::uint64_t>(left, kFileSize - static_cast<std::size_t>(offset));
      const auto n = ::sendfile(out.native_handle(), file, &offset, want);
      if (n <= 0) throw std::system_error(net::errno_code(), "sendfile");
      left -= static_cast<std::uint64_t>(n);
    } else {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
      left -= asio::write(out, asio::buffer(buffer.data(), want));
    }
  }
}

RunSample one_transfer(Sender how, std::uint64_t size, int file, const std::vector<char>& buffer) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::uint64_t received = 0;
  std::exception_ptr receiver_failure;
  std::thread receiver([&] {
    try {
      tcp::socket in = acceptor.accept();
      std::vector<char> scratch(kDataBuffer);
      std::error_code ec;
      for (;;) {
        received += in.read_some(asio::buffer(scratch), ec);
        if (ec == asio::error::eof) break;
        if (ec) throw std::system_error(ec, "raw receive");
      }
    } catch (...) {
      receiver_failure = std::current_exception();
    }
  });
  const ServerProbe nobody({});
  RunSample run;
  Meter meter(nobody);
  try {
    tcp::socket out(io);
    out.connect(acceptor.local_endpoint());
    send_all(out, how, size, file, buffer);
    out.shutdown(tcp::socket::shutdown_send);
  } catch (...) {
    acceptor.close();
    receiver.join();
    throw;
  }
  receiver.join();
  meter.stop(run);
  if (receiver_failure) std::rethrow_exception(receiver_failure);
  run.bytes = received;
  run.operations = 1;
  run.value = static_cast<double>(received) / 1e6 / run.seconds;
  add_cpu_per_gb(run);
  return run;
}

}  // namespace

std::vector<ScenarioResult> scenario_raw(const Options& o, const ServerProbe&) {
  const auto size = or_default(o.size, kRawSize);
  std::vector<ScenarioResult> results;
  const auto file = memory_file();
  const auto buffer = payload(kDataBuffer);
  for (const Sender how : {Sender::Sendfile, Sender::Send}) {
    auto result = new_result(o, how == Sender::Sendfile ? "raw-sendfile" : "raw-send", "MB/s", true);
    result.server = "loopback";
    result.parameters.erase("login");
    result.parameters.erase("mode");
    result.parameters["size"] = size_label(size);
    repeat_runs(o, result, [&](int, RunSample& run) { run = one_transfer(how, size, file.get(), buffer); });
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace fleet::bench
