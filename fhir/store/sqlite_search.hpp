// Runs a planned search (search_sql.hpp) on a connection: a leased reader,
// or the writer inside its group (conditional operations).
#pragma once

#include <cstdint>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

Result<std::vector<SearchHit>> query_search(Connection& conn, const SearchSpec& spec);
Result<std::int64_t> query_search_count(Connection& conn, const SearchSpec& spec);

}  // namespace fhir::store
