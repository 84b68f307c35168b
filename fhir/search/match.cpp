#include "fhir/search/match.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/index_values.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/search_params.hpp"
#include "fhir/search/value_match.hpp"

namespace fhir::search {
namespace {

// Diagnostics name the parameter and the type, never the value (PHI).
Issue cannot_match(const Criterion& c, std::string_view why) {
  return make_issue(err::kInvalidParameter,
                    "Search parameter '" + c.name + "' cannot be matched against one resource: " + std::string(why),
                    c.name);
}

Result<const BoundParam*> bind(const SearchParams& params, const Criterion& c, std::string_view type) {
  if (!c.has.empty()) return cannot_match(c, "_has depends on the resources that refer to it");
  if (!c.chain.empty()) return cannot_match(c, "a chain depends on the resources it refers to");
  if (c.param == nullptr) return cannot_match(c, "no search parameter definition");
  const BoundParam* bp = params.find(type, c.param->code);
  if (bp == nullptr || bp->param->type != c.param->type)
    return cannot_match(c, "the parameter is not defined for " + std::string(type.empty() ? "this resource" : type));
  if (bp->param->type == ParamType::special || bp->expression.is_empty())
    return cannot_match(c, "the parameter has no expression to evaluate");
  return bp;
}

template <class V, class F>
bool any_row(const std::vector<Row<V>>& rows, F&& f) {
  return std::any_of(rows.begin(), rows.end(), [&](const Row<V>& r) { return f(r.value); });
}

// Any row at all for the parameter: a CodeableConcept with only a text
// has a value, though no code, so :missing=true does not take it. A
// reference to a contained resource ("#id") or one naming no resource (a
// conditional "Patient?identifier=x") is not a search target and the store
// keeps no row for it (fhir/store/sqlite_index_writer.cpp), so it does not
// count, unless it also carries an identifier.
bool has_rows(const IndexValues& x) {
  const bool references = std::any_of(x.references.begin(), x.references.end(), [](const auto& r) {
    const bool target = !r.value.local && (!r.value.id.empty() || !r.value.url.empty());
    return target || !r.value.identifier_value.empty();
  });
  return references || !(x.strings.empty() && x.tokens.empty() && x.token_texts.empty() && x.dates.empty() &&
                         x.numbers.empty() && x.quantities.empty() && x.uris.empty() && x.composites.empty());
}

// R4 reference :identifier: Reference.identifier compared as a token.
bool match_identifier(const ReferenceValue& v, const TokenArg& a) {
  if (v.identifier_value.empty()) return false;
  TokenValue t;
  t.system = v.identifier_system;
  t.code = v.identifier_value;
  t.has_system = !v.identifier_system.empty();
  return match_token(t, a);
}

// Composite parts compare without modifiers; a part's own prefix
// ("...$gt180") still applies. Parts of different types never match.
bool match_part(const StringValue& v, const StringArg& a, std::int64_t) { return match_string(v, a, Modifier::none); }
bool match_part(const TokenValue& v, const TokenArg& a, std::int64_t) { return match_token(v, a); }
bool match_part(const DateValue& v, const DateArg& a, std::int64_t now_ms) { return match_date(v, a, now_ms); }
bool match_part(const NumberValue& v, const NumberArg& a, std::int64_t) { return match_quantity(v.value, v.value, a); }
bool match_part(const QuantityValue& v, const QuantityArg& a, std::int64_t) { return match_quantity(v, a); }
bool match_part(const ReferenceValue& v, const ReferenceArg& a, std::int64_t) { return match_reference(v, a); }
bool match_part(const UriValue& v, const UriArg& a, std::int64_t) { return match_uri(v, a, Modifier::none); }
template <class V, class A>
bool match_part(const V&, const A&, std::int64_t) {
  return false;
}

bool match_composite(const CompositeValue& v, const CompositeArg& a, std::int64_t now_ms) {
  if (v.parts.size() != a.parts.size()) return false;
  for (std::size_t i = 0; i < a.parts.size(); ++i) {
    bool ok = std::visit([&](const auto& value, const auto& arg) { return match_part(value, arg, now_ms); },
                         v.parts[i], a.parts[i]);
    if (!ok) return false;
  }
  return true;
}

// One argument against the parameter's rows. The parser types arguments
// by parameter type and modifier (query_values.cpp), so the argument's
// type and the parameter's pick the rows.
struct ArgMatch {
  const IndexValues& x;
  ParamType type;
  Modifier modifier;
  std::int64_t now_ms;

