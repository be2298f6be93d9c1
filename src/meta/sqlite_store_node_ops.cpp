// SqliteStore's queue of changes for offline nodes: a delete or rename made
// while a node was away must still reach its disk when it returns, and must
// survive a master restart in between.
#include <chrono>
#include <stdexcept>
#include <string>

#include "meta/sql_limit.hpp"
#include "meta/sqlite_store.hpp"

namespace fleet::meta {
namespace {

// Stored as words rather than enum values, so the table reads plainly in the
// sqlite3 shell and a reordered enum cannot change the meaning of old rows.
std::string_view kind_name(NodeOp::Kind kind) {
  switch (kind) {
    case NodeOp::Kind::Delete:
      return "delete";
    case NodeOp::Kind::Rename:
      return "rename";
    case NodeOp::Kind::RemoveDir:
      return "rmdir";
  }
  throw std::invalid_argument("node op: unknown kind");
}

NodeOp::Kind kind_from_name(const std::string& name) {
  if (name == "delete") return NodeOp::Kind::Delete;
  if (name == "rename") return NodeOp::Kind::Rename;
  if (name == "rmdir") return NodeOp::Kind::RemoveDir;
  throw std::runtime_error("metadata store: unknown node op kind \"" + name + "\"");
}

}  // namespace

void SqliteStore::enqueue_node_op(std::string_view node, NodeOp::Kind kind, std::string_view path,
                                  std::string_view path2) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  db_.query("INSERT INTO node_ops (node, kind, path, path2, created) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(node, kind_name(kind), path, path2, now)
      .run();
}

std::vector<NodeOp> SqliteStore::node_ops(std::string_view node, std::size_t limit) {
  Query q = db_.query("SELECT seq, kind, path, path2 FROM node_ops WHERE node = ?1 ORDER BY seq LIMIT ?2");
  q.bind(node, sql_limit(limit));
  std::vector<NodeOp> ops;
  while (q.step()) {
    NodeOp op;
    op.seq = q.int64(0);
    op.node = std::string(node);
    op.kind = kind_from_name(q.text(1));
    op.path = q.text(2);
    op.path2 = q.text(3);
    ops.push_back(std::move(op));
  }
  return ops;
}

void SqliteStore::ack_node_op(std::int64_t seq) {
  // Acknowledging twice (a reply repeated after a reconnect) is harmless.
  db_.query("DELETE FROM node_ops WHERE seq = ?1").bind(seq).run();
}

}  // namespace fleet::meta
