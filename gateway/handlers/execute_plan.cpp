#include "gateway/handlers/execute_plan.hpp"

#include "gateway/app/app_context.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/plan_units.hpp"

namespace gateway {

net::awaitable<fhir::Result<std::vector<EntryOutcome>>> execute_plan(WritePlan plan,
                                                                     const AppContext& app) {
  PlanUnits units = make_units(std::move(plan), &app.write);
  auto statuses = co_await await_writes(*app.store, std::move(units.units));
  co_return collect_outcomes(units, std::move(statuses));
}

}  // namespace gateway
