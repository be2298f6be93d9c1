#include "bench/ftp_client.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "bench/passive_reply.hpp"
#include "net/use_tuple.hpp"

namespace fleet::bench {

using asio::ip::tcp;

namespace {

// The number in a 213 reply to SIZE.
std::optional<std::uint64_t> parse_size_text(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  return value;
}

void throw_unless(const std::error_code& ec, const char* what) {
  if (ec) throw std::system_error(ec, what);
}

}  // namespace

asio::awaitable<void> FtpClient::connect(const std::string& host, std::uint16_t port) {
  const tcp::endpoint server(asio::ip::make_address(host), port);
  auto [ec] = co_await control_.async_connect(server, net::use_tuple);
  throw_unless(ec, "connect");
  control_.set_option(tcp::no_delay(true));
  Reply greeting = co_await read_reply();
  while (greeting.preliminary()) greeting = co_await read_reply();
  if (greeting.code != 220) throw FtpError("greeting", greeting);
}

asio::awaitable<void> FtpClient::login(const std::string& user, const std::string& password) {
  Reply r = co_await command("USER " + user);
  if (r.intermediate()) r = co_await command("PASS " + password);
  if (!r.positive()) throw FtpError("login as " + user, r);
}

asio::awaitable<void> FtpClient::send_line(const std::string& line) {
  std::string wire = line + "\r\n";
  auto [ec, n] = co_await asio::async_write(control_, asio::buffer(wire), net::use_tuple);
  (void)n;
  throw_unless(ec, "control write");
}

asio::awaitable<Reply> FtpClient::read_reply() {
  for (;;) {
    if (auto r = parser_.next()) co_return std::move(*r);
    auto [ec, n] = co_await control_.async_read_some(asio::buffer(input_), net::use_tuple);
    if (n > 0) parser_.feed(std::string_view(input_.data(), n));
    if (ec && !parser_.has_reply()) throw std::system_error(ec, "control read");
  }
}

asio::awaitable<Reply> FtpClient::command(const std::string& line) {
  co_await send_line(line);
  co_return co_await read_reply();
}

asio::awaitable<Reply> FtpClient::require_ok(const std::string& line) {
  Reply r = co_await command(line);
  if (!r.positive()) throw FtpError(line, r);
  co_return r;
}

asio::awaitable<std::optional<std::uint64_t>> FtpClient::size(const std::string& path) {
  const Reply r = co_await command("SIZE " + path);
  if (r.code != 213) co_return std::nullopt;
  co_return parse_size_text(r.text);
}

asio::awaitable<void> FtpClient::enter_dir(const std::string& dir) {
  if (dir.empty()) co_return;
  const Reply cwd = co_await command("CWD " + dir);
  if (cwd.positive()) co_return;
  // Create it one component at a time, from the root or the login directory.
  std::string path = dir.front() == '/' ? "/" : "";
  std::size_t pos = dir.front() == '/' ? 1 : 0;
  while (pos < dir.size()) {
    auto slash = dir.find('/', pos);
    if (slash == std::string::npos) slash = dir.size();
    if (slash > pos) {
      path += dir.substr(pos, slash - pos);
      // MKD of an existing directory fails; only the final CWD decides.
      (void)co_await command("MKD " + path);
      path += "/";
    }
    pos = slash + 1;
  }
  co_await require_ok("CWD " + dir);
}

asio::awaitable<void> FtpClient::connect_passive(tcp::socket& data) {
  const Reply r = co_await require_ok("PASV");
  const auto target = parse_pasv_reply(r.text);
  if (!target) throw FtpError("PASV (no address in reply)", r);
  const tcp::endpoint server(asio::ip::make_address(target->host), target->port);
  auto [ec] = co_await data.async_connect(server, net::use_tuple);
  throw_unless(ec, "data connect");
}

asio::awaitable<void> FtpClient::connect_extended_passive(tcp::socket& data) {
  const Reply r = co_await require_ok("EPSV");
  const auto port = parse_epsv_reply(r.text);
  if (!port) throw FtpError("EPSV (no port in reply)", r);
  const tcp::endpoint server(control_.remote_endpoint().address(), *port);
  auto [ec] = co_await data.async_connect(server, net::use_tuple);
  throw_unless(ec, "data connect");
}

asio::awaitable<void> FtpClient::announce_port(tcp::acceptor& listener) {
  // Listen on the address the server sees us on, so it dials back to us.
  const auto local = control_.local_endpoint().address();
  listener.open(tcp::v4());
  listener.bind(tcp::endpoint(local, 0));
  listener.listen();
  const auto arg = format_port_argument(Endpoint{local.to_string(), listener.local_endpoint().port()});
  if (!arg) throw std::runtime_error("PORT needs an IPv4 control connection");
  co_await require_ok("PORT " + *arg);
}

asio::awaitable<tcp::socket> FtpClient::start_transfer(const std::string& line) {
  tcp::socket data(control_.get_executor());
  tcp::acceptor listener(control_.get_executor());
  if (mode_ == DataMode::Pret) {
    // A server without PRET answers 500; PASV then works as usual.
    (void)co_await command("PRET " + line);
  }
  if (mode_ == DataMode::Pasv || mode_ == DataMode::Pret) co_await connect_passive(data);
  if (mode_ == DataMode::Epsv) co_await connect_extended_passive(data);
  if (mode_ == DataMode::Port) co_await announce_port(listener);
  const Reply r = co_await command(line);
  if (!r.preliminary()) throw FtpError(line, r);
  if (mode_ == DataMode::Port) {
    auto [ec] = co_await listener.async_accept(data, net::use_tuple);
    throw_unless(ec, "data accept");
  }
  co_return data;
}

asio::awaitable<void> FtpClient::finish_transfer(const std::string& line) {
  const Reply r = co_await read_reply();
  if (!r.positive()) throw FtpError(line + " (end of transfer)", r);
}

asio::awaitable<std::uint64_t> FtpClient::retrieve(const std::string& path, std::span<char> scratch) {
  const std::string line = "RETR " + path;
  tcp::socket data = co_await start_transfer(line);
  std::uint64_t received = 0;
  for (;;) {
    auto [ec, n] = co_await data.async_read_some(asio::buffer(scratch.data(), scratch.size()), net::use_tuple);
    received += n;
    if (ec == asio::error::eof) break;
    throw_unless(ec, "data read");
  }
  data.close();
  co_await finish_transfer(line);
  co_return received;
}

asio::awaitable<void> FtpClient::store(const std::string& path, std::uint64_t size, std::span<const char> source) {
  const std::string line = "STOR " + path;
  tcp::socket data = co_await start_transfer(line);
  std::uint64_t left = size;
  while (left > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, source.size()));
    auto [ec, written] = co_await asio::async_write(data, asio::buffer(source.data(), n), net::use_tuple);
    throw_unless(ec, "data write");
    left -= written;
  }
  std::error_code ignored;
  data.shutdown(tcp::socket::shutdown_send, ignored);
  data.close(ignored);
  co_await finish_transfer(line);
}

asio::awaitable<ListingResult> FtpClient::listing(const std::string& verb, std::span<char> scratch) {
  tcp::socket data = co_await start_transfer(verb);
  ListingResult result;
  for (;;) {
    auto [ec, n] = co_await data.async_read_some(asio::buffer(scratch.data(), scratch.size()), net::use_tuple);
    result.bytes += n;
    result.lines += static_cast<std::uint64_t>(std::count(scratch.data(), scratch.data() + n, '\n'));
    if (ec == asio::error::eof) break;
    throw_unless(ec, "data read");
  }
  data.close();
  co_await finish_transfer(verb);
  co_return result;
}

asio::awaitable<void> FtpClient::quit() {
  try {
    co_await send_line("QUIT");
    (void)co_await read_reply();
  } catch (const std::exception&) {
    // A server that closes before (or instead of) answering QUIT is fine.
  }
  close();
}

void FtpClient::close() {
  std::error_code ignored;
  control_.close(ignored);
}

}  // namespace fleet::bench
