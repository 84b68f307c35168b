// Walks a compiled Expr over a resource. Internal to fhir/search; callers
// use Expression::evaluate (fhirpath_expression.hpp).
#pragma once

#include <span>

#include "fhir/json/value.hpp"
#include "fhir/search/fhirpath_ast.hpp"
#include "fhir/search/fhirpath_node.hpp"

namespace fhir::search::fhirpath {

struct EvalContext {
  const json::Value* resource = nullptr;  // %resource; contained refs resolve in it
};

// Appends the result of `e` evaluated on `focus` to `out`.
void eval(const Expr& e, const EvalContext& ctx, std::span<const Node> focus, Collection& out);

}  // namespace fhir::search::fhirpath
