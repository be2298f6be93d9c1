#include "node/storage.hpp"

#include <algorithm>

namespace fleet::node {

namespace {

constexpr std::string_view kTempPrefix = ".fleetftp-part.";
constexpr std::size_t kMaxVfsPath = 4096;
constexpr std::size_t kMaxName = 255;  // NAME_MAX of the common Linux file systems

}  // namespace

Storage::Storage(std::filesystem::path root, std::shared_ptr<DiskIo> io) : root_(std::move(root)), io_(std::move(io)) {}

std::optional<std::filesystem::path> Storage::resolve(std::string_view vfs_path, std::string& error) const {
  if (vfs_path.empty() || vfs_path.front() != '/') {
    error = "not an absolute path";
    return std::nullopt;
  }
  if (vfs_path.find('\0') != std::string_view::npos) {
    error = "path contains a NUL byte";
    return std::nullopt;
  }
  if (vfs_path.size() > kMaxVfsPath) {
    error = "path is too long";
    return std::nullopt;
  }
  std::filesystem::path file = root_;
  if (vfs_path == "/") return file;

  std::string_view rest = vfs_path.substr(1);
  for (;;) {
    const auto slash = rest.find('/');
    const auto name = rest.substr(0, slash);
    if (name.empty()) {
      error = "path has an empty component";
      return std::nullopt;
    }
    if (name == "." || name == "..") {
      error = "path contains \"" + std::string(name) + "\"";
      return std::nullopt;
    }
    if (is_upload_temp(name)) {
      error = "name is reserved for upload temporaries";
      return std::nullopt;
    }
    file /= name;
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return file;
}

std::string Storage::vfs_path(const std::filesystem::path& file) const {
  const auto relative = file.lexically_relative(root_).generic_string();
  return relative == "." ? "/" : "/" + relative;
}

std::filesystem::path Storage::upload_temp_file(const std::filesystem::path& final_file, std::uint64_t ticket) {
  auto name = std::string(kTempPrefix) + std::to_string(ticket) + ".";
  // Long final names are cut so the temporary name still fits NAME_MAX.
  const auto final_name = final_file.filename().string();
  name += final_name.substr(0, kMaxName - std::min(kMaxName, name.size()));
  return final_file.parent_path() / name;
}

bool Storage::is_upload_temp(std::string_view file_name) { return file_name.starts_with(kTempPrefix); }

}  // namespace fleet::node
