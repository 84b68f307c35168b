// One SQLite connection and its cache of prepared statements.
//
// Opened NOMUTEX (SQLite's multi-thread mode): SQLite does no locking of its
// own for this handle, so exactly one thread may use it at a time. The owner
// guarantees that: the reader pool leases a connection to one caller, and
// the writer connection belongs to the writer thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/core/result.hpp"
#include "fhir/store/sqlite_handle.hpp"

namespace fhir::store {

class Connection {
 public:
  enum class Mode { read_write_create, read_only };

  static Result<std::unique_ptr<Connection>> open(const std::string& path, Mode mode,
                                                  int busy_timeout_ms);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The statement for sql, prepared on first use and cached for the life of
  // the connection. sql is fixed text from our code: data is always bound.
  Result<Stmt> prepare(std::string_view sql);
  // The same for SQL assembled per request (search): its shapes are many,
  // so this cache is bounded and emptied when full. The caller must not
  // hold another statement of this cache while preparing.
  Result<Stmt> prepare_dynamic(std::string_view sql);
  // Runs fixed SQL without parameters or wanted rows (DDL, several
  // statements at once). Not cached: for migrations and pragmas.
  Status exec(std::string_view sql);

  // False when SQLite is in autocommit mode, including after it rolled back
  // a transaction on its own (I/O error, disk full).
  bool in_transaction() const;
  // How long a caller keeps retrying SQLITE_BUSY before giving up.
  int busy_timeout_ms() const { return busy_timeout_ms_; }
  sqlite3* handle() const { return db_.get(); }

 private:
  Connection(DbHandle db, int busy_timeout_ms);

  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  DbHandle db_;
  int busy_timeout_ms_;
  // Declared after db_ so statements finalize before the handle closes.
  using StmtCache = std::unordered_map<std::string, StmtHandle, SqlHash, std::equal_to<>>;
  Result<Stmt> prepare_in(StmtCache& cache, std::string_view sql);
  StmtCache cache_;
  StmtCache dynamic_cache_;
};

}  // namespace fhir::store
