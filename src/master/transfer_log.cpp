#include "master/transfer_log.hpp"

#include <ctime>

namespace fleet::master {

TransferLog::TransferLog(const std::filesystem::path& file) {
  if (!file.empty()) out_.open(file, std::ios::app);
}

void TransferLog::write(const meta::TransferRecord& t, bool ascii) {
  if (!out_) return;
  const std::time_t when = static_cast<std::time_t>(t.time);
  std::tm tm{};
  localtime_r(&when, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm);
  // xferlog fields are space separated: spaces in names become '_'.
  std::string path = t.path;
  for (auto& c : path)
    if (c == ' ') c = '_';
  const long seconds = static_cast<long>((t.duration_ms + 999) / 1000);
  out_ << stamp << ' ' << seconds << ' ' << t.client_ip << ' ' << t.bytes << ' ' << path << ' '
       << (ascii ? 'a' : 'b') << " _ " << t.direction << " r " << t.user << " ftp 0 * " << (t.complete ? 'c' : 'i')
       << '\n';
}

void TransferLog::flush() {
  if (out_) out_.flush();
}

}  // namespace fleet::master
