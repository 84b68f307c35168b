// Search criteria of conditional operations (If-None-Exist, conditional
// update, delete and patch) and of conditional references
// ("Practitioner?identifier=sys|val"): any R4 search, parsed strictly (R4
// http.html: a server that does not understand a criterion SHALL fail the
// operation rather than match too much) and run by the same planner as
// GET search, inside the writer's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/query.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

struct Criteria {
  std::string type;
  fhir::search::SearchQuery query;
};

// query: the part after '?', e.g. "identifier=http://x|1".
fhir::Result<Criteria> parse_criteria(const WriteContext& ctx, std::string_view type, std::string_view query);
// "Type?query" (a conditional URL or reference).
fhir::Result<Criteria> parse_conditional_url(const WriteContext& ctx, std::string_view url);

// In memory: does this resource (of c.type) match? Criteria that need the
// store (chains, _has) never match in memory.
bool criteria_match(const WriteContext& ctx, const Criteria& c, const fhir::json::Value& resource,
                    std::int64_t now_ms);

// In the store, as the write transaction sees it; at most limit ids.
fhir::Result<std::vector<std::string>> find_matches(fhir::store::WriteTxn& tx, const WriteContext& ctx,
                                                    const Criteria& c, int limit);

}  // namespace gateway
