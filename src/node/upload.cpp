#include "node/upload.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

#include "ftp/ascii.hpp"
#include "net/errno_code.hpp"
#include "net/use_tuple.hpp"
#include "net/run_on.hpp"
#include "node/crc32.hpp"
#include "node/file_facts.hpp"

namespace fleet::node {

namespace {

// One read takes what the socket has, up to kBuffer: large enough that a fast
// upload costs few system calls per MiB. An upload starts with kFirstBuffer
// and grows once a read fills it, so a small file does not pay for a 1 MiB
// allocation (page faults and all) it never uses.
constexpr std::size_t kFirstBuffer = 64u << 10;
constexpr std::size_t kBuffer = 1u << 20;
// With sync_uploads, written data is handed to the disk in steps of this size
// while the upload runs, so that the fdatasync() before the 226 only waits for
// the last step instead of the whole file. Without it the kernel's flusher
// threads write back on their own schedule, off the event loop.
constexpr off_t kWritebackStep = 8 << 20;

using net::errno_code;

// What arrived, stored: the facts the master records for the file.
void report_facts(int fd, std::uint32_t crc, link::TransferDone& done) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return;
  done.set_file_size(static_cast<std::uint64_t>(st.st_size));
  done.set_mtime(st.st_mtim.tv_sec);
  done.set_crc32(crc);
}

// A report without the facts of a file: the upload did not take its name.
void forget_facts(link::TransferDone& done) {
  done.clear_file_size();
  done.clear_mtime();
  done.clear_crc32();
}

// Resumed and appended uploads only streamed part of the file, so the CRC of
// the whole file comes from reading it again, away from the event loop.
asio::awaitable<void> report_whole_file(const std::filesystem::path& file, const TransferSetting& setting,
                                        link::TransferDone& done) {
  auto read = [file] {
    FileFacts facts;
    auto ec = read_file_facts(file, true, facts);
    return std::pair{ec, facts};
  };
  auto [error, facts] = co_await net::run_on(setting.disk, std::move(read));
  if (error) co_return;
  done.set_file_size(facts.size);
  done.set_mtime(facts.mtime);
  done.set_crc32(facts.crc32);
}

// Flushes the directory entry of `file` (its name) to the disk.
asio::awaitable<std::error_code> sync_folder_of(const std::filesystem::path& file, const TransferSetting& setting) {
  auto sync = [folder = file.parent_path()] {
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return errno_code();
    const std::error_code ec = ::fsync(dir) == 0 ? std::error_code{} : errno_code();
    ::close(dir);
    return ec;
  };
  co_return co_await net::run_on(setting.disk, std::move(sync));
}

}  // namespace

void discard_upload(PreparedTransfer& prepared, DiskIo& io) {
  prepared.file.reset();
  if (!prepared.temp_file.empty()) {
    if (const auto ec = io.remove(prepared.temp_file); ec && ec != std::errc::no_such_file_or_directory)
      spdlog::warn("cannot remove the partial upload {}: {}", prepared.temp_file.string(), ec.message());
    prepared.temp_file.clear();
  }
}

asio::awaitable<void> receive_file(Ticket& ticket, PreparedTransfer& p, const TransferSetting& setting,
                                   link::TransferDone& done) {
  const auto& req = p.request;
  const bool fresh = !p.temp_file.empty();
  const int fd = p.file.get();
  auto& io = *setting.io;
  std::string error;
  bool no_space = false;  // the disk was full

  // REST + STOR: what followed the restart point is replaced by what arrives.
  if (!fresh && !req.append() && req.offset() > 0) {
    const auto offset = static_cast<off_t>(req.offset());
    if (::ftruncate(fd, offset) != 0 || ::lseek(fd, offset, SEEK_SET) < 0)
      error = "cannot resume " + req.path() + ": " + errno_code().message();
  }

  std::size_t capacity = kFirstBuffer;
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  off_t written = 0;          // bytes of this upload written so far
  off_t written_back = 0;     // of which writeback has been started
  const off_t start = ::lseek(fd, 0, req.append() ? SEEK_END : SEEK_CUR);
  std::string decoded;  // reused for every chunk: no allocation per chunk
  ftp::AsciiDecoder decoder;
  Crc32 crc;
  auto store = [&](std::string_view chunk) {
    if (fresh) crc.update(chunk);
    if (auto ec = io.write(fd, chunk)) {
      error = "cannot write " + req.path() + ": " + ec.message();
      no_space = is_no_space(ec);
      return;
    }
    written += static_cast<off_t>(chunk.size());
    if (setting.sync_uploads && start >= 0 && written - written_back >= kWritebackStep) {
      // Starts writeback without waiting for it (an advisory call: errors
      // show up at the fdatasync below).
      (void)::sync_file_range(fd, start + written_back, written - written_back, SYNC_FILE_RANGE_WRITE);
      written_back = written;
    }
  };

  bool complete = false;
  while (error.empty()) {
    auto [ec, n] = co_await ticket.data->async_read_some(asio::buffer(buffer.get(), capacity), net::use_tuple);
    if (n > 0) {
      ticket.bytes += n;
      std::string_view chunk(buffer.get(), n);
      if (req.ascii()) {
        decoded.clear();
        decoder.decode(chunk, decoded);
        chunk = decoded;
      }
      store(chunk);
      if (n == capacity && capacity < kBuffer) {
        capacity = kBuffer;
        buffer = std::make_unique_for_overwrite<char[]>(capacity);
      }
    }
    if (ec == asio::error::eof) {
      complete = error.empty();
      break;
    }
    if (ec) error = "data connection: " + ec.message();
  }
  if (complete && req.ascii()) {
    decoded.clear();
    decoder.finish(decoded);
    if (!decoded.empty()) store(decoded);
    complete = error.empty();
  }
  std::error_code ignored;
  ticket.data->close(ignored);
  if (ticket.aborted) complete = false;

  // With sync_uploads the data is on disk before the file takes its final
  // name. On the disk thread: a flush can take tens of milliseconds, and the
  // event loop keeps receiving the other uploads meanwhile.
  if (complete && setting.sync_uploads) {
    auto flush = [fd, io = setting.io] { return io->sync_data(fd); };
    if (const auto ec = co_await net::run_on(setting.disk, std::move(flush))) {
      error = "cannot flush " + req.path() + ": " + ec.message();
      no_space = is_no_space(ec);
      complete = false;
    }
  }

  if (!fresh) {
    p.file.reset();
    co_await report_whole_file(p.final_file, setting, done);
  } else if (complete || (req.keep_partial() && ticket.bytes > 0)) {
    report_facts(fd, crc.value(), done);
    p.file.reset();
    if (const auto ec = io.rename(p.temp_file, p.final_file)) {
      error = "cannot rename the upload to " + req.path() + ": " + ec.message();
      no_space = is_no_space(ec);
      complete = false;
      forget_facts(done);
      discard_upload(p, io);
    } else if (complete && setting.sync_uploads) {
      // The new name too, or a power cut could still lose the whole file.
      if (const auto ec = co_await sync_folder_of(p.final_file, setting)) {
        error = "cannot flush the folder of " + req.path() + ": " + ec.message();
        complete = false;
        forget_facts(done);
        // The master records the upload as failed, so the file must not stay
        // behind under a name the namespace describes differently.
        (void)io.remove(p.final_file);
      }
    }
    p.temp_file.clear();
  } else {
    discard_upload(p, io);
  }
  done.set_ok(complete);
  done.set_error(error);
  done.set_no_space(!complete && no_space);
}

}  // namespace fleet::node
