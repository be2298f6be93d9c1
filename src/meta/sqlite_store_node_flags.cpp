// SqliteStore's operator flags of nodes ("draining"...): an operator's
// decision about a node must outlive a master restart. A flag that is off has
// no row, so the table only holds what an operator switched on.
#include "meta/sqlite_store.hpp"

namespace fleet::meta {

void SqliteStore::set_node_flag(std::string_view node, std::string_view flag, bool on) {
  if (on) {
    db_.query("INSERT INTO node_flags (node, flag) VALUES (?1, ?2) ON CONFLICT DO NOTHING").bind(node, flag).run();
  } else {
    db_.query("DELETE FROM node_flags WHERE node = ?1 AND flag = ?2").bind(node, flag).run();
  }
}

bool SqliteStore::node_flag(std::string_view node, std::string_view flag) {
  Query q = db_.query("SELECT 1 FROM node_flags WHERE node = ?1 AND flag = ?2");
  q.bind(node, flag);
  return q.step();
}

}  // namespace fleet::meta
