// Adds and removes a resource's search-index rows (the ix_* tables) inside
// the writer's transaction, in the same commit as its version.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/search/index_rows.hpp"

namespace fhir::store {

class Connection;

enum class IndexOp { add, remove };

// add: INSERT OR IGNORE (a value listed twice is one row). remove: DELETE
// by the full key, so removing the rows of the version being replaced
// takes exactly what adding it stored.
Status write_index_rows(Connection& conn, std::string_view type, std::string_view id,
                        const search::IndexValues& rows, IndexOp op);

// Empties every ix_* table (reindexing starts from nothing).
Status clear_index(Connection& conn);

}  // namespace fhir::store