  bool operator()(const StringArg& a) const {
    // Token :text: a folded prefix of Coding.display or .text.
    if (type == ParamType::token)
      return any_row(x.token_texts, [&](const StringValue& v) { return match_string(v, a, Modifier::none); });
    return any_row(x.strings, [&](const StringValue& v) { return match_string(v, a, modifier); });
  }
  bool operator()(const TokenArg& a) const {
    if (type == ParamType::reference)
      return any_row(x.references, [&](const ReferenceValue& v) { return match_identifier(v, a); });
    return any_row(x.tokens, [&](const TokenValue& v) { return match_token(v, a); });
  }
  bool operator()(const OfTypeArg& a) const {
    return any_row(x.tokens, [&](const TokenValue& v) { return match_of_type(v, a); });
  }
  bool operator()(const DateArg& a) const {
    return any_row(x.dates, [&](const DateValue& v) { return match_date(v, a, now_ms); });
  }
  bool operator()(const NumberArg& a) const {
    return any_row(x.numbers, [&](const NumberValue& v) { return match_quantity(v.value, v.value, a); });
  }
  bool operator()(const QuantityArg& a) const {
    return any_row(x.quantities, [&](const QuantityValue& v) { return match_quantity(v, a); });
  }
  bool operator()(const ReferenceArg& a) const {
    return any_row(x.references, [&](const ReferenceValue& v) { return match_reference(v, a); });
  }
  bool operator()(const UriArg& a) const {
    return any_row(x.uris, [&](const UriValue& v) { return match_uri(v, a, modifier); });
  }
  bool operator()(const CompositeArg& a) const {
    return any_row(x.composites, [&](const CompositeValue& v) { return match_composite(v, a, now_ms); });
  }
};

bool match_bound(const BoundParam& bp, const Criterion& c, const json::Value& resource, std::int64_t now_ms) {
  IndexValues x;
  extract_param(bp, resource, x);
  if (c.missing) return *c.missing != has_rows(x);
  ArgMatch one{x, bp.param->type, c.modifier, now_ms};
  bool any = std::any_of(c.any_of.begin(), c.any_of.end(), [&](const Arg& a) { return std::visit(one, a); });
  // R4 :not: no value matches, which a resource without the element meets.
  return c.modifier == Modifier::not_ ? !any : any;
}

bool type_searched(const SearchQuery& q, std::string_view type) {
  if (!q.type.empty()) return type == q.type;
  return q.types.empty() || std::find(q.types.begin(), q.types.end(), type) != q.types.end();
}

}  // namespace

Result<bool> matches(const SearchParams& params, const Criterion& c, const json::Value& resource,
                     std::int64_t now_ms) {
  auto bp = bind(params, c, resource.string_at("resourceType"));
  if (!bp) return bp.take_issue();
  return match_bound(**bp, c, resource, now_ms);
}

Result<bool> matches(const SearchParams& params, const SearchQuery& q, const json::Value& resource,
                     std::int64_t now_ms) {
  std::string_view type = resource.string_at("resourceType");
  if (!type_searched(q, type)) return false;
  std::vector<const BoundParam*> bound;
  for (const Criterion& c : q.criteria) {
    auto bp = bind(params, c, type);
    if (!bp) return bp.take_issue();
    bound.push_back(*bp);
  }
  for (std::size_t i = 0; i < bound.size(); ++i)
    if (!match_bound(*bound[i], q.criteria[i], resource, now_ms)) return false;
  return true;
}

}  // namespace fhir::search
