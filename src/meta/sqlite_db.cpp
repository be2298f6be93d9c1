#include "meta/sqlite_db.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <string>

#include "meta/store_busy.hpp"

namespace fleet::meta {
namespace {

// SQLITE_BUSY (another connection holds the lock past our busy timeout) and
// SQLITE_LOCKED (a conflict inside a shared cache) both mean "try again
// later", which callers tell apart by the exception's type.
bool is_busy(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

[[noreturn]] void throw_error(int code, const std::string& message) {
  if (is_busy(code)) throw StoreBusy(message);
  throw std::runtime_error(message);
}

[[noreturn]] void fail(sqlite3* db, std::string_view doing) {
  std::string message = "sqlite: ";
  message += doing;
  message += ": ";
  message += db ? sqlite3_errmsg(db) : "out of memory";
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
  if (db) {
    message += " (code " + std::to_string(code) + ")";
  }
  throw_error(code, message);
}

void check(sqlite3* db, int rc, std::string_view doing) {
  if (rc != SQLITE_OK) fail(db, doing);
}

}  // namespace

// --- Statement ---

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  // PERSISTENT tells SQLite the statement lives long, so it allocates it
  // outside the lookaside pool meant for short-lived objects.
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt_, &tail);
  if (rc != SQLITE_OK) fail(db, "preparing \"" + std::string(sql) + "\"");
  if (stmt_ == nullptr) throw std::invalid_argument("sqlite: empty statement");
  // Trailing SQL would be silently ignored; that is always a mistake here.
  if (tail != nullptr && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(stmt_);
    throw std::invalid_argument("sqlite: more than one statement in \"" + std::string(sql) + "\"");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

// --- Query ---

Query::Query(Statement& statement) : statement_(statement) {
  if (statement_.in_use_) {
    throw std::logic_error(std::string("sqlite: statement already in use: ") + sqlite3_sql(statement_.stmt_));
  }
  statement_.in_use_ = true;
}

Query::~Query() {
  // reset() repeats the last step's error code; that error was already
  // reported by step(), so it is ignored here.
  sqlite3_reset(statement_.stmt_);
  sqlite3_clear_bindings(statement_.stmt_);
  statement_.in_use_ = false;
}

void Query::bind_null(int index) {
  check(statement_.db_, sqlite3_bind_null(statement_.stmt_, index), "binding a parameter");
}

void Query::bind_int64(int index, std::int64_t value) {
  check(statement_.db_, sqlite3_bind_int64(statement_.stmt_, index, value), "binding a parameter");
}

void Query::bind_text(int index, std::string_view value) {
  // TRANSIENT makes SQLite copy the text, so callers may bind temporaries.
  check(statement_.db_,
        sqlite3_bind_text64(statement_.stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        "binding a parameter");
}

bool Query::step() {
  int rc = sqlite3_step(statement_.stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(statement_.db_, std::string("running \"") + sqlite3_sql(statement_.stmt_) + "\"");
}

void Query::run() {
  while (step()) {
  }
}

std::int64_t Query::int64(int column) const { return sqlite3_column_int64(statement_.stmt_, column); }

std::string Query::text(int column) const {
  // Text first, then its length: that is the order SQLite documents as safe.
  const unsigned char* data = sqlite3_column_text(statement_.stmt_, column);
  int size = sqlite3_column_bytes(statement_.stmt_, column);
  if (data == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

bool Query::is_null(int column) const { return sqlite3_column_type(statement_.stmt_, column) == SQLITE_NULL; }

// --- Database ---

Database::Database(const std::filesystem::path& file) {
  // NOMUTEX: a connection is used from one thread, so SQLite's own locking
  // would be pure overhead.
  int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "sqlite: opening " + file.string() + ": " +
                          (db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    throw std::runtime_error(message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  cache_.clear();  // every statement must be finalized before the close
  sqlite3_close(db_);
}

void Database::exec(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec needs a terminated string
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = "sqlite: running \"" + text + "\": " + (error ? error : sqlite3_errstr(rc)) +
                          " (code " + std::to_string(rc) + ")";
    sqlite3_free(error);
    throw_error(rc, message);
  }
}

Query Database::query(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
  }
  return Query(*it->second);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::int64_t Database::total_changes() const { return sqlite3_total_changes64(db_); }

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
  // sqlite3_busy_timeout(0) removes the handler: a locked write fails at once.
  check(db_, sqlite3_busy_timeout(db_, static_cast<int>(timeout.count())), "setting the busy timeout");
}

// --- Transaction ---

Transaction::Transaction(Database& db) : db_(db) { db_.query("BEGIN IMMEDIATE").run(); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.query("ROLLBACK").run();
  } catch (const std::exception&) {
    // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL);
    // either way nothing of the transaction remains, and a destructor must not
    // throw.
  }
}

void Transaction::commit() {
  db_.query("COMMIT").run();
  done_ = true;
}

}  // namespace fleet::meta
