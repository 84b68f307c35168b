// Turning a SQLite failure into an Issue from the error registry.
#pragma once

#include <string_view>

#include "fhir/core/issue.hpp"

struct sqlite3;

namespace fhir::store {

// Logs the SQLite detail to stderr for operators (statements are bound, so
// the text holds no PHI) and returns a generic issue: 5xx diagnostics reach
// clients and never carry internals. Busy and locked map to 503 (transient,
// worth a retry); everything else is a 500 storage error.
Issue storage_issue(sqlite3* db, int rc, std::string_view context);

// For failures that have no SQLite handle (or none worth asking).
Issue storage_issue(std::string_view context);

}  // namespace fhir::store
