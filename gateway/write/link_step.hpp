// The link step of the map stage (issue 9: one patient across source
// systems): a Patient version just appended is matched (mappers/identity)
// against the stored Patient records that could be the same person, and
// the link table is brought in line, in the same transaction.
#pragma once

#include <set>
#include <string>

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// v: the Patient version appended; patient: it as stored (null: deleted).
// touched gets the records whose links changed (their flags span the
// person). Does nothing without ctx.matching.
fhir::Status link_patient(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& v,
                          const fhir::Resource* patient, std::set<std::string>& touched);

}  // namespace gateway
