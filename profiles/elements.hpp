// _elements (R4 search.html "Elements") on one resource, top level only:
// R4 _elements names top-level elements, as the query parser enforces
// (fhir/search/query_controls.hpp parse_elements).
#pragma once

#include <string>
#include <vector>

#include "fhir/json/value.hpp"
#include "profiles/summary_elements.hpp"

namespace profiles {

// Keeps the named elements, id, meta and the type's mandatory elements (R4:
// "Servers SHOULD also return mandatory elements"). A name is an element's
// base name: "value" keeps valueQuantity or valueString (and its "_"
// companion); the exact JSON name ("valueQuantity") is accepted too. Names
// the resource lacks match nothing; an empty list keeps only id, meta and the
// mandatory elements. Returns whether anything was removed; then the
// resource is tagged SUBSETTED (summary_subset.hpp).
bool apply_elements(fhir::json::Value& resource, const std::vector<std::string>& elements,
                    const SummaryElements& table);

}  // namespace profiles
