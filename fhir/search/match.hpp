// Does one resource meet search criteria? Decided in memory, without the
// store: forwarding matches each new write against subscriptions this way,
// and conditional operations match the entries of a transaction. Values
// are extracted as the index stores them (index_values.hpp) and compared
// by value_match.hpp, the rules the SQL planner emits too.
#pragma once

#include <cstdint>

#include "fhir/core/result.hpp"

namespace fhir::json {
class Value;
}

namespace fhir::search {

class SearchParams;
struct Criterion;
struct SearchQuery;

// One criterion: its values ORed, its parameter looked up by code for the
// resource's own resourceType. now_ms (epoch ms) is "now" for the ap
// prefix on dates. Values the index would not store (a malformed date)
// match nothing, as in the store.
// Errors, kInvalidParameter with the parameter as sent in `expression`:
// - a chain or _has: it names other resources, which one resource cannot
//   answer (the caller asks the store instead);
// - a parameter the resource's type does not define, or defines with
//   another type than the criterion was parsed for;
// - a parameter without an expression (special ones like Location near).
Result<bool> matches(const SearchParams& params, const Criterion& c, const json::Value& resource,
                     std::int64_t now_ms);

// Every criterion ANDed. False, not an error, for a resource of another
// type than q.type (or, at system level, than all of q.types). Otherwise
// any undecidable criterion is an error even where another is false, so
// the answer does not depend on the order of the criteria. Result
// parameters (_sort, _count, _include...) do not filter and are ignored.
Result<bool> matches(const SearchParams& params, const SearchQuery& q, const json::Value& resource,
                     std::int64_t now_ms);

}  // namespace fhir::search
