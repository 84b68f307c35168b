// The token search-index rows of a resource, stored with its head version.
// For now the identifier parameter (what conditional operations and
// conditional references match on); the search issue derives every token
// parameter from the R4 SearchParameter definitions.
#pragma once

#include <vector>

#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"

namespace gateway {

std::vector<fhir::store::TokenEntry> index_tokens(const fhir::Resource& r);

}  // namespace gateway
