// A small RAII layer over the SQLite C API: a connection that keeps its
// prepared statements for reuse (the metadata store runs a few statements on
// every FTP command, and re-preparing them would dominate the cost), a query
// handle that binds, steps and reads columns, and a scoped transaction.
// Every SQLite failure becomes std::runtime_error carrying SQLite's message;
// a lock held by another connection (SQLITE_BUSY, SQLITE_LOCKED) becomes its
// subclass StoreBusy, so callers can retry it.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace fleet::meta {

// One prepared statement, owned by Database's cache.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

 private:
  friend class Query;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  // A cached statement has one cursor; a second concurrent use would silently
  // reset the first, so it is refused instead.
  bool in_use_ = false;
};

// One execution of a cached statement. Parameters are numbered from 1 and
// columns from 0, as in SQLite. On destruction the statement is reset and its
// bindings cleared, ready for the next Query.
class Query {
 public:
  explicit Query(Statement& statement);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Binds the arguments to parameters 1..n. Integers (including bool and
  // unsigned values, stored bit-for-bit as 64-bit signed), strings and
  // nullptr (SQL NULL) are accepted.
  template <class... Args>
  Query& bind(const Args&... args) {
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true if there is one, false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  std::int64_t int64(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  template <class T>
  void bind_one(int index, const T& value) {
    if constexpr (std::is_same_v<T, std::nullptr_t>) {
      bind_null(index);
    } else if constexpr (std::integral<T>) {
      bind_int64(index, static_cast<std::int64_t>(value));
    } else {
      bind_text(index, std::string_view(value));
    }
  }
  void bind_null(int index);
  void bind_int64(int index, std::int64_t value);
  void bind_text(int index, std::string_view value);

  Statement& statement_;
};

// An open connection. Not thread-safe, like the store built on it.
class Database {
 public:
  // Opens or creates `file`. Throws std::runtime_error if it cannot.
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows, without caching them
  // (schema setup and migrations).
  void exec(std::string_view sql);
  // A handle on the cached statement for `sql`, prepared on first use.
  Query query(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int changes() const;
  // True between BEGIN and COMMIT/ROLLBACK.
  bool in_transaction() const;
  // Rows inserted, updated or deleted through this connection since it was
  // opened: unchanged means nothing was written in between.
  std::int64_t total_changes() const;
  // How long a statement waits for another connection's lock before it fails
  // with StoreBusy; 0 fails at once (no wait at all).
  void set_busy_timeout(std::chrono::milliseconds timeout);

 private:
  // Lets lookups by string_view avoid building a std::string on the hot path.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE on construction (taking the write lock up front, so checks
// made inside the transaction still hold when it writes); ROLLBACK on
// destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace fleet::meta
