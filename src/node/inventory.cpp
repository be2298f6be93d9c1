#include "node/inventory.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>

#include "ftp/path.hpp"

namespace fleet::node {

std::vector<link::InventoryEntry> scan_inventory(const Storage& storage) {
  namespace fs = std::filesystem;
  std::vector<link::InventoryEntry> entries;
  std::error_code ec;
  fs::recursive_directory_iterator it(storage.root(), fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    spdlog::error("inventory: cannot read {}: {}", storage.root().string(), ec.message());
    return entries;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      spdlog::warn("inventory: stopped early at {}: {}", it->path().string(), ec.message());
      break;
    }
    const auto& path = it->path();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const auto name = path.filename().string();
    if (Storage::is_upload_temp(name)) continue;
    auto vfs = storage.vfs_path(path);
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
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
  return entries;
}

std::vector<link::Inventory> inventory_chunks(std::vector<link::InventoryEntry> entries, std::size_t per_chunk) {
  std::vector<link::Inventory> chunks;
  per_chunk = std::max<std::size_t>(per_chunk, 1);
  std::size_t i = 0;
  do {
    link::Inventory chunk;
    const auto end = std::min(entries.size(), i + per_chunk);
    for (; i < end; ++i) *chunk.add_entries() = std::move(entries[i]);
    chunk.set_last(i == entries.size());
    chunks.push_back(std::move(chunk));
  } while (i < entries.size());
  return chunks;
}

}  // namespace fleet::node
