#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

#include "gateway/storage/storage_pool.hpp"

namespace gateway {

net::awaitable<fhir::Status> await_write(fhir::store::Store& store, fhir::store::WriteUnit unit) {
  auto initiate = [&store](auto handler, fhir::store::WriteUnit u) {
    // std::function needs a copyable callable; the awaitable handler is
    // move-only, so it travels in a shared_ptr.
    using Handler = decltype(handler);
    auto h = std::make_shared<Handler>(std::move(handler));
    store.write(std::move(u), [h](fhir::Status st) {
      auto ex = net::get_associated_executor(*h);
      net::post(ex, [h, st = std::move(st)]() mutable { (*h)(std::move(st)); });
    });
  };
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(fhir::Status)>(
      initiate, net::use_awaitable, std::move(unit));
}

}  // namespace gateway
