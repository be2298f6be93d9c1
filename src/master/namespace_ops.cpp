#include "master/namespace_ops.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "ftp/listing.hpp"
#include "ftp/path.hpp"
#include "ftp/reply_codes.hpp"
#include "master/listing_builder.hpp"
#include "master/node_calls.hpp"
#include "master/node_file_ops.hpp"

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

std::optional<std::string> NamespaceOps::resolve_or_reply(std::string_view arg, int code) {
  if (arg.empty()) {
    ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax error: a path is required.");
    return std::nullopt;
  }
  auto path = ctx_.state.resolve(arg);
  if (!path) ctx_.reply(code, "Invalid path name.");
  return path;
}

asio::awaitable<void> NamespaceOps::pwd(const ftp::Command&) {
  ctx_.reply(ftp::kPathCreated, ftp::quote_257(ctx_.shown(ctx_.state.cwd())) + " is the current directory.");
  co_return;
}

asio::awaitable<void> NamespaceOps::cwd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg.empty() ? "/" : c.arg);
  if (!path) co_return;
  auto entry = ctx_.env.store.lookup(*path);
  if (!entry || !entry->is_dir) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": No such directory.");
    co_return;
  }
  ctx_.state.set_cwd(*path);
  ctx_.reply(ftp::kFileActionOk, "Directory changed to " + ctx_.shown(ctx_.state.cwd()) + ".");
}

asio::awaitable<void> NamespaceOps::cdup(const ftp::Command&) {
  ctx_.state.set_cwd(ctx_.state.resolve("..").value_or(ctx_.state.cwd()));  // stays at the session's "/"
  ctx_.reply(ftp::kCommandOk, "Directory changed to " + ctx_.shown(ctx_.state.cwd()) + ".");
  co_return;
}

asio::awaitable<void> NamespaceOps::mkd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (is_reserved_path(*path)) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": names starting with .fleetftp- are reserved.");
    co_return;
  }
  const auto st = ctx_.env.store.make_dir(*path, ctx_.state.user(), std::time(nullptr));
  if (st == meta::Status::Ok) ctx_.reply(ftp::kPathCreated, ftp::quote_257(ctx_.shown(*path)) + " directory created.");
  else ctx_.reply(ftp::kFileUnavailable, c.arg + ": " + status_text(st));
}

asio::awaitable<void> NamespaceOps::rmd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (*path == "/") {
    ctx_.reply(ftp::kFileUnavailable, "The root directory cannot be removed.");
    co_return;
  }
  const auto st = ctx_.env.store.remove_dir(*path);
  if (st != meta::Status::Ok) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": " + status_text(st));
    co_return;
  }
  if (const auto& cwd = ctx_.state.cwd(); cwd == *path || cwd.rfind(*path + "/", 0) == 0)
    ctx_.state.set_cwd(ftp::parent_path(*path));
  // The VFS said it was empty; on disk, a node removes what is left of it.
  std::vector<std::string> done, offline;
  auto failure = co_await run_on_nodes(*ctx_.nodes, known_nodes(*ctx_.nodes, ctx_.env.store), make_file_op(link::RMDIR, *path), done, offline);
  if (failure) spdlog::warn("node {} kept the directory {}: {}", failure->node, *path, failure->error);
  queue_for(ctx_.env.store, offline, meta::NodeOp::Kind::RemoveDir, *path, "");
  ctx_.reply(ftp::kFileActionOk, "Directory removed.");
}

asio::awaitable<void> NamespaceOps::dele(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  auto entry = ctx_.env.store.lookup(*path);
  if (!entry || entry->is_dir) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": " + status_text(entry ? meta::Status::IsDirectory : meta::Status::NotFound));
    co_return;
  }
  // Nodes first: a node that cannot delete its copy fails this DELE (and only
  // it); the file stays listed with the copies that are left.
  std::vector<std::string> done, offline;
  auto failure = co_await run_on_nodes(*ctx_.nodes, entry->nodes, make_file_op(link::DELETE, *path), done, offline);
  if (failure) {
    for (const auto& n : done) ctx_.env.store.remove_copy(*path, n);
    ctx_.reply(ftp::kFileBusy, c.arg + ": not deleted: node " + failure->node + " could not remove its copy (" + failure->error +
                   ").");
    co_return;
  }
  ctx_.env.store.remove_file(*path, nullptr);
  queue_for(ctx_.env.store, offline, meta::NodeOp::Kind::Delete, *path, "");
  ctx_.reply(ftp::kFileActionOk, "File deleted.");
}

asio::awaitable<void> NamespaceOps::rnfr(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (*path == "/" || !ctx_.env.store.lookup(*path)) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": No such file or directory.");
    co_return;
  }
  ctx_.state.set_rename_from(*path);
  ctx_.reply(ftp::kPendingFurtherInfo, "Ready for destination name (RNTO).");
}

