// The labeling stage of the write pipeline (write_pipeline.hpp), between
// resolve and store: every version gets its DS4P security labels from
// consent/labels (the source's own, the rule tables', a Part 2 program's,
// and those of what it refers to clinically), stored beside its JSON. Also
// relabeling: the same labels recomputed for every stored version under
// the rules in force, without a new version.
#pragma once

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// Fills v.label_key and v.label_rules for live version r. Propagated labels
// come from the current versions of what r refers to, as the transaction
// sees them (earlier entries of the same Bundle included).
fhir::Status label_version(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::Resource& r,
                           bool part2_source, fhir::store::NewVersion& v);

// Relabels every stored version (oldest first, so propagation sees the
// new labels of what came before), then records the rules version in
// store_meta "label_rules". One commit: a crash leaves the old labels.
fhir::store::WriteUnit relabel_unit(const WriteContext& ctx);

// store_meta keys: the rules version every stored label was made by, and a
// value each relabel changes (followers drop cached labels when it moves).
inline constexpr std::string_view kLabelRulesMeta = "label_rules";
inline constexpr std::string_view kLabelGenerationMeta = "label_generation";

}  // namespace gateway
