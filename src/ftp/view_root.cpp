#include "ftp/view_root.hpp"

#include <utility>

#include "ftp/path.hpp"

namespace fleet::ftp {

ViewRoot::ViewRoot(std::string root) : root_(std::move(root)) {
  if (root_.empty()) root_ = "/";
}

bool ViewRoot::contains(std::string_view vfs) const {
  if (is_identity() || vfs == root_) return true;
  return vfs.size() > root_.size() && vfs.substr(0, root_.size()) == root_ && vfs[root_.size()] == '/';
}

std::string ViewRoot::to_vfs(std::string_view client) const {
  if (is_identity()) return std::string(client);
  if (client == "/") return root_;
  std::string out;
  out.reserve(root_.size() + client.size());
  out += root_;
  out += client;
  return out;
}

std::string ViewRoot::to_client(std::string_view vfs) const {
  if (is_identity()) return std::string(vfs);
  if (!contains(vfs) || vfs == root_) return "/";
  return std::string(vfs.substr(root_.size()));
}

std::optional<std::string> ViewRoot::resolve(std::string_view vfs_cwd, std::string_view arg) const {
  if (is_identity()) return resolve_path(vfs_cwd, arg);
  auto client = resolve_path(to_client(vfs_cwd), arg);
  if (!client) return std::nullopt;
  auto vfs = to_vfs(*client);
  if (vfs.size() > kMaxPathBytes) return std::nullopt;
  return vfs;
}

}  // namespace fleet::ftp
