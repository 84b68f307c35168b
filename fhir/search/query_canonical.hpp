// The query string of what a search understood, for its self, next and
// previous links (R4 search.html: the self link "contains the parameters
// that were actually used"). Criteria come first, as sent and in the
// order sent; then the result parameters in a fixed order. Ignored
// parameters are left out. _total appears only when it is not our default.
#pragma once

#include <string>

#include "fhir/search/query.hpp"

namespace fhir::search {

// "name=value&..." without a leading '?', percent-encoded.
std::string canonical_query(const SearchQuery& q);

}  // namespace fhir::search
