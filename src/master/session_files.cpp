// Session: commands on the namespace (RFC 959 directories, DELE, rename;
// RFC 3659 SIZE, MDTM, MLST; MFMT). The VFS is changed first; nodes holding
// copies are told afterwards.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "ftp/listing.hpp"
#include "ftp/path.hpp"
#include "master/listing_builder.hpp"
#include "master/node_calls.hpp"
#include "master/session.hpp"

namespace fleet::master {

namespace {

std::string status_text(meta::Status st) {
  switch (st) {
    case meta::Status::Ok: return "ok";
    case meta::Status::NotFound: return "No such file or directory.";
    case meta::Status::Exists: return "File exists.";
    case meta::Status::NotDirectory: return "Not a directory.";
    case meta::Status::IsDirectory: return "Is a directory.";
    case meta::Status::NotEmpty: return "Directory not empty.";
    case meta::Status::Invalid: return "Operation not permitted.";
  }
  return "Failed.";
}
}  // namespace

bool Session::is_reserved(const std::string& path) { return path.find("/.fleetftp-") != std::string::npos; }

std::vector<std::string> Session::known_nodes() {
  std::set<std::string> names;
  for (auto* n : env_.nodes.online()) names.insert(n->name);
  for (const auto& [name, when] : env_.nodes.lost()) names.insert(name);
  for (const auto& u : env_.store.node_usage()) names.insert(u.node);
  return {names.begin(), names.end()};
}

asio::awaitable<std::optional<Session::NodeFailure>> Session::run_on_nodes(const std::vector<std::string>& targets,
                                                                           link::FileOp op,
                                                                           std::vector<std::string>& done,
                                                                           std::vector<std::string>& offline) {
  for (const auto& node : targets) {
    if (!env_.nodes.find(node)) {
      offline.push_back(node);
      continue;
    }
    auto r = co_await node_file_op(env_.nodes, node, op);
    if (r.ok() || r.not_found()) {
      done.push_back(node);
      continue;
    }
    if (!env_.nodes.find(node)) {  // it went away meanwhile: the replay will do it
      offline.push_back(node);
      continue;
    }
    spdlog::warn("node {}: {} failed: {}", node, op.path(), r.error());
    co_return NodeFailure{node, r.error()};
  }
  co_return std::nullopt;
}

void Session::queue_for(const std::vector<std::string>& nodes, meta::NodeOp::Kind kind, const std::string& path,
                        const std::string& path2) {
  for (const auto& n : nodes) env_.store.enqueue_node_op(n, kind, path, path2);
  if (!nodes.empty())
    spdlog::info("{} offline node(s) will get the change to {} when they return", nodes.size(), path);
}

void Session::file_op_everywhere(const std::vector<std::string>& nodes, link::FileOp op) {
  for (const auto& n : nodes) {
    if (!env_.nodes.find(n)) {
      if (op.kind() == link::DELETE) queue_for({n}, meta::NodeOp::Kind::Delete, op.path(), "");
      continue;
    }
    asio::co_spawn(
        wake_.get_executor(),
        [self = shared_from_this(), n, op]() -> asio::awaitable<void> {
          auto r = co_await node_file_op(self->env_.nodes, n, op);
          if (!r.ok() && !r.not_found()) spdlog::warn("node {}: {} failed: {}", n, op.path(), r.error());
        },
        asio::detached);
  }
}

asio::awaitable<void> Session::cmd_pwd(const ftp::Command&) {
  reply(ftp::kPathCreated, ftp::quote_257(shown(state_.cwd())) + " is the current directory.");
  co_return;
}

asio::awaitable<void> Session::cmd_cwd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg.empty() ? "/" : c.arg);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || !entry->is_dir) {
    reply(ftp::kFileUnavailable, c.arg + ": No such directory.");
    co_return;
  }
  state_.set_cwd(*path);
  reply(ftp::kFileActionOk, "Directory changed to " + shown(state_.cwd()) + ".");
}

asio::awaitable<void> Session::cmd_cdup(const ftp::Command&) {
  state_.set_cwd(resolve("..").value_or(state_.cwd()));  // stays at the session's "/"
  reply(ftp::kCommandOk, "Directory changed to " + shown(state_.cwd()) + ".");
  co_return;
}

