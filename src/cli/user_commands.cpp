// `fleetftp user add|list|del`: user records in the metadata store. Safe
// while the master runs (SQLite WAL lets both processes use the file): the
// command holds the write lock only for its one INSERT or DELETE, and the
// master's writes that meet it are retried on a timer, never stalling a
// session. The command itself waits up to meta::kWaitingBusyTimeout for a
// lock held by another process, then fails with a clear message.
#include <chrono>
#include <ctime>
#include <iostream>
#include <stdexcept>

#include "auth/password.hpp"
#include "cli/subcommands.hpp"
#include "config/master_config.hpp"
#include "meta/store.hpp"

namespace fleet::cli {

namespace {
std::filesystem::path database_file(const UserOptions& o) {
  if (!o.config.empty()) return config::load_master_config(o.config).database();
  const std::filesystem::path dir = o.state_dir.empty() ? "var" : o.state_dir;
  if (!std::filesystem::is_directory(dir))
    throw std::runtime_error("state dir " + dir.string() + " does not exist (start `fleetftp up` once, or pass --config)");
  return dir / "meta.sqlite";
}

std::unique_ptr<meta::MetaStore> open_store(const std::filesystem::path& file) {
  return meta::open_sqlite_store(file, meta::StoreOptions{meta::kWaitingBusyTimeout});
}

// Runs one user command; a lock that outlasts the wait becomes a message
// naming the file, not a raw SQLite error.
template <class Command>
int with_store(const UserOptions& o, Command command) {
  const auto file = database_file(o);
  try {
    auto store = open_store(file);
    return command(*store);
  } catch (const meta::StoreBusy&) {
    std::cerr << "fleetftp: " << file.string() << " stayed locked by another process for "
              << std::chrono::duration_cast<std::chrono::seconds>(meta::kWaitingBusyTimeout).count()
              << " s; nothing was changed; try again\n";
    return 1;
  }
}

bool valid_user_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '@')) return false;
  return true;
}
}  // namespace

int user_add_cmd(const UserOptions& o) {
  if (!valid_user_name(o.name)) {
    std::cerr << "fleetftp: user name must be 1-64 characters of letters, digits, '_', '-', '.', '@'\n";
    return 2;
  }
  if (!o.password_stdin) {
    std::cerr << "fleetftp: give the password on standard input with --password-stdin\n";
    return 2;
  }
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    std::cerr << "fleetftp: empty password on standard input\n";
    return 2;
  }
  meta::UserRecord user;
  user.name = o.name;
  // Hashed before the database is opened: no lock is held meanwhile.
  user.password_hash = auth::hash_password(password);
  user.home = o.home;
  user.created = std::time(nullptr);
  return with_store(o, [&](meta::MetaStore& store) {
    if (!store.add_user(user)) {
      std::cerr << "fleetftp: user " << o.name << " already exists\n";
      return 1;
    }
    std::cout << "user " << o.name << " added\n";
    return 0;
  });
}

int user_list_cmd(const UserOptions& o) {
  return with_store(o, [&](meta::MetaStore& store) {
    for (const auto& u : store.list_users())
      std::cout << u.name << "\thome=" << u.home << (u.enabled ? "" : "\tdisabled") << "\n";
    return 0;
  });
}

int user_del_cmd(const UserOptions& o) {
  return with_store(o, [&](meta::MetaStore& store) {
    if (!store.delete_user(o.name)) {
      std::cerr << "fleetftp: no user " << o.name << "\n";
      return 1;
    }
    std::cout << "user " << o.name << " deleted\n";
    return 0;
  });
}

}  // namespace fleet::cli
