// Format checks for R4 primitive values, written by hand from the patterns
// in the R4 JSON schema. No std::regex: libstdc++'s matcher recurses per
// character, so a multi-megabyte base64Binary attachment would overflow the
// stack. Every check is one linear pass.
#pragma once

#include <string_view>

#include "fhir/json/value.hpp"
#include "profiles/primitive_kind.hpp"

namespace profiles {

enum class FormatProblem : unsigned char {
  none,
  wrong_json_type,  // "yes" for a boolean, "42" (a string) for an integer
  empty,            // "": FHIR JSON has no empty values
  bad_format,       // not the type's lexical form, or not a real calendar date
  out_of_range,     // an integer type outside its R4 range
  too_long,         // a string over R4's 1 MB limit
};

// Checks a JSON scalar against a primitive type. Objects, arrays and null
// are the caller's business (they are structure errors, not values).
FormatProblem check_primitive(PrimitiveKind kind, const fhir::json::Value& value);

// Checks the lexical form alone: the string value, or the number text as
// sent (fhir::json keeps it verbatim), or "true"/"false".
FormatProblem check_primitive_text(PrimitiveKind kind, std::string_view text);

// What a valid value looks like, for diagnostics. It describes the format
// so the message never needs to echo the value (which may be PHI).
std::string_view expected_form(PrimitiveKind kind);

}  // namespace profiles
