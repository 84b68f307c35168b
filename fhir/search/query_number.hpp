// Number-like search values (R4 search.html "prefix", "number"): the
// comparison prefix and the implicit precision range of a decimal.
#pragma once

#include <optional>
#include <string_view>

#include "fhir/search/query.hpp"

namespace fhir::search {

struct Prefixed {
  Prefix prefix = Prefix::eq;
  std::string_view rest;
};

// "ge5" -> {ge, "5"}, "5" -> {eq, "5"}. nullopt when the value starts with
// a letter but not with one of the nine prefixes: no date or number does.
std::optional<Prefixed> split_prefix(std::string_view text);
std::string_view prefix_code(Prefix p);

// A FHIR decimal ("-1.50", "100", "1e2") -> its value and the range its
// precision implies: half a unit of the last digit written, so "100" is
// [99.5, 100.5), "100.00" is [99.995, 100.005) and "1.5e2" is [145, 155).
// "1e2" is [50, 150): one significant figure, as R4 words it (the spec's
// example range [95, 105) does not follow its own wording). Leading zeros
// are accepted; nullopt for anything else that is not a decimal, or one
// out of double's range.
std::optional<NumberArg> parse_number(Prefix prefix, std::string_view text);

}  // namespace fhir::search
