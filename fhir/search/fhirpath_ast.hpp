// The compiled form of a FHIRPath expression: a small tree the parser
// builds once at load time and the evaluator walks per resource. Internal
// to fhir/search; callers hold an Expression (fhirpath_expression.hpp).
#pragma once

#include <string>
#include <vector>

#include "fhir/json/value.hpp"

namespace fhir::search::fhirpath {

enum class ExprKind : unsigned char {
  empty,        // {} and union branches pruned for a resource type
  this_item,    // $this; also the implicit focus of a leading member name
  resource,     // %resource, %rootResource, %context: the resource evaluated
  literal,      // 'text', true, 4.5
  type_filter,  // a leading type name: the `Observation` of Observation.code
  member,       // .name, with choice elements ([x]) expanded
  index,        // [n]
  call,         // .fn(args)
  union_op,     // |  (also removes duplicates, as FHIRPath's union does)
  and_op,
  or_op,
  equal,
  not_equal,
  is_op,        // x is T
  as_op,        // x as T
};

enum class Fn : unsigned char {
  where, select, exists, empty, not_fn, first, last, as, is, of_type, resolve, extension
};

struct Expr {
  ExprKind kind = ExprKind::empty;
  Fn fn = Fn::where;      // for call
  std::string name;       // member or function name, type name
  std::string ns;         // type specifier namespace: "FHIR", "System" or empty
  json::Value literal;    // for literal; extension()'s url
  // kids[0] is the focus (left operand) where there is one; the rest are
  // the arguments (right operand).
  std::vector<Expr> kids;
};

}  // namespace fhir::search::fhirpath
