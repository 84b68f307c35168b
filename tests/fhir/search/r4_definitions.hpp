// The R4 search parameters, loaded once per test binary and shared by the
// tests that need the real definitions.
#pragma once

#include <string>

#include "fhir/search/search_params.hpp"

namespace fhir::search::test {

std::string definitions_path();
// nullptr (after recording a failure listing what did not load) when the
// definitions cannot be loaded.
const SearchParams* r4_params();

}  // namespace fhir::search::test
