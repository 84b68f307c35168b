// CSV answers (RFC 4180), which a few operations give beside FHIR JSON for
// people and spreadsheets ($disclosures, $registry): field quoting and
// which form the request asked for.
#pragma once

#include <string>
#include <string_view>

namespace gateway {

// RFC 4180 §2: a field holding a comma, a double quote, CR or LF is
// quoted, its quotes doubled; any other field goes as it is.
std::string csv_field(std::string_view text);

// Whether a media type ("text/csv", "csv", parameters ignored) is CSV.
bool is_csv_media(std::string_view media);

// Whether the request asked for CSV: _format when given overrides Accept
// (R4 http.html#mime-type); of Accept, the first media range listed decides.
bool csv_requested(std::string_view accept, const std::string* format);

}  // namespace gateway
