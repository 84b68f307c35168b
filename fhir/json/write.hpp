// Value -> compact JSON text. Numbers are written from their stored text.
#pragma once

#include <string>

#include "fhir/json/value.hpp"

namespace fhir::json {

std::string write(const Value& v);
void write_to(const Value& v, std::string& out);  // appends
// Escapes s as the body of a JSON string (no surrounding quotes), appending.
void append_escaped(std::string_view s, std::string& out);

}  // namespace fhir::json
