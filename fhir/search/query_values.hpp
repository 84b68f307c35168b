// The value side of one search criterion: text -> typed Args, per the
// parameter's type and modifier (R4 search.html "Search Parameter Types"),
// normalised as the index stores values (index_rows.hpp). Errors name the
// parameter and the expected form, never the value.
#pragma once

#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"

namespace fhir::search {

// `value` is the whole parameter value: a comma-separated OR list.
// `type_modifier` is the target type of a reference's :Type modifier
// (modifier == Modifier::type). `name` is the parameter as sent, for
// errors. Errors: kInvalidParameter. Not for :missing or special params.
Result<std::vector<Arg>> parse_values(const SearchParam& param, Modifier modifier, std::string_view type_modifier,
                                      std::string_view value, std::string_view name);

// One value for a parameter of `type` without modifier: a composite's
// component. Errors: kInvalidParameter; composite and special types.
Result<ComponentArg> parse_component(ParamType type, std::string_view item, std::string_view name);

}  // namespace fhir::search
