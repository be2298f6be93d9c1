#include "meta/path_cache.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

namespace fleet::meta {
namespace {

constexpr std::int64_t kRootId = 1;
// Deeper than any path the namespace accepts (4096 bytes, so at most 2048
// components): only a damaged file with a cycle of parents gets there, and it
// must fail rather than hang the master.
constexpr std::size_t kMaxDepth = 4096;

std::string join(std::string_view dir, std::string_view name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  path += dir;
  if (path.size() != 1) path += '/';  // "/" already ends in one
  path += name;
  return path;
}

}  // namespace

std::optional<std::string> PathCache::path_of(std::int64_t id) {
  if (id == kRootId) return std::string("/");
  std::int64_t parent = 0;
  std::string name;
  {
    Query q = db_.query("SELECT parent, name FROM entries WHERE id = ?1");
    q.bind(id);
    if (!q.step() || q.is_null(0)) return std::nullopt;
    parent = q.int64(0);
    name = q.text(1);
  }
  return child_path(parent, name);
}

std::optional<std::string> PathCache::child_path(std::int64_t parent_id, std::string_view name) {
  std::optional<std::string> dir = dir_path(parent_id);
  if (!dir) return std::nullopt;
  return join(*dir, name);
}

std::optional<std::string> PathCache::dir_path(std::int64_t id) {
  if (id == kRootId) return std::string("/");
  if (auto it = dirs_.find(id); it != dirs_.end()) return it->second;

  // Climbs to the root or to a directory already known, then builds the
  // paths on the way back down; iterative, as trees can be deep.
  std::vector<std::pair<std::int64_t, std::string>> climbed;  // (id, name), deepest first
  std::string base = "/";
  std::int64_t at = id;
  while (true) {
    if (climbed.size() > kMaxDepth) throw std::runtime_error("metadata store: entry parents form a cycle");
    std::int64_t parent = 0;
    {
      Query q = db_.query("SELECT parent, name FROM entries WHERE id = ?1");
      q.bind(at);
      if (!q.step() || q.is_null(0)) return std::nullopt;  // gone, or a second parentless row
      parent = q.int64(0);
      climbed.emplace_back(at, q.text(1));
    }
    if (parent == kRootId) break;
    if (auto it = dirs_.find(parent); it != dirs_.end()) {
      base = it->second;
      break;
    }
    at = parent;
  }
  for (auto it = climbed.rbegin(); it != climbed.rend(); ++it) {
    base = join(base, it->second);
    dirs_.emplace(it->first, base);
  }
  return base;
}

}  // namespace fleet::meta
