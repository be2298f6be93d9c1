// How many copies of a file the cluster keeps, per path: an ordered list of
// glob rules ("/archive/** = 2"); the first match wins, otherwise the default.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fleet::cluster {

struct ReplicationRule {
  std::string glob;
  int copies = 1;
};

struct ReplicationPolicy {
  int default_copies = 1;
  std::vector<ReplicationRule> rules;

  int copies_for(std::string_view path) const;
};

}  // namespace fleet::cluster
