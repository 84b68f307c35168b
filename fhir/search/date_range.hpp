// FHIR date, dateTime and instant text -> the range of instants it covers
// (R4 search.html "date": a value is an implicit range at its precision).
#pragma once

#include <optional>
#include <string_view>

#include "fhir/search/index_rows.hpp"

namespace fhir::search {

// "2021" -> the whole year, "2021-03-04T10:00:00+01:00" -> that second,
// "...:00.5Z" -> that tenth of a second. Without a time zone we take UTC
// (R4 leaves it to the server; one fixed choice keeps indexes portable).
// nullopt when the text is not a FHIR date/dateTime/instant.
std::optional<DateValue> parse_date_range(std::string_view text);

}  // namespace fhir::search
