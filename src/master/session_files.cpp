// Session: commands on the namespace (RFC 959 directories, DELE, rename;
// RFC 3659 SIZE, MDTM, MLST; MFMT). The VFS is changed first; nodes holding
// copies are told afterwards.
#include <spdlog/spdlog.h>

#include <ctime>

#include "ftp/listing.hpp"
#include "ftp/path.hpp"
#include "master/listing_builder.hpp"
#include "master/session.hpp"

namespace fleet::master {

namespace {
constexpr auto kFileOpTimeout = std::chrono::seconds(10);

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

asio::awaitable<void> Session::send_file_op(const std::string& node, link::FileOp op) {
  auto* info = env_.nodes.find(node);
  if (!info) co_return;
  auto link = info->link;
  link::Envelope env;
  *env.mutable_file_op() = op;
  auto r = co_await link->call(env, kFileOpTimeout);
  if (!r || !r->has_op_result()) {
    spdlog::warn("node {}: no answer to file operation on {}", node, op.path());
  } else if (!r->op_result().ok() && !r->op_result().not_found()) {
    spdlog::warn("node {}: file operation on {} failed: {}", node, op.path(), r->op_result().error());
  }
}

void Session::file_op_everywhere(const std::vector<std::string>& nodes, link::FileOp op) {
  for (const auto& n : nodes)
    asio::co_spawn(wake_.get_executor(), [self = shared_from_this(), n, op]() { return self->send_file_op(n, op); },
                   asio::detached);
}

asio::awaitable<void> Session::cmd_pwd(const ftp::Command&) {
  reply(257, ftp::quote_257(cwd_) + " is the current directory.");
  co_return;
}

asio::awaitable<void> Session::cmd_cwd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg.empty() ? "/" : c.arg);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || !entry->is_dir) {
    reply(550, c.arg + ": No such directory.");
    co_return;
  }
  cwd_ = *path;
  reply(250, "Directory changed to " + cwd_ + ".");
}

asio::awaitable<void> Session::cmd_cdup(const ftp::Command&) {
  cwd_ = ftp::parent_path(cwd_);
  reply(200, "Directory changed to " + cwd_ + ".");
  co_return;
}

asio::awaitable<void> Session::cmd_mkd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  const auto st = env_.store.make_dir(*path, user_, std::time(nullptr));
  if (st == meta::Status::Ok) reply(257, ftp::quote_257(*path) + " directory created.");
  else reply(550, c.arg + ": " + status_text(st));
}

asio::awaitable<void> Session::cmd_rmd(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (*path == "/") {
    reply(550, "The root directory cannot be removed.");
    co_return;
  }
  const auto st = env_.store.remove_dir(*path);
  if (st != meta::Status::Ok) {
    reply(550, c.arg + ": " + status_text(st));
    co_return;
  }
  if (cwd_ == *path || cwd_.rfind(*path + "/", 0) == 0) cwd_ = ftp::parent_path(*path);
  link::FileOp op;
  op.set_kind(link::RMDIR);
  op.set_path(*path);
  std::vector<std::string> all;
  for (auto* n : env_.nodes.online()) all.push_back(n->name);
  file_op_everywhere(all, op);
  reply(250, "Directory removed.");
}

asio::awaitable<void> Session::cmd_dele(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  meta::Entry removed;
  const auto st = env_.store.remove_file(*path, &removed);
  if (st != meta::Status::Ok) {
    reply(550, c.arg + ": " + status_text(st));
    co_return;
  }
  link::FileOp op;
  op.set_kind(link::DELETE);
  op.set_path(*path);
  file_op_everywhere(removed.nodes, op);
  reply(250, "File deleted.");
}

asio::awaitable<void> Session::cmd_rnfr(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  if (*path == "/" || !env_.store.lookup(*path)) {
    reply(550, c.arg + ": No such file or directory.");
    co_return;
  }
  rnfr_ = *path;
  reply(350, "Ready for destination name (RNTO).");
}

asio::awaitable<void> Session::cmd_rnto(const ftp::Command& c) {
  if (!rnfr_) {
    reply(503, "Send RNFR first.");
    co_return;
  }
  const std::string from = std::exchange(rnfr_, std::nullopt).value();
  auto to = resolve_or_reply(c.arg, 553);
  if (!to) co_return;
  auto entry = env_.store.lookup(from);
  std::optional<meta::Entry> replaced;
  const auto st = env_.store.rename(from, *to, &replaced);
  if (st != meta::Status::Ok) {
    reply(st == meta::Status::NotFound && entry ? 553 : 550, c.arg + ": " + status_text(st));
    co_return;
  }
  if (replaced) {
    link::FileOp del;
    del.set_kind(link::DELETE);
    del.set_path(*to);
    // A node that holds both names gets the rename, which replaces the file.
    std::vector<std::string> only_replaced;
    for (const auto& n : replaced->nodes)
      if (!entry || std::find(entry->nodes.begin(), entry->nodes.end(), n) == entry->nodes.end())
        only_replaced.push_back(n);
    file_op_everywhere(only_replaced, del);
  }
  link::FileOp op;
  op.set_kind(link::RENAME);
  op.set_path(from);
  op.set_path2(*to);
  std::vector<std::string> targets;
  if (entry && !entry->is_dir) targets = entry->nodes;
  else
    for (auto* n : env_.nodes.online()) targets.push_back(n->name);
  file_op_everywhere(targets, op);
  reply(250, "Rename successful.");
}

asio::awaitable<void> Session::cmd_size(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || entry->is_dir) {
    reply(550, c.arg + ": not a plain file.");
    co_return;
  }
  predicted_path_ = *path;
  reply(213, std::to_string(entry->size));
}

asio::awaitable<void> Session::cmd_mdtm(const ftp::Command& c) {
  auto path = resolve_or_reply(c.arg);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || entry->is_dir) {
    reply(550, c.arg + ": not a plain file.");
    co_return;
  }
  predicted_path_ = *path;
  reply(213, ftp::format_time_val(entry->mtime));
}

asio::awaitable<void> Session::cmd_mfmt(const ftp::Command& c) {
  const auto space = c.arg.find(' ');
  auto when = space == std::string::npos ? std::nullopt : ftp::parse_time_val(c.arg.substr(0, space));
  if (!when) {
    reply(501, "Syntax: MFMT YYYYMMDDHHMMSS path");
    co_return;
  }
  const std::string name = c.arg.substr(space + 1);
  auto path = resolve_or_reply(name);
  if (!path) co_return;
  auto entry = env_.store.lookup(*path);
  if (!entry || entry->is_dir) {
    reply(550, name + ": not a plain file.");
    co_return;
  }
  env_.store.set_mtime(*path, *when);
  link::FileOp op;
  op.set_kind(link::SET_MTIME);
  op.set_path(*path);
  op.set_mtime(*when);
  file_op_everywhere(entry->nodes, op);
  reply(213, "Modify=" + ftp::format_time_val(*when) + "; " + name);
}

asio::awaitable<void> Session::cmd_mlst(const ftp::Command& c) {
  auto path = resolve(c.arg.empty() ? "." : c.arg);
  auto entry = path ? env_.store.lookup(*path) : std::nullopt;
  if (!entry) {
    reply(550, (c.arg.empty() ? cwd_ : c.arg) + ": No such file or directory.");
    co_return;
  }
  if (!entry->is_dir) predicted_path_ = *path;
  // RFC 3659 §7.2: the entry line starts with a single space.
  reply(250, "Listing " + *path + "\n " + ftp::format_mlsx_line(facts_of(*entry, *path)) + "\nEnd");
}

}  // namespace fleet::master
