#include "fhir/store/sqlite_handle.hpp"

#include <sqlite3.h>

#include "fhir/store/sqlite_error.hpp"

namespace fhir::store {

void CloseDb::operator()(sqlite3* db) const noexcept {
  // _v2: a statement finalized later still works; the handle closes with it.
  sqlite3_close_v2(db);
}

void FinalizeStmt::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Stmt::Stmt(Stmt&& other) noexcept : stmt_(other.stmt_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::bind(int index, std::string_view text) {
  // An empty view may have a null data(); SQLite would bind that as NULL.
  const char* data = text.empty() ? "" : text.data();
  const int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind_pointer(int index, const void* pointer, const char* kind) {
  // SQLite's pointer interface takes void*; it never writes through it.
  const int rc = sqlite3_bind_pointer(stmt_, index, const_cast<void*>(pointer), kind, nullptr);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

int Stmt::step_rc() {
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

Result<bool> Stmt::step() {
  const int rc = step_rc();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return storage_issue(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

Status Stmt::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.take_issue();
    if (!*row) return ok_status();
  }
}

std::int64_t Stmt::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Stmt::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Stmt::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  const int n = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

bool Stmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

}  // namespace fhir::store
