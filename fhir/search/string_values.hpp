// A node -> the values a string parameter matches (R4 search.html
// "string"): a string-like primitive itself, or each part of a HumanName
// (family, given, prefix, suffix, text) or an Address (line, city,
// district, state, postalCode, country, text). Other nodes give nothing.
#pragma once

#include <vector>

#include "fhir/search/fhirpath_node.hpp"
#include "fhir/search/index_rows.hpp"

namespace fhir::search {

void append_string_values(const fhirpath::Node& n, std::vector<StringValue>& out);

// One folded value (string_normalise.hpp) with its raw text.
StringValue make_string_value(std::string_view raw);

}  // namespace fhir::search
