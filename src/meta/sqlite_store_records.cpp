// The user accounts and the transfer log of SqliteStore.
#include <limits>

#include "meta/sqlite_store.hpp"

namespace fleet::meta {
namespace {

UserRecord read_user(const Query& q) {
  UserRecord u;
  u.name = q.text(0);
  u.password_hash = q.text(1);
  u.home = q.text(2);
  u.enabled = q.int64(3) != 0;
  u.created = q.int64(4);
  return u;
}

}  // namespace

// --- users ---

bool SqliteStore::add_user(const UserRecord& user) {
  db_.query(
         "INSERT INTO users (name, password_hash, home, enabled, created) VALUES (?1, ?2, ?3, ?4, ?5) "
         "ON CONFLICT (name) DO NOTHING")
      .bind(user.name, user.password_hash, user.home, user.enabled, user.created)
      .run();
  return db_.changes() == 1;
}

std::optional<UserRecord> SqliteStore::get_user(std::string_view name) {
  Query q = db_.query("SELECT name, password_hash, home, enabled, created FROM users WHERE name = ?1");
  q.bind(name);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::vector<UserRecord> SqliteStore::list_users() {
  Query q = db_.query("SELECT name, password_hash, home, enabled, created FROM users ORDER BY name");
  std::vector<UserRecord> users;
  while (q.step()) users.push_back(read_user(q));
  return users;
}

bool SqliteStore::delete_user(std::string_view name) {
  db_.query("DELETE FROM users WHERE name = ?1").bind(name).run();
  return db_.changes() > 0;
}

bool SqliteStore::set_password(std::string_view name, std::string_view password_hash) {
  db_.query("UPDATE users SET password_hash = ?2 WHERE name = ?1").bind(name, password_hash).run();
  return db_.changes() > 0;
}

// --- transfers ---

void SqliteStore::record_transfers(const std::vector<TransferRecord>& batch) {
  if (batch.empty()) return;
  Transaction tx(db_);
  for (const auto& t : batch)
    db_.query(
           "INSERT INTO transfers (time, user, client_ip, path, direction, bytes, crc32, complete, node, "
           "duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(t.time, t.user, t.client_ip, t.path, std::string_view(&t.direction, 1), t.bytes, t.crc32, t.complete,
              t.node, t.duration_ms)
        .run();
  tx.commit();
}

std::vector<TransferRecord> SqliteStore::recent_transfers(std::size_t limit) {
  // Newest first; the rowid orders records as they were written, even when
  // two share a second.
  Query q = db_.query(
      "SELECT time, user, client_ip, path, direction, bytes, crc32, complete, node, duration_ms "
      "FROM transfers ORDER BY id DESC LIMIT ?1");
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  q.bind(static_cast<std::int64_t>(limit < kMax ? limit : kMax));
  std::vector<TransferRecord> records;
  while (q.step()) {
    TransferRecord t;
    t.time = q.int64(0);
    t.user = q.text(1);
    t.client_ip = q.text(2);
    t.path = q.text(3);
    std::string direction = q.text(4);
    t.direction = direction.empty() ? 'o' : direction.front();
    t.bytes = static_cast<std::uint64_t>(q.int64(5));
    t.crc32 = static_cast<std::uint32_t>(q.int64(6));
    t.complete = q.int64(7) != 0;
    t.node = q.text(8);
    t.duration_ms = q.int64(9);
    records.push_back(std::move(t));
  }
  return records;
}

}  // namespace fleet::meta
