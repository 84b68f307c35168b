#include "fhir/store/sqlite_transaction.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_error.hpp"

namespace fhir::store {
namespace {

bool is_busy(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// Runs sql, retrying SQLITE_BUSY until the busy timeout has passed. The
// busy handler already waits inside sqlite3_step, but SQLite skips it in a
// few cases (WAL recovery by another connection, a stale snapshot), so
// the retry here covers those within the same budget.
Status run_retrying_busy(Connection& conn, const char* sql) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(conn.busy_timeout_ms());
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int rc = SQLITE_OK;
    {
      auto stmt = conn.prepare(sql);
      if (!stmt) return stmt.take_issue();
      rc = stmt->step_rc();
    }  // reset before any retry
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return ok_status();
    if (!is_busy(rc) || Clock::now() >= deadline) return storage_issue(conn.handle(), rc, sql);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Status run_once(Connection& conn, const char* sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.take_issue();
  return stmt->run();
}

}  // namespace

Result<Transaction> Transaction::begin(Connection& conn, Kind kind) {
  const char* sql = kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED";
  if (auto st = run_retrying_busy(conn, sql); !st) return st.take_issue();
  return Transaction(conn);
}

Transaction::Transaction(Transaction&& other) noexcept : conn_(other.conn_) {
  other.conn_ = nullptr;
}

Transaction::~Transaction() {
  // SQLite may already have rolled back on its own (I/O error, disk full).
  if (conn_ != nullptr && conn_->in_transaction()) (void)run_once(*conn_, "ROLLBACK");
}

Status Transaction::commit() {
  Connection* conn = conn_;
  // In WAL mode COMMIT holds the write lock already; busy here can only come
  // from a rollback-journal file, where retrying COMMIT is the documented fix.
  Status st = run_retrying_busy(*conn, "COMMIT");
  if (st) conn_ = nullptr;  // on failure the destructor rolls back what is left
  return st;
}

Result<Savepoint> Savepoint::begin(Connection& conn, const SavepointSql& sql) {
  if (auto st = run_once(conn, sql.begin); !st) return st.take_issue();
  return Savepoint(conn, sql);
}

Savepoint::Savepoint(Savepoint&& other) noexcept : conn_(other.conn_), sql_(other.sql_) {
  other.conn_ = nullptr;
}

Savepoint::~Savepoint() {
  if (conn_ != nullptr && conn_->in_transaction()) (void)rollback();
}

Status Savepoint::release() {
  Connection* conn = conn_;
  conn_ = nullptr;
  return run_once(*conn, sql_->release);
}

Status Savepoint::rollback() {
  Connection* conn = conn_;
  conn_ = nullptr;
  // ROLLBACK TO keeps the savepoint open; RELEASE then ends it.
  if (auto st = run_once(*conn, sql_->rollback_to); !st) return st;
  return run_once(*conn, sql_->release);
}

}  // namespace fhir::store
