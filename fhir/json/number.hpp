// A JSON number's text (kept verbatim in Value) read as a double.
#pragma once

#include <optional>

#include "fhir/json/value.hpp"

namespace fhir::json {

// The value of v as a finite double; nullopt when v is null, not a number,
// or out of double's range (from_chars refuses 1e400, and so does this).
std::optional<double> finite_number(const Value* v);

}  // namespace fhir::json
