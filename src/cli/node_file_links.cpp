#include "cli/node_file_links.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace fleet::cli {
namespace {

// Below ext4's limit of 65,000 links to one inode.
constexpr unsigned kLinksPerSource = 60000;

[[noreturn]] void fail(const std::string& doing, const std::string& path) {
  throw std::runtime_error("meta-fill: " + doing + " " + path + ": " + std::strerror(errno));
}

}  // namespace

NodeFileLinks::NodeFileLinks(std::map<std::string, std::filesystem::path> roots) {
  for (auto& [name, root] : roots) {
    Node& n = nodes_[name];
    n.root = std::move(root);
    new_source(name, n);
  }
}

NodeFileLinks::~NodeFileLinks() {
  // The links keep the data; only the names outside the roots go.
  for (auto& [name, n] : nodes_) ::unlink(n.source.c_str());
}

void NodeFileLinks::new_source(const std::string& name, Node& n) {
  if (!n.source.empty()) ::unlink(n.source.c_str());
  n.source = n.root.parent_path() / (".meta-fill-" + name + "-" + std::to_string(n.sources_made++));
  const int fd = ::open(n.source.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("creating", n.source.string());
  ::close(fd);
  n.links = 0;
}

void NodeFileLinks::add_dir(const std::string& dir) {
  for (auto& [name, n] : nodes_) {
    // The parents too: the root of the fill may lie below directories that
    // exist only in the namespace so far.
    const std::filesystem::path path = n.root.string() + dir;
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) throw std::runtime_error("meta-fill: creating " + path.string() + ": " + ec.message());
  }
}

void NodeFileLinks::add_file(const std::string& dir, const std::string& name, const std::string& node) {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) throw std::runtime_error("meta-fill: no data root known for node " + node);
  Node& n = it->second;
  if (n.links == kLinksPerSource) new_source(node, n);
  const std::string path = n.root.string() + dir + "/" + name;
  if (::link(n.source.c_str(), path.c_str()) != 0 && errno != EEXIST) fail("linking", path);
  ++n.links;
}

}  // namespace fleet::cli
