// Search criteria of conditional operations (If-None-Exist, conditional
// update, delete and patch) and of conditional references
// ("Practitioner?identifier=sys|val"). Until the search issue brings the
// full engine, criteria are `identifier` and `_id`; anything else is refused
// with a clear 400 rather than silently ignored (which could match too much).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace gateway {

struct Criteria {
  std::string type;
  std::optional<std::string> id;  // _id
  std::vector<fhir::store::TokenQuery> tokens;
};

// query: the part after '?', e.g. "identifier=http://x|1".
fhir::Result<Criteria> parse_criteria(std::string_view type, std::string_view query);
// "Type?query" (a conditional URL or reference).
fhir::Result<Criteria> parse_conditional_url(std::string_view url);

// In memory: does a resource with this id and these index rows match?
bool criteria_match(const Criteria& c, std::string_view id, const fhir::search::IndexValues& rows);

// In the store, as the write transaction sees it; at most limit ids.
fhir::Result<std::vector<std::string>> find_matches(fhir::store::WriteTxn& tx, const Criteria& c,
                                                    int limit);

}  // namespace gateway
