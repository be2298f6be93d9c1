#include "node/inventory.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <functional>

#include "ftp/path.hpp"

namespace fleet::node {

namespace {
// Operator-visible folder where the master moves files it will not adopt.
constexpr std::string_view kQuarantineDir = ".fleetftp-quarantine";
}  // namespace

InventoryWalker::InventoryWalker(Storage storage) : storage_(std::move(storage)) {
  dirs_.push_back(storage_.root());
}

void InventoryWalker::read_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    spdlog::warn("inventory: cannot read {}: {}", dir.string(), ec.message());
    return;
  }
  std::vector<fs::path> subdirs;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      spdlog::warn("inventory: stopped early in {}: {}", dir.string(), ec.message());
      break;
    }
    const auto& path = it->path();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    const auto name = path.filename().string();
    if (S_ISDIR(st.st_mode)) {
      if (!(dir == storage_.root() && name == kQuarantineDir)) subdirs.push_back(path);
      continue;
    }
    if (!S_ISREG(st.st_mode) || Storage::is_upload_temp(name)) continue;
    auto vfs = storage_.vfs_path(path);
    // The namespace's own rules (UTF-8, name lengths): a path the master would
    // refuse, or that would make the message undecodable, is left out.
    if (ftp::resolve_path("/", vfs) != vfs) {
      spdlog::warn("inventory: skipping {}: not a valid namespace path (UTF-8, at most 255 bytes a name)",
                   path.string());
      continue;
    }
    link::InventoryEntry entry;
    entry.set_path(std::move(vfs));
    entry.set_size(static_cast<std::uint64_t>(st.st_size));
    entry.set_mtime(st.st_mtim.tv_sec);
    files_.push_back(std::move(entry));
  }
  // Both lists are consumed from the back: reverse order gives path order.
  std::sort(files_.begin(), files_.end(), [](const auto& a, const auto& b) { return a.path() > b.path(); });
  std::sort(subdirs.begin(), subdirs.end(), std::greater<>());
  for (auto& d : subdirs) dirs_.push_back(std::move(d));
}

std::vector<link::InventoryEntry> InventoryWalker::next(std::size_t max) {
  std::vector<link::InventoryEntry> out;
  max = std::max<std::size_t>(max, 1);
  while (out.size() < max && !done()) {
    if (files_.empty()) {
      auto dir = std::move(dirs_.back());
      dirs_.pop_back();
      read_directory(dir);
      continue;
    }
    out.push_back(std::move(files_.back()));
    files_.pop_back();
  }
  return out;
}

std::vector<link::InventoryEntry> scan_inventory(const Storage& storage) {
  std::vector<link::InventoryEntry> all;
  InventoryWalker walker(storage);
  while (!walker.done())
    for (auto& e : walker.next(4096)) all.push_back(std::move(e));
  return all;
}

}  // namespace fleet::node
