// SiteCommands: SITE HELP, STATS, NODES, COPIES <path> and NODESELECT
// UP|DOWN <path> — operators' views of the master and the cluster over FTP.
// Reports come from the NodeRegistry and the metadata store directly: they
// describe the cluster, they do not route anything. Anonymous sessions are
// offered SITE HELP only (anonymous_policy refuses the rest).
//
// One per session, on the event loop; store errors propagate as exceptions.
#pragma once

#include "ftp/command.hpp"
#include "master/session_context.hpp"

namespace fleet::master {

class SiteCommands {
 public:
  explicit SiteCommands(SessionContext& ctx) : ctx_(ctx) {}
  void run(const ftp::Command& c);

 private:
  SessionContext& ctx_;
};

}  // namespace fleet::master
