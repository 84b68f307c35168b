// JSON text -> Value. Strict: UTF-8 validated, duplicate member names and
// trailing garbage refused, nesting depth capped (hostile input must not
// exhaust the stack), numbers kept as their exact text.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace fhir::json {

inline constexpr int kMaxDepth = 128;

Result<Value> parse(std::string_view text);

}  // namespace fhir::json
