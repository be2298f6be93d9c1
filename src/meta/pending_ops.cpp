#include "meta/pending_ops.hpp"

#include <utility>

namespace fleet::meta {
namespace {

// True if `path` is `base` or lies below it, component-wise ("/ab" is not
// below "/a").
bool at_or_below(std::string_view path, std::string_view base) {
  if (base == "/") return true;
  if (!path.starts_with(base)) return false;
  return path.size() == base.size() || path[base.size()] == '/';
}

}  // namespace

PendingOps::PendingOps(std::vector<NodeOp> ops) : ops_(std::move(ops)) {
  for (const NodeOp& op : ops_) {
    named_.insert(op.path);
    if (op.kind == NodeOp::Kind::Rename) named_.insert(op.path2);
  }
}

bool PendingOps::touches(std::string_view path) const {
  if (ops_.empty()) return false;
  if (named_.contains(std::string_view("/"))) return true;
  // The path itself, then each directory above it.
  for (std::size_t end = path.size(); end > 0; end = path.rfind('/', end - 1)) {
    if (named_.contains(path.substr(0, end))) return true;
  }
  return false;
}

std::optional<std::string> PendingOps::after_replay(std::string_view path) const {
  std::string at(path);
  bool moved = false;
  for (const NodeOp& op : ops_) {
    if (!at_or_below(at, op.path)) continue;
    if (op.kind != NodeOp::Kind::Rename) return std::nullopt;
    at = op.path2 + at.substr(op.path.size());
    moved = true;
  }
  if (!moved) return std::nullopt;
  return at;
}

}  // namespace fleet::meta