asio::awaitable<void> Session::cmd_mkd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (is_reserved(*path)) {
    reply(ftp::kFileUnavailable, c.arg + ": names starting with .fleetftp- are reserved.");
    co_return;
  }
  const auto st = env_.store.make_dir(*path, state_.user(), std::time(nullptr));
  if (st == meta::Status::Ok) reply(ftp::kPathCreated, ftp::quote_257(shown(*path)) + " directory created.");
  else reply(ftp::kFileUnavailable, c.arg + ": " + status_text(st));
}

asio::awaitable<void> Session::cmd_rmd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (*path == "/") {
    reply(ftp::kFileUnavailable, "The root directory cannot be removed.");
    co_return;
  }
  const auto st = env_.store.remove_dir(*path);
  if (st != meta::Status::Ok) {
    reply(ftp::kFileUnavailable, c.arg + ": " + status_text(st));
    co_return;
  }
  if (const auto& cwd = state_.cwd(); cwd == *path || cwd.rfind(*path + "/", 0) == 0)
    state_.set_cwd(ftp::parent_path(*path));
  // The VFS said it was empty; on disk, a node removes what is left of it.
  std::vector<std::string> done, offline;
  auto failure = co_await run_on_nodes(known_nodes(), make_file_op(link::RMDIR, *path), done, offline);
  if (failure) spdlog::warn("node {} kept the directory {}: {}", failure->node, *path, failure->error);
  queue_for(offline, meta::NodeOp::Kind::RemoveDir, *path, "");
  reply(ftp::kFileActionOk, "Directory removed.");
}

asio::awaitable<void> Session::cmd_dele(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || entry->is_dir) {
    reply(ftp::kFileUnavailable, c.arg + ": " + status_text(entry ? meta::Status::IsDirectory : meta::Status::NotFound));
    co_return;
  }
  // Nodes first: a node that cannot delete its copy fails this DELE (and only
  // it); the file stays listed with the copies that are left.
  std::vector<std::string> done, offline;
  auto failure = co_await run_on_nodes(entry->nodes, make_file_op(link::DELETE, *path), done, offline);
  if (failure) {
    for (const auto& n : done) env_.store.remove_copy(*path, n);
    reply(ftp::kFileBusy, c.arg + ": not deleted: node " + failure->node + " could not remove its copy (" + failure->error +
                   ").");
    co_return;
  }
  env_.store.remove_file(*path, nullptr);
  queue_for(offline, meta::NodeOp::Kind::Delete, *path, "");
  reply(ftp::kFileActionOk, "File deleted.");
}

asio::awaitable<void> Session::cmd_rnfr(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (*path == "/" || !env_.store.lookup(*path)) {
    reply(ftp::kFileUnavailable, c.arg + ": No such file or directory.");
    co_return;
  }
  state_.set_rename_from(*path);
  reply(ftp::kPendingFurtherInfo, "Ready for destination name (RNTO).");
}

