// The flag step of the map stage: once a unit's entries are stored, the
// care flags (mappers/care flag_rules.hpp) of every patient whose care
// facts changed are evaluated again over the whole person (the facts of
// every Patient record linked to theirs), and each of their records' Flag
// resources is raised (a new active version), kept (no new version when
// nothing changed) or cleared (a new inactive version with period.end).
// The same step runs on a timer for the flags time alone raises
// (flag_sweep_unit), so "no contact for 30 days" rises on day 31 without
// new data.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// Does nothing without ctx.care_rules, or with ctx.care_flags off.
fhir::Status refresh_flags(const WriteContext& ctx, fhir::store::WriteTxn& tx, const std::set<std::string>& patients);

// A unit that refreshes the flags of up to limit patients with care facts,
// in id order after `after`; *last gets the last one it did ("" when there
// were none left) and *done how many. Run until *last is "" to sweep every
// patient.
fhir::store::WriteUnit flag_sweep_unit(const WriteContext* ctx, std::string after, int limit,
                                       std::shared_ptr<std::string> last, std::shared_ptr<int> done);

}  // namespace gateway
