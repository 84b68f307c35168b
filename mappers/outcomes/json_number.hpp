// Scores are whole numbers, but FHIR carries them as decimals ("12",
// "12.0", valueQuantity.value). These read a JSON number as an int only when
// it is one exactly: 12.5 is not a score, and neither is a string "12".
#pragma once

#include <optional>
#include <string_view>

#include "fhir/json/value.hpp"

namespace mappers::outcomes {

// nullopt unless v is a JSON number with an integral value in int range.
std::optional<int> whole_number(const fhir::json::Value& v);
// The same for an optional member: nullopt when absent.
std::optional<int> whole_number_at(const fhir::json::Value& obj, std::string_view key);

}  // namespace mappers::outcomes
