#include "master/site_commands.hpp"

#include <algorithm>
#include <cctype>

#include "ftp/reply_codes.hpp"
#include "master/cluster_report.hpp"

namespace fleet::master {

void SiteCommands::run(const ftp::Command& c) {
  auto space = c.arg.find(' ');
  std::string sub = c.arg.substr(0, space);
  std::transform(sub.begin(), sub.end(), sub.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (sub == "HELP" || sub.empty()) {
    // Anonymous users are refused every other SITE command (anonymous_policy).
    ctx_.reply(ftp::kHelpMessage, ctx_.state.anonymous() ? "SITE commands:\n HELP\nEnd."
                          : "SITE commands:\n HELP\n STATS\n NODES\n COPIES <path>\n NODESELECT UP|DOWN <path>\nEnd.");
  } else if (sub == "STATS") {
    const auto& s = ctx_.env.stats;
    ctx_.reply(ftp::kSystemStatus, "Master statistics:\n"
               " sessions active: " + std::to_string(s.sessions_active) + "\n"
               " sessions total: " + std::to_string(s.sessions_total) + "\n"
               " logins ok/failed: " + std::to_string(s.logins_ok) + "/" + std::to_string(s.logins_failed) + "\n"
               " transfers started/failed: " + std::to_string(s.transfers_started) + "/" +
                   std::to_string(s.transfers_failed) + "\n"
               " data bytes sent by master: " + std::to_string(s.data_bytes_out) + "\n"
               " control bytes sent by master: " + std::to_string(s.control_bytes_out) + "\n"
               " nodes online: " + std::to_string(ctx_.env.nodes.online_count()) + "\n"
               "End.");
  } else if (sub == "NODES") {
    ctx_.reply(ftp::kSystemStatus, "Nodes:\n" + nodes_report(ctx_.env.nodes, ctx_.env.store, &ctx_.env.jobs) + "End.");
  } else if (sub == "COPIES") {
    auto path = ctx_.state.resolve(space == std::string::npos ? "" : c.arg.substr(space + 1));
    const auto text = path ? copies_report(ctx_.env.nodes, ctx_.env.store, ctx_.env.replicator.wanted(*path), *path) : "";
    if (text.empty()) ctx_.reply(ftp::kFileUnavailable, "SITE COPIES: no such file.");
    else ctx_.reply(ftp::kSystemStatus, text + "End");
  } else if (sub == "NODESELECT") {
    // SITE NODESELECT UP|DOWN <path>: why placement would pick which node.
    std::string rest = space == std::string::npos ? "" : c.arg.substr(space + 1);
    const auto sp = rest.find(' ');
    std::string dir = rest.substr(0, sp);
    std::transform(dir.begin(), dir.end(), dir.begin(), [](unsigned char ch) { return std::toupper(ch); });
    auto path = sp == std::string::npos ? std::nullopt : ctx_.state.resolve(rest.substr(sp + 1));
    if ((dir != "UP" && dir != "DOWN") || !path) {
      ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax: SITE NODESELECT UP|DOWN <path>");
      return;
    }
    std::vector<std::string> holders;
    if (dir == "DOWN") {
      auto entry = ctx_.env.store.lookup(*path);
      if (!entry || entry->is_dir) {
        ctx_.reply(ftp::kFileUnavailable, *path + ": No such file.");
        return;
      }
      holders = entry->nodes;
    }
    const auto direction = dir == "UP" ? cluster::Direction::Upload : cluster::Direction::Download;
    auto ranking = ctx_.env.nodes.rank(direction, *path, holders);
    if (direction == cluster::Direction::Download && holders.empty()) ranking.clear();
    ctx_.reply(ftp::kSystemStatus, cluster::explain(ranking, direction, *path) + "\nEnd.");
  } else {
    ctx_.reply(ftp::kSyntaxError, "'SITE " + sub + "': unknown SITE command.");
  }
}

}  // namespace fleet::master
