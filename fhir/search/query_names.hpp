// The name side of one search criterion (R4 search.html "Chaining",
// "Reverse Chaining", "Modifiers"): "subject:Patient.name:exact" or
// "_has:Observation:patient:code" -> the links to follow, the final
// SearchParameter and its modifier, all resolved against the registry.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/search_params.hpp"

namespace fhir::search {

struct ResolvedName {
  std::vector<ReverseChain> has;
  std::vector<Chain> chain;
  const SearchParam* param = nullptr;
  Modifier modifier = Modifier::none;
  std::string type_modifier;  // reference ":Patient" (modifier == Modifier::type)
};

// Either `resolved`, or `unsupported` says (without the value) why we do
// not serve the name: unknown parameter or link, a modifier we do not
// serve, a malformed name. Whether that is a 400 is Prefer: handling's
// call, so it is not an error here.
struct NameResolution {
  std::optional<ResolvedName> resolved;
  std::string unsupported;
};

// Links (chain plus _has) beyond this are refused as unsupported: each is
// a join in the planner's SQL.
inline constexpr std::size_t kMaxLinks = 4;

// `type` is the searched type; empty for a system-level search without
// _type (common parameters only). Errors (always 400, kInvalidParameter):
// a chain through a reference with several target types that define the
// next parameter and no :Type modifier to pick one.
Result<NameResolution> resolve_name(const SearchParams& params, std::string_view type, std::string_view name);

}  // namespace fhir::search
