// One SearchParameter resource -> SearchParam, expressions compiled.
// Components keep their definition URL; the registry links them.
#pragma once

#include <memory>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/search_param.hpp"

namespace fhir::search {

// Errors: kInvalidValue naming the definition (url) and what is wrong,
// including an expression we cannot compile.
Result<std::unique_ptr<SearchParam>> read_definition(const json::Value& resource);

}  // namespace fhir::search
