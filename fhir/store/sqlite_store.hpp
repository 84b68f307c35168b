// The embedded default store: one SQLite file in WAL mode.
#pragma once

#include <memory>
#include <string>

#include "fhir/core/clock.hpp"
#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

struct SqliteOptions {
  std::string path;
  int busy_timeout_ms = 10000;  // another process (import) may hold the write lock
  int max_group = 512;          // units per group commit
};

// Opens (creating if needed) and migrates the store. The clock must outlive it.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options,
                                                 const Clock& clock);

}  // namespace fhir::store
