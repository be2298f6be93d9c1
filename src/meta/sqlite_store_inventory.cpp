// SqliteStore's reconciliation of a returning node's inventory. Every copy
// carries the generation of the inventory that last reported it: a node's
// inventory starts a new generation, each reported file marks its copy with
// it, and at the end the copies still carrying an older one are those the
// node no longer has. Only the newest generation of a node counts: batches or
// an end left over from an inventory that a reconnect interrupted change
// nothing, as their verdicts went to a connection that is gone.
#include <algorithm>
#include <limits>
#include <utility>

#include "meta/inventory_reconciler.hpp"
#include "meta/path_cache.hpp"
#include "meta/pending_ops.hpp"
#include "meta/sqlite_store.hpp"

namespace fleet::meta {

std::int64_t SqliteStore::current_generation(std::string_view node) {
  Query q = db_.query("SELECT gen FROM inventory_gen WHERE node = ?1");
  q.bind(node);
  return q.step() ? q.int64(0) : 0;
}

std::int64_t SqliteStore::begin_inventory(std::string_view node) {
  Transaction tx(db_);
  db_.query("INSERT INTO inventory_gen (node, gen) VALUES (?1, 1) ON CONFLICT (node) DO UPDATE SET gen = gen + 1")
      .bind(node)
      .run();
  const std::int64_t generation = current_generation(node);
  tx.commit();
  return generation;
}

ReconcileResult SqliteStore::reconcile_batch(std::string_view node, std::int64_t generation,
                                             const std::vector<InventoryItem>& items, UnknownFilePolicy policy) {
  Transaction tx(db_);
  if (generation != current_generation(node)) return {};
  // Read per batch, not once per inventory: a change made for the node while
  // it reports (it is back, but not yet ready) must be honoured too.
  const PendingOps pending(node_ops(node, std::numeric_limits<std::size_t>::max()));
  InventoryReconciler reconciler(db_, node, generation, policy, pending);
  for (const InventoryItem& item : items) reconciler.reconcile(item);
  tx.commit();
  return reconciler.take_result();
}

std::vector<std::string> SqliteStore::end_inventory(std::string_view node, std::int64_t generation) {
  Transaction tx(db_);
  if (generation != current_generation(node)) return {};
  std::vector<std::pair<std::int64_t, std::string>> lost;  // (parent, name)
  {
    Query q = db_.query(
        "SELECT e.parent, e.name FROM copies c JOIN entries e ON e.id = c.entry_id "
        "WHERE c.node = ?1 AND c.seen_gen <> ?2");
    q.bind(node, generation);
    while (q.step()) lost.emplace_back(q.int64(0), q.text(1));
  }
  std::vector<std::string> paths;
  if (lost.empty()) return paths;
  paths.reserve(lost.size());
  PathCache cache(db_);
  for (const auto& [parent, name] : lost) {
    if (auto path = cache.child_path(parent, name)) paths.push_back(std::move(*path));
  }
  // The entries stay, even those left without any copy: the namespace keeps
  // naming a file that may come back with its node, and the operator decides.
  db_.query("DELETE FROM copies WHERE node = ?1 AND seen_gen <> ?2").bind(node, generation).run();
  tx.commit();
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace fleet::meta
