#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>

#include "gateway/storage/storage_pool.hpp"

namespace gateway {

net::awaitable<std::vector<fhir::Status>> await_writes(fhir::store::Store& store,
                                                       std::vector<fhir::store::WriteUnit> units) {
  auto initiate = [&store](auto handler, std::vector<fhir::store::WriteUnit> us) {
    // All units are queued at once so the writer can commit them together;
    // the handler runs (on its own executor) when the last one is final.
    // std::function needs a copyable callable, so the move-only awaitable
    // handler travels in a shared_ptr.
    using Handler = decltype(handler);
    struct Pending {
      explicit Pending(Handler h, std::size_t n) : handler(std::move(h)), results(n), left(n) {}
      Handler handler;
      std::vector<fhir::Status> results;  // slot i written only by unit i's callback
      std::atomic<std::size_t> left;
    };
    auto pending = std::make_shared<Pending>(std::move(handler), us.size());
    auto finish = [pending] {
      auto ex = net::get_associated_executor(pending->handler);
      net::post(ex, [pending]() mutable { pending->handler(std::move(pending->results)); });
    };
    if (us.empty()) return finish();
    for (std::size_t i = 0; i < us.size(); ++i) {
      store.write(std::move(us[i]), [pending, i, finish](fhir::Status st) {
        pending->results[i] = std::move(st);
        if (pending->left.fetch_sub(1) == 1) finish();
      });
    }
  };
  co_return co_await net::async_initiate<decltype(net::use_awaitable),
                                         void(std::vector<fhir::Status>)>(
      initiate, net::use_awaitable, std::move(units));
}

net::awaitable<fhir::Status> await_write(fhir::store::Store& store, fhir::store::WriteUnit unit) {
  std::vector<fhir::store::WriteUnit> units;
  units.push_back(std::move(unit));
  auto results = co_await await_writes(store, std::move(units));
  co_return std::move(results.front());
}

}  // namespace gateway
