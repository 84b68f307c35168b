// A node -> the values a token parameter matches (R4 search.html "token"):
// Coding -> system|code; CodeableConcept -> each coding; Identifier ->
// system|value (type for :of-type); ContactPoint -> value; code, string,
// id, uri, boolean primitives -> the code without a system. The text a
// :text search reads (Coding.display, CodeableConcept.text,
// Identifier.type.text) goes to `texts`.
#pragma once

#include <vector>

#include "fhir/search/fhirpath_node.hpp"
#include "fhir/search/index_rows.hpp"

namespace fhir::search {

void append_token_values(const fhirpath::Node& n, std::vector<TokenValue>& out,
                         std::vector<StringValue>& texts);

}  // namespace fhir::search
