// A node -> the values reference and uri parameters match (R4 search.html
// "reference", "uri"). References keep type and id for relative and
// absolute forms, the URL for absolute ones, and are marked local for
// "#id" (a contained resource, not searchable as a target of its own).
// Canonicals (a reference parameter over a canonical element) keep their
// URL and "|version".
#pragma once

#include <vector>

#include "fhir/search/fhirpath_node.hpp"
#include "fhir/search/index_rows.hpp"

namespace fhir::search {

void append_reference_values(const fhirpath::Node& n, std::vector<ReferenceValue>& out);
void append_uri_values(const fhirpath::Node& n, std::vector<UriValue>& out);

}  // namespace fhir::search
