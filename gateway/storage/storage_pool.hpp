// StoragePool: the threads that run storage work. io threads never call
// into SQLite (STYLE.md): a handler co_awaits run(...), the call executes on
// this pool, and the handler resumes on its own connection's executor.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "gateway/net/net.hpp"

namespace gateway {

class StoragePool {
 public:
  explicit StoragePool(int threads) : pool_(static_cast<std::size_t>(threads)) {}
  ~StoragePool() { stop(); }
  StoragePool(const StoragePool&) = delete;
  StoragePool& operator=(const StoragePool&) = delete;

  template <class F>
  net::awaitable<std::invoke_result_t<F&>> run(F f) {
    using R = std::invoke_result_t<F&>;
    co_return co_await net::co_spawn(
        pool_.get_executor(), [f = std::move(f)]() mutable -> net::awaitable<R> { co_return f(); },
        net::use_awaitable);
  }

  void stop() {
    pool_.stop();
    pool_.join();
  }

 private:
  net::thread_pool pool_;
};

// Queues unit for the store's group-commit writer and resumes once its
// outcome is durable (or failed). The writer thread only posts the result.
net::awaitable<fhir::Status> await_write(fhir::store::Store& store, fhir::store::WriteUnit unit);
// Queues all units at once (so they can share commits) and resumes when
// every one is final; results in the order of units.
net::awaitable<std::vector<fhir::Status>> await_writes(fhir::store::Store& store,
                                                       std::vector<fhir::store::WriteUnit> units);

}  // namespace gateway
