// Queues one unit for the store's group-commit writer and blocks until its
// outcome is final. For start-up and command-line tools only: request
// handlers use await_write (storage_pool.hpp) and never block.
#pragma once

#include "fhir/store/store.hpp"

namespace gateway {

fhir::Status write_sync(fhir::store::Store& store, fhir::store::WriteUnit unit);

}  // namespace gateway
