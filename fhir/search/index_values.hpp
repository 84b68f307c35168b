// Index rows for one resource: every applicable search parameter's
// expression evaluated and its values normalised per R4 search.html, ready
// for the store to write in the same commit as the resource.
#pragma once

#include "fhir/json/value.hpp"
#include "fhir/search/index_rows.hpp"
#include "fhir/search/search_params.hpp"

namespace fhir::search {

// Indexes `resource` (its resourceType picks the parameters).
IndexValues extract_index_values(const SearchParams& params, const json::Value& resource);
// One parameter only, appending: for matching a single criterion in memory.
void extract_param(const BoundParam& param, const json::Value& resource, IndexValues& out);

}  // namespace fhir::search
