// TransferLog: one line per finished transfer in the classic xferlog format
// that log analysers read (wu-ftpd/vsftpd style):
//   Sat Nov 21 12:00:00 2026 1 127.0.0.1 1048576 /path b _ o r user ftp 0 * c
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "meta/store.hpp"

namespace fleet::master {

class TransferLog {
 public:
  // An empty path disables the log.
  explicit TransferLog(const std::filesystem::path& file);
  // Appends one line; it reaches the file at the next flush() (or when the
  // stream's buffer fills).
  void write(const meta::TransferRecord& t, bool ascii);
  void flush();

 private:
  std::ofstream out_;
};

}  // namespace fleet::master
