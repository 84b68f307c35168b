// What a FHIRPath expression evaluates to: a collection of nodes, each a
// pointer into the resource's element tree (or to a constant such as a
// computed boolean) plus the node's FHIR type when the path tells us.
#pragma once

#include <string_view>
#include <vector>

#include "fhir/json/value.hpp"

namespace fhir::search::fhirpath {

struct Node {
  // Borrowed: valid while the evaluated resource (and the Expression, for
  // literals) lives. Never null in an evaluation result.
  const json::Value* value = nullptr;
  // "Quantity", "dateTime", "Patient"...: known from a choice element's
  // suffix, an as()/ofType() filter or resolve(); empty when the path does
  // not say (we carry no full type model).
  std::string_view type;
  // A resolve() target we only know by its type: the reference points
  // outside the resource, and resolve() never fetches. `value` is then the
  // Reference itself, and navigating into the node yields nothing.
  bool opaque = false;
};

using Collection = std::vector<Node>;

}  // namespace fhir::search::fhirpath
