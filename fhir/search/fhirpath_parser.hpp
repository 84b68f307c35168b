// FHIRPath text -> Expr tree, for the subset the R4 search parameters use
// (paths, choice elements, | and or = != is as, where/exists/as/is/ofType/
// resolve/extension/first/...). Anything else is refused here, at load
// time, never discovered while indexing a resource.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/search/fhirpath_ast.hpp"

namespace fhir::search::fhirpath {

Result<Expr> parse(std::string_view text);

}  // namespace fhir::search::fhirpath
