// A plan as units for the writer, and their statuses back as outcomes:
// a single write or a transaction is one unit; a batch is one per entry.
#pragma once

#include <memory>
#include <vector>

#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

struct PlanUnits {
  PlanKind kind = PlanKind::single;
  std::vector<fhir::store::WriteUnit> units;
  std::vector<std::shared_ptr<std::vector<EntryOutcome>>> outcomes;  // per unit
  // Held until the caller is done, so the plans (large for big bundles) are
  // freed on the caller's thread, not the single writer's.
  std::vector<std::shared_ptr<WritePlan>> plans;
};

PlanUnits make_units(WritePlan&& plan, const WriteContext* ctx);

// statuses: one per unit, in order. A failed single write or transaction is
// its issue; a batch always succeeds, its failed entries carrying theirs.
fhir::Result<std::vector<EntryOutcome>> collect_outcomes(PlanUnits& units,
                                                         std::vector<fhir::Status> statuses);

}  // namespace gateway
