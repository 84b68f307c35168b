// When does one stored index value match one search argument? The single
// statement of R4 search.html's comparison rules for the gateway: the
// in-memory matcher (match.hpp) calls these, and the SQL planner
// (fhir/store/search_sql.cpp) emits the same conditions over the index
// tables. A change here needs the same change there; the cross-check test
// (tests/fhir/store/search_crosscheck_test.cpp) compares the two.
//
// Dates: a stored value and an argument are both inclusive ranges of
// instants, [lo, hi] and [L, H]. Per R4 search.html "prefix":
//   eq  L <= lo && hi <= H          (the argument's range contains the value's)
//   ne  !eq
//   gt  hi > H                      (the range above the argument overlaps)
//   lt  lo < L
//   ge  gt || eq
//   le  lt || eq
//   sa  lo > H                      (wholly after)
//   eb  hi < L                      (wholly before)
//   ap  the ranges overlap once the argument is widened by 10% of its
//       distance from now on each side (R4: "the server decides"; that is
//       the spec's own suggestion)
// Numbers and quantities: a stored value is [lo, hi] (lo == hi for a plain
// value; a Range or a comparator opens it). The argument has its implicit
// precision range [low, high) and its exact value v:
//   eq  low <= lo && hi < high      ne  !eq
//   lt  lo < v    le  lo <= v       gt  hi > v    ge  hi >= v
//   sa  lo > v    eb  hi < v
//   ap  lo <= v + |v|/10 && hi >= v - |v|/10
// Quantity units: system and code given: both equal; "||code" (no system):
// the stored code or unit equals it; no unit: any.
// Strings: folded prefix by default, :contains folded substring, :exact
// the raw text equal. Tokens: R4's four forms (query.hpp TokenArg); :text
// is a folded prefix of the display/text. References: a relative one by
// id (any type or the argument's), an absolute or canonical one only by
// its URL exactly (another server's Patient/1 is not ours). Uris: equal;
// :below the stored uri starts with the argument; :above the argument
// starts with the stored uri.
#pragma once

#include <cstdint>

#include "fhir/search/index_rows.hpp"
#include "fhir/search/query.hpp"

namespace fhir::search {

// The argument range ap widens to, given now (epoch ms).
DateArg approximate_range(const DateArg& arg, std::int64_t now_ms);

bool match_date(const DateValue& v, const DateArg& a, std::int64_t now_ms);
// Numbers are matched as quantities with lo == hi == value and no unit.
bool match_quantity(double lo, double hi, const NumberArg& a);
bool match_quantity(const QuantityValue& v, const QuantityArg& a);
bool match_string(const StringValue& v, const StringArg& a, Modifier m);
bool match_token(const TokenValue& v, const TokenArg& a);
bool match_of_type(const TokenValue& v, const OfTypeArg& a);
bool match_reference(const ReferenceValue& v, const ReferenceArg& a);
bool match_uri(const UriValue& v, const UriArg& a, Modifier m);

}  // namespace fhir::search
