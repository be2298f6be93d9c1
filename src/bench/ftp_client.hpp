// A small FTP client for load generation: one control connection, data
// connections in the chosen mode (PASV, PRET+PASV, EPSV, PORT), binary
// transfers that never keep the bytes. Everything is a coroutine on the
// caller's executor, so thousands of sessions share one thread and the
// client's CPU cost stays small next to the server's.
#pragma once

#include <asio.hpp>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "bench/options.hpp"
#include "bench/reply_parser.hpp"

namespace fleet::bench {

// A reply the scenario did not expect (a refused login, a missing file...).
class FtpError : public std::runtime_error {
 public:
  FtpError(const std::string& command, Reply reply)
      : std::runtime_error(command + ": " + reply.to_string()), reply_(std::move(reply)) {}
  const Reply& reply() const { return reply_; }

 private:
  Reply reply_;
};

struct ListingResult {
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
};

class FtpClient {
 public:
  FtpClient(asio::any_io_executor executor, DataMode mode) : control_(executor), mode_(mode) {}

  // Connects and waits for the greeting (120s are skipped, 220 required).
  asio::awaitable<void> connect(const std::string& host, std::uint16_t port);
  // USER/PASS; throws FtpError unless the login succeeds.
  asio::awaitable<void> login(const std::string& user, const std::string& password);

  // Sends one command line and returns its reply, whatever it is.
  asio::awaitable<Reply> command(const std::string& line);
  // Sends one command line; throws FtpError unless the reply is 2xx.
  asio::awaitable<Reply> require_ok(const std::string& line);

  // SIZE in binary mode; nullopt if the server refuses (missing file).
  asio::awaitable<std::optional<std::uint64_t>> size(const std::string& path);
  // CWD into `dir`, creating each missing component with MKD.
  asio::awaitable<void> enter_dir(const std::string& dir);

  // RETR into `scratch` over and over; returns the bytes received.
  asio::awaitable<std::uint64_t> retrieve(const std::string& path, std::span<char> scratch);
  // STOR `size` bytes taken from `source` over and over.
  asio::awaitable<void> store(const std::string& path, std::uint64_t size, std::span<const char> source);
  // LIST or MLSD of the current directory. A server that does not know the
  // command (500/502) gives FtpError with that code.
  asio::awaitable<ListingResult> listing(const std::string& verb, std::span<char> scratch);

  // QUIT and wait for 221 (or the close), then close.
  asio::awaitable<void> quit();
  void close();

 private:
  asio::awaitable<Reply> read_reply();
  asio::awaitable<void> send_line(const std::string& line);
  // Prepares the data connection for `line` in the configured mode, sends
  // `line`, and returns the connected data socket once the server has
  // answered 1xx.
  asio::awaitable<asio::ip::tcp::socket> start_transfer(const std::string& line);
  asio::awaitable<void> connect_passive(asio::ip::tcp::socket& data);
  asio::awaitable<void> connect_extended_passive(asio::ip::tcp::socket& data);
  asio::awaitable<void> announce_port(asio::ip::tcp::acceptor& listener);
  asio::awaitable<void> finish_transfer(const std::string& line);

  asio::ip::tcp::socket control_;
  DataMode mode_;
  ReplyParser parser_;
  // Small on purpose: an idle test holds thousands of clients.
  std::array<char, 1024> input_{};
};

}  // namespace fleet::bench
