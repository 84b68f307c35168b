// The store a command works on: --db PATH (required), opened beside any
// server running on it (SQLite's locking keeps them apart).
#pragma once

#include <memory>

#include "fhir/core/clock.hpp"
#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "gateway/config/settings.hpp"

namespace gateway {

// kInvalidParameter when settings name no store; the store's own issue
// when it cannot be opened (or migrated).
fhir::Result<std::unique_ptr<fhir::store::Store>> open_command_store(const Settings& settings,
                                                                     const fhir::Clock& clock);

}  // namespace gateway
