#include "master/transfer_commit.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "ftp/reply_codes.hpp"
#include "master/node_calls.hpp"
#include "master/node_file_ops.hpp"

namespace fleet::master {

asio::awaitable<bool> TransferCommit::record_upload(Transfer& t) {
  auto& store = ctx_.env.store;
  auto& o = t.outcome;
  std::optional<meta::Entry> before;
  bool listed = false;
  try {
    before = store.lookup(t.path);
    const auto st = store.put_file(t.path, o.file_size, o.mtime, ctx_.state.user(), o.crc32, t.node);
    if (st != meta::Status::Ok) {
      o.error = "the file was stored but its directory is gone";
      co_return false;
    }
    listed = true;
    const int wanted = ctx_.env.replicator.wanted(t.path);
    if (wanted > 1) {
      store.set_replicas(t.path, wanted);
      ctx_.env.replicator.request(t.path);
    }
  } catch (const std::exception& e) {
    // Not listed as complete: the client hears 451 and may send it again.
    spdlog::error("{}: the upload of {} could not be recorded: {}", ctx_.client.ip, t.path, e.what());
    o.error = std::string("the file could not be recorded: ") + e.what();
    if (listed) {
      try {
        store.remove_file(t.path, nullptr);
      } catch (const std::exception& e2) {
        spdlog::error("{}: {} stays listed after a failed commit: {}", ctx_.client.ip, t.path, e2.what());
      }
    }
    co_return false;
  }
  if (before) {
    // The new content lives on t.node only; older copies elsewhere are stale
    // and go before the client hears 226 (or are queued for nodes that are
    // away).
    std::vector<std::string> stale, done, offline;
    for (const auto& n : before->nodes)
      if (n != t.node) stale.push_back(n);
    if (auto failure = co_await run_on_nodes(*ctx_.nodes, stale, make_file_op(link::DELETE, t.path), done, offline))
      spdlog::warn("node {} keeps a stale copy of {}: {}", failure->node, t.path, failure->error);
    queue_for(store, offline, meta::NodeOp::Kind::Delete, t.path, "");
  }
  co_return true;
}

void TransferCommit::resync_after_partial_write(const Transfer& t) {
  asio::co_spawn(
      ctx_.ex,
      [nodes = ctx_.nodes, &store = ctx_.env.store, node = t.node, path = t.path,
       user = ctx_.state.user()]() -> asio::awaitable<void> {
        auto r = co_await nodes->file_op(node, make_file_op(link::STAT, path));
        if (r.ok()) store.put_file(path, r.size(), r.mtime(), user, r.crc32(), node);
      },
      [path = t.path](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::error("{}: could not take the size of a partly written file: {}", path, x.what());
        }
      });
}

void TransferCommit::log_record(const Transfer& t, bool complete) {
  if (is_listing(t.op)) return;
  meta::TransferRecord r;
  r.time = std::time(nullptr);
  r.user = ctx_.state.user();
  r.client_ip = ctx_.client.ip;
  r.path = t.path;
  r.direction = t.op == TransferOp::Retr ? 'o' : 'i';
  r.bytes = t.outcome.bytes;
  r.crc32 = t.outcome.crc32;
  r.complete = complete;
  r.node = t.node;
  r.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t.started).count();
  ctx_.env.transfers.add(std::move(r), ctx_.state.ascii());
}

asio::awaitable<void> TransferCommit::finish(std::shared_ptr<Transfer> tp) {
  auto& t = *tp;
  auto& o = t.outcome;
  const bool stores = stores_file(t.op);
  if (o.ok && stores && !t.have_store_outcome) {
    o.ok = false;
    o.error = "the storage node did not confirm the file";
  }
  bool commit_failed = false;
  if (o.ok && stores) {
    const bool recorded = co_await record_upload(t);
    if (!recorded) {
      o.ok = false;
      commit_failed = true;
    }
  }
  if (!o.ok && stores && (t.op == TransferOp::Appe || t.offset > 0) && !t.node.empty())
    resync_after_partial_write(t);
  log_record(t, o.ok);
  if (o.ok) {
    ctx_.reply(ftp::kTransferComplete, "Transfer complete (" + std::to_string(o.bytes) + " bytes).");
    co_return;
  }
  ++ctx_.env.stats.transfers_failed;
  spdlog::info("transfer of {} for {} failed: {}", t.path.empty() ? "listing" : t.path, ctx_.state.user(), o.error);
  const std::string what = t.path.empty() ? std::string("listing") : ctx_.shown(t.path);
  // A node that refused its part decides the reply, also when the other part
  // was aborted because of it (failure_reply_code's order).
  switch (commit_failed ? ftp::kLocalError : failure_reply_code(o, t.abort_requested)) {
    case ftp::kInsufficientStorage:
      ctx_.reply(ftp::kInsufficientStorage, what + ": insufficient storage space: " + o.error);
      break;
    case ftp::kLocalError:
      ctx_.reply(ftp::kLocalError, what + ": " + o.error);
      break;
    case ftp::kCantOpenData:
      ctx_.reply(ftp::kCantOpenData, "Can't open data connection: " + o.error);
      break;
    default:
      ctx_.reply(ftp::kTransferAborted, t.abort_requested || o.aborted
                                            ? std::string("Connection closed; transfer aborted.")
                                            : "Connection closed; transfer aborted: " + o.error);
  }
}

}  // namespace fleet::master
