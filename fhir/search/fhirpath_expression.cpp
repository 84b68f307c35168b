#include "fhir/search/fhirpath_expression.hpp"

#include <optional>
#include <utility>

#include "fhir/search/fhirpath_ast.hpp"
#include "fhir/search/fhirpath_eval.hpp"
#include "fhir/search/fhirpath_parser.hpp"

namespace fhir::search::fhirpath {
namespace {

const Expr& empty_expr() {
  static const Expr kEmpty;
  return kEmpty;
}

// The type a path starts from: `Observation` in Observation.code.where(..).
// Empty when the path starts elsewhere ($this, %resource, a literal).
std::string_view root_type(const Expr& e) {
  const Expr* cur = &e;
  while (true) {
    switch (cur->kind) {
      case ExprKind::type_filter:
        return cur->name;
      case ExprKind::member:
      case ExprKind::index:
      case ExprKind::call:
      case ExprKind::is_op:
      case ExprKind::as_op:
        cur = &cur->kids[0];
        break;
      default:
        return {};
    }
  }
}

bool applies_to(std::string_view root, std::string_view type) {
  return root.empty() || root == type || root == "Resource" || root == "DomainResource";
}

// Prunes union branches rooted in another type; nullopt if nothing is left.
// The union node itself stays even with one live side: FHIRPath's `|` also
// removes duplicates, and results must not change with pruning.
std::optional<Expr> prune(const Expr& e, std::string_view type) {
  if (e.kind != ExprKind::union_op) {
    if (!applies_to(root_type(e), type)) return std::nullopt;
    return e;
  }
  auto left = prune(e.kids[0], type);
  auto right = prune(e.kids[1], type);
  if (!left && !right) return std::nullopt;
  Expr u;
  u.kind = ExprKind::union_op;
  u.kids.push_back(left ? std::move(*left) : Expr{});
  u.kids.push_back(right ? std::move(*right) : Expr{});
  return u;
}

}  // namespace

Expression::Expression() = default;

Expression::Expression(std::shared_ptr<const Expr> root, std::string text)
    : root_(std::move(root)), text_(std::move(text)) {}

bool Expression::is_empty() const { return root_ == nullptr || root_->kind == ExprKind::empty; }

Collection Expression::evaluate(const json::Value& resource) const {
  Collection out;
  evaluate(resource, out);
  return out;
}

void Expression::evaluate(const json::Value& resource, Collection& out) const {
  evaluate_at(Node{&resource, {}, false}, resource, out);
}

void Expression::evaluate_at(const Node& focus, const json::Value& resource, Collection& out) const {
  if (is_empty()) return;
  EvalContext ctx{&resource};
  eval(*root_, ctx, std::span<const Node>(&focus, 1), out);
}

Expression Expression::for_resource_type(std::string_view type) const {
  if (is_empty()) return *this;
  auto pruned = prune(*root_, type);
  if (!pruned) return Expression(std::make_shared<const Expr>(empty_expr()), text_);
  return Expression(std::make_shared<const Expr>(std::move(*pruned)), text_);
}

Result<Expression> compile(std::string_view text) {
  auto tree = parse(text);
  if (!tree) return tree.take_issue();
  return Expression(std::make_shared<const Expr>(std::move(*tree)), std::string(text));
}

}  // namespace fhir::search::fhirpath
