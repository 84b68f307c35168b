// _include and _revinclude values (R4 search.html "Including other
// resources"): "Source:param[:Target]", "Source:*" and "*", with the
// :iterate modifier (R4's name for STU3's :recurse, accepted as an alias).
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/query_controls.hpp"
#include "fhir/search/search_params.hpp"

namespace fhir::search {

// `name` is the parameter as sent ("_include:iterate"), for errors.
// Errors (kInvalidParameter): a malformed value, a source type that is no
// resource type, a parameter that is not a reference parameter of the
// source, a target the parameter cannot refer to.
Result<IncludeSpec> parse_include(const SearchParams& params, std::string_view name, bool iterate,
                                  std::string_view value, const ResourceTypeCheck& check);

}  // namespace fhir::search
