// The steps every scenario shares: a logged-in binary-mode session in the
// working directory, reusable payload buffers, files of a known size on the
// server, and names that cannot collide with an earlier run's files.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/ftp_client.hpp"
#include "bench/options.hpp"

namespace fleet::bench {

constexpr std::size_t kDataBuffer = 1u << 20;  // one read or write of a data connection

// Connect, log in, TYPE I, and CWD into `subdir` of options.dir (created if
// missing; "" stays in options.dir).
asio::awaitable<void> start_session(FtpClient& client, const Options& options, const std::string& subdir = "");
// The same on a new client.
asio::awaitable<std::unique_ptr<FtpClient>> open_session(const Options& options, const std::string& subdir = "");

// options.dir joined with `subdir`.
std::string remote_dir(const Options& options, const std::string& subdir);

// A buffer of `size` bytes with a non-repeating byte pattern, so that no
// layer could compress or deduplicate what is stored.
std::vector<char> payload(std::size_t size);

// Uploads `name` unless SIZE already reports `size` bytes.
asio::awaitable<void> ensure_file(FtpClient& client, const std::string& name, std::uint64_t size,
                                  std::span<const char> source);

// A tag unique to this process and moment, for names of files that runs create.
std::string unique_tag();

// "20MiB", "4KiB", "1000B": compact sizes for file names and reports.
std::string size_label(std::uint64_t bytes);

}  // namespace fleet::bench