asio::awaitable<void> NamespaceOps::rnto(const ftp::Command& c) {
  auto rename_from = ctx_.state.take_rename_from();
  if (!rename_from) {
    ctx_.reply(ftp::kBadSequence, "Send RNFR first.");
    co_return;
  }
  const std::string from = std::move(*rename_from);
  auto to = resolve_or_reply(c.arg, ftp::kFileNameNotAllowed);
  if (!to) co_return;
  if (is_reserved_path(*to)) {
    ctx_.reply(ftp::kFileNameNotAllowed, c.arg + ": names starting with .fleetftp- are reserved.");
    co_return;
  }
  auto entry = ctx_.env.store.lookup(from);
  auto target = ctx_.env.store.lookup(*to);
  if (!entry) {
    ctx_.reply(ftp::kFileUnavailable, "The file to rename is gone.");
    co_return;
  }
  if (target && target->is_dir) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": " + status_text(meta::Status::Exists));
    co_return;
  }
  auto parent = ctx_.env.store.lookup(ftp::parent_path(*to));
  if (!parent || !parent->is_dir || (entry->is_dir && (*to == from || to->rfind(from + "/", 0) == 0))) {
    ctx_.reply(ftp::kFileNameNotAllowed, c.arg + ": cannot rename to that name.");
    co_return;
  }
  // Nodes first, as for DELE; a failure undoes the renames already done.
  const auto targets = entry->is_dir ? known_nodes(*ctx_.nodes, ctx_.env.store) : entry->nodes;
  std::vector<std::string> done, offline;
  auto failure = co_await run_on_nodes(*ctx_.nodes, targets, make_file_op(link::RENAME, from, *to), done, offline);
  if (failure) {
    std::vector<std::string> undone, ignored;
    co_await run_on_nodes(*ctx_.nodes, done, make_file_op(link::RENAME, *to, from), undone, ignored);
    ctx_.reply(ftp::kFileBusy, c.arg + ": not renamed: node " + failure->node + " could not rename its copy (" + failure->error +
                   ").");
    co_return;
  }
  std::optional<meta::Entry> replaced;
  const auto st = ctx_.env.store.rename(from, *to, &replaced);
  if (st != meta::Status::Ok) {
    ctx_.reply(ftp::kFileUnavailable, c.arg + ": " + status_text(st));
    co_return;
  }
  queue_for(ctx_.env.store, offline, meta::NodeOp::Kind::Rename, from, *to);
  if (replaced) {
    // Nodes that held only the replaced file still have it under the new name.
    std::vector<std::string> stale;
    for (const auto& n : replaced->nodes)
      if (std::find(entry->nodes.begin(), entry->nodes.end(), n) == entry->nodes.end()) stale.push_back(n);
    file_op_everywhere(ctx_.ex, ctx_.nodes, ctx_.env.store, stale, make_file_op(link::DELETE, *to));
  }
  ctx_.reply(ftp::kFileActionOk, "Rename successful.");
}

std::optional<meta::Entry> NamespaceOps::plain_file_or_reply(const std::string& arg) {
  auto path = resolve_or_reply(arg);
  if (!path) return std::nullopt;
  auto entry = ctx_.env.store.lookup(*path);
  if (!entry) {
    ctx_.reply(ftp::kFileUnavailable, arg + ": No such file: it does not exist.");
    return std::nullopt;
  }
  if (entry->is_dir) {
    ctx_.reply(ftp::kFileUnavailable, arg + ": not a plain file.");
    return std::nullopt;
  }
  // Clients ask a file's size or time just before downloading it: the next
  // PASV goes to a node that holds it.
  ctx_.state.file_named(*path);
  return entry;
}

asio::awaitable<void> NamespaceOps::size(const ftp::Command& c) {
  if (auto entry = plain_file_or_reply(c.arg)) ctx_.reply(ftp::kFileStatus, std::to_string(entry->size));
  co_return;
}

asio::awaitable<void> NamespaceOps::mdtm(const ftp::Command& c) {
  if (auto entry = plain_file_or_reply(c.arg)) ctx_.reply(ftp::kFileStatus, ftp::format_time_val(entry->mtime));
  co_return;
}

asio::awaitable<void> NamespaceOps::mfmt(const ftp::Command& c) {
  const auto space = c.arg.find(' ');
  auto when = space == std::string::npos ? std::nullopt : ftp::parse_time_val(c.arg.substr(0, space));
  if (!when) {
    ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax: MFMT YYYYMMDDHHMMSS path");
    co_return;
  }
  const std::string name = c.arg.substr(space + 1);
  auto path = resolve_or_reply(name);
  if (!path) co_return;
  auto entry = ctx_.env.store.lookup(*path);
  if (!entry || entry->is_dir) {
    ctx_.reply(ftp::kFileUnavailable, name + ": not a plain file.");
    co_return;
  }
  ctx_.env.store.set_mtime(*path, *when);
  auto op = make_file_op(link::SET_MTIME, *path);
  op.set_mtime(*when);
  file_op_everywhere(ctx_.ex, ctx_.nodes, ctx_.env.store, entry->nodes, op);
  ctx_.reply(ftp::kFileStatus, "Modify=" + ftp::format_time_val(*when) + "; " + name);
}

asio::awaitable<void> NamespaceOps::mlst(const ftp::Command& c) {
  auto path = ctx_.state.resolve(c.arg.empty() ? "." : c.arg);
  auto entry = path ? ctx_.env.store.lookup(*path) : std::nullopt;
  if (!entry) {
    ctx_.reply(ftp::kFileUnavailable, (c.arg.empty() ? ctx_.shown(ctx_.state.cwd()) : c.arg) + ": No such file or directory.");
    co_return;
  }
  if (!entry->is_dir) {
    ctx_.state.file_named(*path);
  }
  // RFC 3659 §7.2: the entry line starts with a single space.
  const std::string name = ctx_.shown(*path);
  ctx_.reply(ftp::kFileActionOk, "Listing " + name + "\n " +
                 ftp::format_mlsx_line(facts_of(*entry, name, !entry->is_dir && ctx_.offline(*entry), ctx_.rights()),
                                       ctx_.state.mlst_facts()) + "\nEnd");
}

}  // namespace fleet::master