asio::awaitable<void> Session::cmd_rnto(const ftp::Command& c) {
  auto rename_from = state_.take_rename_from();
  if (!rename_from) {
    reply(ftp::kBadSequence, "Send RNFR first.");
    co_return;
  }
  const std::string from = std::move(*rename_from);
  auto to = resolve_or_reply(c.arg, ftp::kFileNameNotAllowed);
  if (!to) co_return;
  if (is_reserved(*to)) {
    reply(ftp::kFileNameNotAllowed, c.arg + ": names starting with .fleetftp- are reserved.");
    co_return;
  }
  auto entry = env_.store.lookup(from);
  auto target = env_.store.lookup(*to);
  if (!entry) {
    reply(ftp::kFileUnavailable, "The file to rename is gone.");
    co_return;
  }
  if (target && target->is_dir) {
    reply(ftp::kFileUnavailable, c.arg + ": " + status_text(meta::Status::Exists));
    co_return;
  }
  auto parent = env_.store.lookup(ftp::parent_path(*to));
  if (!parent || !parent->is_dir || (entry->is_dir && (*to == from || to->rfind(from + "/", 0) == 0))) {
    reply(ftp::kFileNameNotAllowed, c.arg + ": cannot rename to that name.");
    co_return;
  }
  // Nodes first, as for DELE; a failure undoes the renames already done.
  const auto targets = entry->is_dir ? known_nodes() : entry->nodes;
  std::vector<std::string> done, offline;
  auto failure = co_await run_on_nodes(targets, make_file_op(link::RENAME, from, *to), done, offline);
  if (failure) {
    std::vector<std::string> undone, ignored;
    co_await run_on_nodes(done, make_file_op(link::RENAME, *to, from), undone, ignored);
    reply(ftp::kFileBusy, c.arg + ": not renamed: node " + failure->node + " could not rename its copy (" + failure->error +
                   ").");
    co_return;
  }
  std::optional<meta::Entry> replaced;
  const auto st = env_.store.rename(from, *to, &replaced);
  if (st != meta::Status::Ok) {
    reply(ftp::kFileUnavailable, c.arg + ": " + status_text(st));
    co_return;
  }
  queue_for(offline, meta::NodeOp::Kind::Rename, from, *to);
  if (replaced) {
    // Nodes that held only the replaced file still have it under the new name.
    std::vector<std::string> stale;
    for (const auto& n : replaced->nodes)
      if (std::find(entry->nodes.begin(), entry->nodes.end(), n) == entry->nodes.end()) stale.push_back(n);
    file_op_everywhere(stale, make_file_op(link::DELETE, *to));
  }
  reply(ftp::kFileActionOk, "Rename successful.");
}

std::optional<meta::Entry> Session::plain_file_or_reply(const std::string& arg) {
  auto path = resolve_or_reply(arg);
  if (!path) return std::nullopt;
  auto entry = env_.store.lookup(*path);
  if (!entry || entry->is_dir) {
    reply(ftp::kFileUnavailable, arg + ": not a plain file.");
    return std::nullopt;
  }
  // Clients ask a file's size or time just before downloading it: the next
  // PASV goes to a node that holds it.
  state_.file_named(*path);
  return entry;
}

asio::awaitable<void> Session::cmd_size(const ftp::Command& c) {
  if (auto entry = plain_file_or_reply(c.arg)) reply(ftp::kFileStatus, std::to_string(entry->size));
  co_return;
}

asio::awaitable<void> Session::cmd_mdtm(const ftp::Command& c) {
  if (auto entry = plain_file_or_reply(c.arg)) reply(ftp::kFileStatus, ftp::format_time_val(entry->mtime));
  co_return;
}

asio::awaitable<void> Session::cmd_mfmt(const ftp::Command& c) {
  const auto space = c.arg.find(' ');
  auto when = space == std::string::npos ? std::nullopt : ftp::parse_time_val(c.arg.substr(0, space));
  if (!when) {
    reply(ftp::kSyntaxErrorInArgs, "Syntax: MFMT YYYYMMDDHHMMSS path");
    co_return;
  }
  const std::string name = c.arg.substr(space + 1);
  auto path = resolve_or_reply(name);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || entry->is_dir) {
    reply(ftp::kFileUnavailable, name + ": not a plain file.");
    co_return;
  }
  env_.store.set_mtime(*path, *when);
  auto op = make_file_op(link::SET_MTIME, *path);
  op.set_mtime(*when);
  file_op_everywhere(entry->nodes, op);
  reply(ftp::kFileStatus, "Modify=" + ftp::format_time_val(*when) + "; " + name);
}

asio::awaitable<void> Session::cmd_mlst(const ftp::Command& c) {
  auto path = resolve(c.arg.empty() ? "." : c.arg);
  auto entry = path ? env_.store.lookup(*path) : std::nullopt;
  if (!entry) {
    reply(ftp::kFileUnavailable, (c.arg.empty() ? shown(state_.cwd()) : c.arg) + ": No such file or directory.");
    co_return;
  }
  if (!entry->is_dir) {
    state_.file_named(*path);
  }
  // RFC 3659 §7.2: the entry line starts with a single space.
  const std::string name = shown(*path);
  reply(ftp::kFileActionOk, "Listing " + name + "\n " +
                 ftp::format_mlsx_line(facts_of(*entry, name, !entry->is_dir && offline(*entry), rights())) + "\nEnd");
}

}  // namespace fleet::master
