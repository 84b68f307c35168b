// A compiled FHIRPath expression: compile once (at load), evaluate many
// times (per write). Immutable and cheap to copy; safe to share between
// threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/fhirpath_node.hpp"

namespace fhir::search::fhirpath {

struct Expr;

class Expression {
 public:
  Expression();  // {}: evaluates to nothing

  const std::string& text() const { return text_; }
  // True when nothing can come out (`{}`, or every branch pruned away).
  bool is_empty() const;

  // Evaluates with the resource as focus and as %resource.
  Collection evaluate(const json::Value& resource) const;
  void evaluate(const json::Value& resource, Collection& out) const;  // appends
  // Evaluates relative to `focus`, a node inside `resource`: a composite
  // parameter's components are relative to the composite's items.
  void evaluate_at(const Node& focus, const json::Value& resource, Collection& out) const;

  // The same expression for resources of one type: union branches rooted
  // in another type (`Patient.x | Person.y` for a Person) are dropped, so
  // a definition shared by 30 types costs one branch per evaluation.
  Expression for_resource_type(std::string_view type) const;

 private:
  friend Result<Expression> compile(std::string_view text);
  Expression(std::shared_ptr<const Expr> root, std::string text);

  std::shared_ptr<const Expr> root_;  // immutable once built
  std::string text_;
};

// Errors: kInvalidValue, naming the position and the construct refused.
Result<Expression> compile(std::string_view text);

}  // namespace fhir::search::fhirpath
