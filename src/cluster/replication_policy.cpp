#include "cluster/replication_policy.hpp"

#include "cluster/glob.hpp"

namespace fleet::cluster {

int ReplicationPolicy::copies_for(std::string_view path) const {
  // First match wins so that an operator can put a narrow exception
  // ("/archive/tmp/** = 1") before the broad rule it carves out of.
  for (const ReplicationRule& rule : rules)
    if (glob_match(rule.glob, path)) return rule.copies;
  return default_copies;
}

}  // namespace fleet::cluster
