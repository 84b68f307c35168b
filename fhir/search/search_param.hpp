// One R4 SearchParameter as the gateway uses it: what it searches (its
// compiled FHIRPath), how values compare (its type) and which modifiers
// it accepts. Built by SearchParams (search_params.hpp) from the spec's own
// definitions; never hand-written per resource type.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/search/fhirpath_expression.hpp"

namespace fhir::search {

enum class ParamType : unsigned char { number, date, string, token, reference, composite, quantity, uri, special };

// "token" -> ParamType::token; nullopt for codes R4 does not define.
std::optional<ParamType> param_type_from_code(std::string_view code);
std::string_view param_type_code(ParamType t);
// R4 search.html "Modifiers", per type (":[type]" on references is spelt
// "type"). R4's SearchParameter.modifier is absent from the spec's own
// definitions, so the spec's per-type lists are the source.
std::span<const std::string_view> modifiers_for(ParamType t);

struct SearchParam;

struct CompositeComponent {
  std::string definition;              // canonical URL of the component's parameter
  const SearchParam* param = nullptr;  // that parameter; set at load, owned by the registry
  fhirpath::Expression expression;     // relative to the composite's item
};

struct SearchParam {
  std::string url;
  std::string code;                    // "patient", "_id", "code-value-quantity"
  ParamType type = ParamType::special;
  std::vector<std::string> base;       // resource types; "Resource" for common ones
  std::vector<std::string> targets;    // reference target types
  // Empty for the three R4 parameters without one (_text, _content,
  // _query): they are served otherwise or not at all.
  fhirpath::Expression expression;
  std::vector<CompositeComponent> components;
  std::span<const std::string_view> modifiers;
};

}  // namespace fhir::search
