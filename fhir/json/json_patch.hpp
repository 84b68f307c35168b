// JSON Patch (RFC 6902) over our Value tree, for FHIR PATCH with
// application/json-patch+json. All or nothing: a failing operation leaves
// the target as it was.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace fhir::json {

// patch: the parsed patch document (an array of operations). A malformed
// document or an operation that cannot apply is a 400 (invalid-request);
// a failed "test" is a 409 conflict (RFC 5789 2.2: the resource's state).
Status apply_patch(Value& target, const Value& patch);

}  // namespace fhir::json
