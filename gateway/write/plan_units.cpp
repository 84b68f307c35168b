#include "gateway/write/plan_units.hpp"

#include "gateway/write/transaction_unit.hpp"

namespace gateway {

PlanUnits make_units(WritePlan&& plan, const WriteContext* ctx) {
  PlanUnits out;
  out.kind = plan.kind;
  std::vector<std::shared_ptr<WritePlan>> plans;
  if (plan.kind == PlanKind::batch) plans = split_batch(std::move(plan));
  else plans.push_back(std::make_shared<WritePlan>(std::move(plan)));
  for (auto& p : plans) {
    auto outcomes = std::make_shared<std::vector<EntryOutcome>>();
    out.units.push_back(transaction_unit(p, outcomes, ctx));
    out.outcomes.push_back(std::move(outcomes));
  }
  out.plans = std::move(plans);
  return out;
}

fhir::Result<std::vector<EntryOutcome>> collect_outcomes(PlanUnits& units,
                                                         std::vector<fhir::Status> statuses) {
  std::vector<EntryOutcome> out;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (!statuses[i]) {
      if (units.kind != PlanKind::batch) return statuses[i].take_issue();
      EntryOutcome failed;
      // What the audit trail needs of a refused GET entry survives the
      // failure: the entry and the version it found.
      if (!units.outcomes[i]->empty()) {
        EntryOutcome& partial = units.outcomes[i]->front();
        failed.type = std::move(partial.type);
        failed.id = std::move(partial.id);
        failed.read = partial.read;
        failed.found = std::move(partial.found);
      }
      failed.issue = statuses[i].take_issue();
      out.push_back(std::move(failed));
      continue;
    }
    for (auto& o : *units.outcomes[i]) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace gateway
