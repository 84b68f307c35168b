#include "gateway/storage/write_sync.hpp"

#include <future>

namespace gateway {

fhir::Status write_sync(fhir::store::Store& store, fhir::store::WriteUnit unit) {
  std::promise<fhir::Status> done;
  auto result = done.get_future();
  store.write(std::move(unit), [&done](fhir::Status st) { done.set_value(std::move(st)); });
  return result.get();
}

}  // namespace gateway
