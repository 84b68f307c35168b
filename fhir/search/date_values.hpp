// A node -> the ranges a date parameter matches (R4 search.html "date"):
// date, dateTime and instant at their precision; Period from the start of
// its start to the end of its end (an open end is unbounded); Timing by its
// outer limits only (events and repeat.boundsPeriod), as the spec allows.
#pragma once

#include <vector>

#include "fhir/search/fhirpath_node.hpp"
#include "fhir/search/index_rows.hpp"

namespace fhir::search {

// False when the node should be a date and is not ("2021-13-01"); nodes
// of other types (a string onset, an Age) give nothing and are not errors.
bool append_date_values(const fhirpath::Node& n, std::vector<DateValue>& out);

}  // namespace fhir::search
