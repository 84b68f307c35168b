// Transactions and savepoints that roll back unless finished (libpqxx's
// rule: a transaction aborts unless committed).
#pragma once

#include "fhir/core/result.hpp"

namespace fhir::store {

class Connection;

class Transaction {
 public:
  // deferred: a read snapshot taken at the first read (history's page and
  // total agree). immediate: takes the write lock now, so the transaction
  // can never fail later with SQLITE_BUSY on upgrading from read to write.
  enum class Kind { deferred, immediate };

  // Retries SQLITE_BUSY until the connection's busy timeout has passed:
  // another process (carebridge import) may hold the write lock.
  static Result<Transaction> begin(Connection& conn, Kind kind);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Connection* conn_;  // null once committed, rolled back or moved from
};

// A savepoint inside a transaction. The name is fixed SQL from our code.
struct SavepointSql {
  const char* begin;
  const char* release;
  const char* rollback_to;
};
inline constexpr SavepointSql kUnitSavepoint{"SAVEPOINT unit", "RELEASE unit",
                                             "ROLLBACK TO unit"};

class Savepoint {
 public:
  static Result<Savepoint> begin(Connection& conn, const SavepointSql& sql);

  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  ~Savepoint();  // rolls back unless released

  // Keeps the changes (they commit with the enclosing transaction).
  Status release();
  // Undoes the changes since begin and ends the savepoint.
  Status rollback();

 private:
  Savepoint(Connection& conn, const SavepointSql& sql) : conn_(&conn), sql_(&sql) {}
  Connection* conn_;  // null once released, rolled back or moved from
  const SavepointSql* sql_;
};

}  // namespace fhir::store
