// Checks a resource against the R4 definition of its type: every element is
// one the type defines, repeats exactly when the type says, holds a value
// of the right JSON type and format (codes: the schema's required value
// sets), takes one type for a choice element, and the FHIR JSON rules hold
// (no null, empty object or array, or element with only an id; `_x` aligned
// with x). Contained resources (and Bundle.entry.resource,
// Parameters.parameter.resource) are checked as their own resourceType.
// Not checked here: min cardinality, FHIRPath invariants, other bindings,
// profiles. Thread-safe: the model is immutable.
#pragma once

#include <cstddef>
#include <vector>

#include "fhir/core/issue.hpp"
#include "fhir/json/value.hpp"
#include "profiles/type_model.hpp"

namespace profiles {

struct ValidateOptions {
  // A broken client can send thousands of bad elements; the first ones
  // tell it what is wrong and the rest only cost time and response size.
  std::size_t max_issues = 100;
};

// Empty when the resource is valid. Each issue is severity error, HTTP 400,
// code "structure" (shape: unknown element, array or not, object expected,
// null, empty) or "value" (a primitive of the wrong JSON type or format),
// with the FHIRPath of the element (Patient.name[1].given[0]) as expression.
// Diagnostics name the element and what it must be; they never echo a value.
std::vector<fhir::Issue> validate(const TypeModel& model, const fhir::json::Value& resource,
                                  const ValidateOptions& options = {});

}  // namespace profiles
