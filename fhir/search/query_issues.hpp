// The two ways a search parameter fails (R4 search.html "Handling Errors"):
// a value we cannot read (always 400) and a parameter we do not know or
// serve (400 only under Prefer: handling=strict). Both name the parameter
// as sent in `expression`; neither repeats the value, which may be PHI.
#pragma once

#include <string_view>

#include "fhir/core/issue.hpp"

namespace fhir::search {

// "Parameter 'birthdate': <what>" with expression "birthdate".
Issue invalid_value(std::string_view name, std::string_view what);
// `why` says what is unsupported ("unknown parameter for Observation").
Issue unsupported_parameter(std::string_view name, std::string_view why);

}  // namespace fhir::search
