// The search-index rows of a resource, stored with its head version in the
// same commit: every R4 SearchParameter of the type, evaluated by
// fhir/search from the specification's own FHIRPath expressions.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/search/index_rows.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// Names the extraction that filled a store's index (store_meta "index"):
// a store indexed by another one is reindexed when the gateway opens it.
// Change it whenever extraction or the index encoding changes.
inline constexpr std::string_view kIndexStamp = "r4-4.0.1/2";

fhir::search::IndexValues index_values(const WriteContext& ctx, const fhir::Resource& r);
// The rows of a stored version (its JSON as stored), for removal on update.
fhir::Result<fhir::search::IndexValues> index_values_of(const WriteContext& ctx, const std::string& json);

// Rebuilds the whole index inside one write unit (one commit): used when
// the stamp differs, so a crash halfway leaves the old index and stamp.
fhir::store::WriteUnit reindex_unit(const WriteContext& ctx);

}  // namespace gateway
