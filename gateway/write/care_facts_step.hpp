// The care-facts step of the map stage (write_pipeline.hpp): the facts
// mappers/care reads from a version just appended (a score, an
// appointment, an encounter, ...) replace those of the resource's previous
// version, in the same transaction, so the registry and flags read exactly
// what is committed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// resource: the version as stored; null for a delete. source: the
// Organization of the client that wrote it ("" unknown). Returns the
// patients whose facts changed (the old facts' and the new ones'), whose
// flags the flag step then reconsiders. Does nothing without
// ctx.instruments.
fhir::Result<std::vector<std::string>> store_care_facts(const WriteContext& ctx, fhir::store::WriteTxn& tx,
                                                        std::string_view type, std::string_view id,
                                                        const fhir::json::Value* resource, std::string_view source);

// What the stored care facts were made under: the instrument table's, the
// care rules' and the extraction's versions. A store whose facts were made
// under another (or before facts existed) is rebuilt before the gateway
// serves from it (rebuild_care_facts_unit), as the search index is.
inline constexpr std::string_view kCareFactsMeta = "care_facts";
std::string care_facts_stamp(const WriteContext& ctx);

// One unit: every current resource's care facts made again (each keeping
// the source Organization its rows had), every patient's flags judged
// again, and the stamp set.
fhir::store::WriteUnit rebuild_care_facts_unit(const WriteContext& ctx);

}  // namespace gateway
