// Owners for SQLite's C handles, and one use of a cached prepared statement.
// Only .cpp files include sqlite3.h (STYLE.md): this header forward-declares.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace fhir::store {

struct CloseDb {
  void operator()(sqlite3* db) const noexcept;
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const noexcept;
};
using StmtHandle = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

// One execution of a prepared statement owned by a Connection's cache. It
// resets the statement on scope exit: a statement left mid-result keeps a
// read snapshot open, which pins the WAL and stalls checkpoints, and reset
// also drops the bound pointers before the caller's strings go away.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Text is bound without a copy (SQLITE_STATIC): it must outlive this Stmt.
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, double value);
  // A pointer only our own SQL functions can read back (sqlite3_bind_pointer
  // with type tag kind, a static string); null binds NULL.
  Stmt& bind_pointer(int index, const void* pointer, const char* kind);

  // true: a row is ready; false: the statement is done. A failed bind is
  // reported here, so callers check once.
  Result<bool> step();
  // Steps to the end, for statements that return no rows we need.
  Status run();
  // The raw result code, for the few callers that retry on SQLITE_BUSY.
  int step_rc();

  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = 0;  // the first failed bind; 0 (SQLITE_OK) when all bound
};

}  // namespace fhir::store
