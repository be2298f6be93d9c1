// Placeholder bodies of the cluster bookkeeping calls, replaced by the real
// implementation; they fail loudly so nothing relies on them by accident.
#include <stdexcept>

#include "meta/sqlite_store.hpp"

namespace fleet::meta {

std::optional<std::string> SqliteStore::path_of(std::int64_t) { throw std::logic_error("path_of is not implemented yet"); }
Status SqliteStore::set_replicas(std::string_view, int) { throw std::logic_error("set_replicas is not implemented yet"); }
Status SqliteStore::remove_copy(std::string_view, std::string_view) { throw std::logic_error("remove_copy is not implemented yet"); }
std::vector<FileRef> SqliteStore::under_replicated(const std::vector<std::string>&, std::int64_t, std::size_t) { throw std::logic_error("under_replicated is not implemented yet"); }
std::vector<FileRef> SqliteStore::files_on_node_batch(std::string_view, std::int64_t, std::size_t) { throw std::logic_error("files_on_node_batch is not implemented yet"); }
std::vector<FileRef> SqliteStore::files_batch(std::int64_t, std::size_t) { throw std::logic_error("files_batch is not implemented yet"); }
std::vector<NodeUsage> SqliteStore::node_usage() { throw std::logic_error("node_usage is not implemented yet"); }
void SqliteStore::enqueue_node_op(std::string_view, NodeOp::Kind, std::string_view, std::string_view) { throw std::logic_error("enqueue_node_op is not implemented yet"); }
std::vector<NodeOp> SqliteStore::node_ops(std::string_view, std::size_t) { throw std::logic_error("node_ops is not implemented yet"); }
void SqliteStore::ack_node_op(std::int64_t) { throw std::logic_error("ack_node_op is not implemented yet"); }
std::int64_t SqliteStore::begin_inventory(std::string_view) { throw std::logic_error("begin_inventory is not implemented yet"); }
ReconcileResult SqliteStore::reconcile_batch(std::string_view, std::int64_t, const std::vector<InventoryItem>&, UnknownFilePolicy) { throw std::logic_error("reconcile_batch is not implemented yet"); }
std::vector<std::string> SqliteStore::end_inventory(std::string_view, std::int64_t) { throw std::logic_error("end_inventory is not implemented yet"); }
void SqliteStore::set_node_flag(std::string_view, std::string_view, bool) { throw std::logic_error("set_node_flag is not implemented yet"); }
bool SqliteStore::node_flag(std::string_view, std::string_view) { throw std::logic_error("node_flag is not implemented yet"); }

}  // namespace fleet::meta
