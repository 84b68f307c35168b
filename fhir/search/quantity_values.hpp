// A node -> the values number and quantity parameters match (R4
// search.html "number", "quantity"). Decimals keep their exact text, since
// the precision a value was sent with is part of its meaning.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "fhir/search/fhirpath_node.hpp"
#include "fhir/search/index_rows.hpp"

namespace fhir::search {

// integer and decimal primitives. False for a number we cannot read.
bool append_number_values(const fhirpath::Node& n, std::vector<NumberValue>& out);

// Quantity and its profiles (Age, Duration, Count, Distance,
// SimpleQuantity), Money (system urn:iso:std:iso:4217, code = currency)
// and Range (low..high). A comparator opens the bound it points away
// from ("<5" is anything up to 5).
bool append_quantity_values(const fhirpath::Node& n, std::vector<QuantityValue>& out);

std::optional<double> parse_decimal(std::string_view text);

}  // namespace fhir::search
