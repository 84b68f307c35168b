#include "fhir/store/sqlite_connection.hpp"

#include <sqlite3.h>

#include <climits>

#include "fhir/store/sqlite_error.hpp"
#include "fhir/store/sqlite_row_filter.hpp"

namespace fhir::store {

Connection::Connection(DbHandle db, int busy_timeout_ms)
    : db_(std::move(db)), busy_timeout_ms_(busy_timeout_ms) {}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, Mode mode,
                                                     int busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::read_only ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // Even a failed open may allocate a handle, and it must be closed.
  DbHandle db(raw);
  if (rc != SQLITE_OK) return storage_issue(db.get(), rc, "open store file");
  sqlite3_extended_result_codes(db.get(), 1);
  // SQLite waits (sleeping and retrying) up to this long for a lock another
  // connection or process holds before returning SQLITE_BUSY.
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  if (mode == Mode::read_write_create) {
    // Refuses writes that bypass SQL (writable_schema, raw shadow tables),
    // the usual ways a file gets corrupted from inside.
    sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  }
  if (auto st = register_row_filter_function(db.get()); !st) return st.take_issue();
  return std::unique_ptr<Connection>(new Connection(std::move(db), busy_timeout_ms));
}

Result<Stmt> Connection::prepare(std::string_view sql) { return prepare_in(cache_, sql); }

Result<Stmt> Connection::prepare_dynamic(std::string_view sql) {
  constexpr std::size_t kMaxDynamic = 128;
  if (dynamic_cache_.size() >= kMaxDynamic && dynamic_cache_.find(sql) == dynamic_cache_.end())
    dynamic_cache_.clear();
  return prepare_in(dynamic_cache_, sql);
}

Result<Stmt> Connection::prepare_in(StmtCache& cache, std::string_view sql) {
  auto it = cache.find(sql);
  if (it == cache.end()) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX))
      return storage_issue("statement text too long");
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StmtHandle stmt(raw);
    if (rc != SQLITE_OK) return storage_issue(db_.get(), rc, "prepare statement");
    if (!stmt) return storage_issue("prepare statement: no SQL");
    it = cache.emplace(std::string(sql), std::move(stmt)).first;
  }
  return Stmt(it->second.get());
}

Status Connection::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec wants a terminated string
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is in sqlite3_errmsg
  if (rc != SQLITE_OK) return storage_issue(db_.get(), rc, "exec");
  return ok_status();
}

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

}  // namespace fhir::store
