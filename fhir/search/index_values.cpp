#include "fhir/search/index_values.hpp"

#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/search/date_values.hpp"
#include "fhir/search/quantity_values.hpp"
#include "fhir/search/reference_values.hpp"
#include "fhir/search/string_values.hpp"
#include "fhir/search/token_values.hpp"

namespace fhir::search {
namespace {

using fhirpath::Collection;
using fhirpath::Node;

// A value we cannot index is a data smell, not a failed write: the rest of
// the resource still indexes. Diagnostics name the parameter, never the
// value (it may be PHI).
void warn(IndexValues& out, const SearchParam& p, const fhirpath::Expression& e, const std::string& what) {
  Issue i = make_issue(err::kInvalidValue, "value of search parameter '" + p.code + "' " + what, e.text());
  i.severity = Severity::warning;
  out.issues.push_back(std::move(i));
}

std::string not_valid(const SearchParam& p) {
  return "is not a valid " + std::string(param_type_code(p.type)) + " and is not indexed";
}

// Rows one composite item may produce (R4's composites pair a code with
// one value, so real data stays far below).
constexpr std::size_t kMaxCombinations = 1000;

// One node's values for a parameter of type `t`; only the vector of that
// type fills.
struct NodeValues {
  std::vector<StringValue> strings;
  std::vector<TokenValue> tokens;
  std::vector<StringValue> token_texts;
  std::vector<DateValue> dates;
  std::vector<NumberValue> numbers;
  std::vector<QuantityValue> quantities;
  std::vector<ReferenceValue> references;
  std::vector<UriValue> uris;
};

// False when the node is malformed for the type (a date that is no date).
bool normalise(ParamType t, const Node& n, NodeValues& v) {
  switch (t) {
    case ParamType::string: append_string_values(n, v.strings); return true;
    case ParamType::token: append_token_values(n, v.tokens, v.token_texts); return true;
    case ParamType::date: return append_date_values(n, v.dates);
    case ParamType::number: return append_number_values(n, v.numbers);
    case ParamType::quantity: return append_quantity_values(n, v.quantities);
    case ParamType::reference: append_reference_values(n, v.references); return true;
    case ParamType::uri: append_uri_values(n, v.uris); return true;
    case ParamType::composite:  // handled by extract_composite
    case ParamType::special:    // Location.near (R4's one) needs geo indexing: not here
      return true;
  }
  return true;
}

template <class V>
void move_rows(const SearchParam& p, std::vector<V>& values, std::vector<Row<V>>& rows) {
  for (auto& v : values) rows.push_back(Row<V>{&p, std::move(v)});
}

bool add_node(const SearchParam& p, const Node& n, IndexValues& out) {
  NodeValues v;
  bool ok = normalise(p.type, n, v);
  move_rows(p, v.strings, out.strings);
  move_rows(p, v.tokens, out.tokens);
  move_rows(p, v.token_texts, out.token_texts);
  move_rows(p, v.dates, out.dates);
  move_rows(p, v.numbers, out.numbers);
  move_rows(p, v.quantities, out.quantities);
  move_rows(p, v.references, out.references);
  move_rows(p, v.uris, out.uris);
  return ok;
}

template <class V>
void move_parts(std::vector<V>& values, std::vector<ComponentValue>& out) {
  for (auto& v : values) out.emplace_back(std::move(v));
}

// One component's values for a composite row. :text does not apply inside
// a composite, so token texts are dropped.
bool component_values(const SearchParam& p, const Node& n, std::vector<ComponentValue>& out) {
  NodeValues v;
  bool ok = normalise(p.type, n, v);
  move_parts(v.strings, out);
  move_parts(v.tokens, out);
  move_parts(v.dates, out);
  move_parts(v.numbers, out);
  move_parts(v.quantities, out);
  move_parts(v.references, out);
  move_parts(v.uris, out);
  return ok;
}

// R4 composite: the components are taken from the same item (one
// Observation.component's code with that component's value), and a row
// is every combination of their values.
void extract_composite(const BoundParam& bp, const json::Value& resource, IndexValues& out) {
  const SearchParam& p = *bp.param;
  Collection items, nodes;
  bp.expression.evaluate(resource, items);
  for (const Node& item : items) {
    std::vector<std::vector<ComponentValue>> per_component;
    for (const auto& c : p.components) {
      nodes.clear();
      c.expression.evaluate_at(item, resource, nodes);
      std::vector<ComponentValue> values;
      for (const Node& n : nodes)
        if (!component_values(*c.param, n, values)) warn(out, p, c.expression, not_valid(*c.param));
      if (values.empty()) break;
      per_component.push_back(std::move(values));
    }
    if (per_component.size() != p.components.size()) continue;
    std::vector<std::size_t> at(per_component.size(), 0);
    for (std::size_t made = 0;; ++made) {
      // Two components with thousands of codings each would multiply into
      // millions of rows: a write must not cost that much.
      if (made == kMaxCombinations) {
        warn(out, p, bp.expression, "has too many value combinations; the rest are not indexed");
        break;
      }
      CompositeValue row;
      for (std::size_t k = 0; k < at.size(); ++k) row.parts.push_back(per_component[k][at[k]]);
      out.composites.push_back(Row<CompositeValue>{&p, std::move(row)});
      std::size_t k = at.size();
      while (k > 0 && ++at[k - 1] == per_component[k - 1].size()) at[--k] = 0;
      if (k == 0) break;
    }
  }
}

}  // namespace

void extract_param(const BoundParam& bp, const json::Value& resource, IndexValues& out) {
  const SearchParam& p = *bp.param;
  if (bp.expression.is_empty()) return;
  if (p.type == ParamType::composite) {
    extract_composite(bp, resource, out);
    return;
  }
  Collection nodes;
  bp.expression.evaluate(resource, nodes);
  for (const Node& n : nodes)
    if (!add_node(p, n, out)) warn(out, p, bp.expression, not_valid(p));
}

IndexValues extract_index_values(const SearchParams& params, const json::Value& resource) {
  IndexValues out;
  for (const BoundParam& bp : params.for_type(resource.string_at("resourceType"))) extract_param(bp, resource, out);
  return out;
}

}  // namespace fhir::search
