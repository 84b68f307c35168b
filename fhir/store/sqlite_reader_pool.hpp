// The reader connections. SQLite allows one thread per connection at a time,
// so each read leases a whole connection (with its statement cache) and
// gives it back; reads on different connections run in parallel, and in WAL
// mode they never wait for the writer.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fhir/core/result.hpp"

namespace fhir::store {

class Connection;

class ReaderPool {
 public:
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();  // returns the connection to the pool
    Connection& conn() { return *conn_; }

   private:
    friend class ReaderPool;
    Lease(ReaderPool* pool, std::unique_ptr<Connection> conn);
    ReaderPool* pool_ = nullptr;
    std::unique_ptr<Connection> conn_;
  };

  ReaderPool(std::string path, int busy_timeout_ms);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;
  ~ReaderPool();

  // An idle connection, or a new one. The pool grows to the number of
  // threads reading at once, which the caller bounds (the gateway's
  // storage pool), and keeps them open. After close: err::kUnavailable.
  Result<Lease> acquire();

  // Refuses new leases, waits for outstanding ones to come back, and closes
  // every connection. Idempotent.
  void close();

 private:
  void give_back(std::unique_ptr<Connection> conn);

  const std::string path_;
  const int busy_timeout_ms_;
  std::mutex mu_;
  std::condition_variable returned_;                // signalled by give_back
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int leased_ = 0;                                  // guarded by mu_
  bool closed_ = false;                             // guarded by mu_
};

}  // namespace fhir::store
