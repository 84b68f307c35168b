#include "fhir/store/sqlite_reader_pool.hpp"

#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace fhir::store {

ReaderPool::Lease::Lease(ReaderPool* pool, std::unique_ptr<Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

ReaderPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}

ReaderPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(conn_));
}

ReaderPool::ReaderPool(std::string path, int busy_timeout_ms)
    : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms) {}

ReaderPool::~ReaderPool() { close(); }

Result<ReaderPool::Lease> ReaderPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return make_issue(err::kUnavailable, "The store is closed");
    ++leased_;
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  // Opening takes a while (file, WAL index); do it outside the lock. The
  // count above already holds close() back until this lease is returned.
  auto opened = Connection::open(path_, Connection::Mode::read_only, busy_timeout_ms_);
  if (!opened) {
    give_back(nullptr);
    return opened.take_issue();
  }
  return Lease(this, std::move(*opened));
}

void ReaderPool::give_back(std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> closing;  // closed after the lock is released
  {
    std::lock_guard lock(mu_);
    --leased_;
    if (conn != nullptr) {
      if (closed_)
        closing = std::move(conn);
      else
        idle_.push_back(std::move(conn));
    }
    // Notified under the lock: once close() sees leased_ == 0 the pool may
    // be destroyed, and the condition variable with it.
    returned_.notify_all();
  }
}

void ReaderPool::close() {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::unique_lock lock(mu_);
    closed_ = true;
    returned_.wait(lock, [this] { return leased_ == 0; });
    closing.swap(idle_);
  }
}

}  // namespace fhir::store
