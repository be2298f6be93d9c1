// Makes the files of a bulk-filled namespace exist on the nodes' disks, so
// that a node's inventory finds every copy the metadata records (instead of
// the master forgetting them all when the node connects) and RETR works.
// Each file is a hard link to an empty file, so ten million of them cost
// directory entries but hardly any inodes: one per 60,000 links.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace fleet::cli {

class NodeFileLinks {
 public:
  // `roots`: node name -> the node's data root. The link sources are kept
  // next to each root (same file system), and removed by the destructor.
  explicit NodeFileLinks(std::map<std::string, std::filesystem::path> roots);
  ~NodeFileLinks();
  NodeFileLinks(const NodeFileLinks&) = delete;
  NodeFileLinks& operator=(const NodeFileLinks&) = delete;

  // Creates VFS directory `dir` on every node.
  void add_dir(const std::string& dir);
  // Creates file `dir`/`name` on `node`. Throws std::runtime_error on failure.
  void add_file(const std::string& dir, const std::string& name, const std::string& node);

 private:
  struct Node {
    std::filesystem::path root;
    std::filesystem::path source;
    unsigned links = 0;
    unsigned sources_made = 0;
  };
  void new_source(const std::string& name, Node& n);

  std::map<std::string, Node> nodes_;
};

}  // namespace fleet::cli
