// Reading JWT claims (RFC 7519 §4.1) out of a verified payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "fhir/json/value.hpp"

namespace gateway::auth {

// A NumericDate claim (seconds since the epoch; a fraction is cut off) in
// milliseconds, or nullopt when absent or not a number in range.
std::optional<std::int64_t> numeric_date_ms(const fhir::json::Value& claims, std::string_view name);
// "aud" is a string or an array of strings (§4.1.3): does it name audience?
bool audience_includes(const fhir::json::Value& claims, std::string_view audience);

}  // namespace gateway::auth
