#include "gateway/handlers/execute_plan.hpp"

#include "gateway/app/app_context.hpp"
#include "gateway/storage/read_cache.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/plan_units.hpp"

namespace gateway {

net::awaitable<fhir::Result<std::vector<EntryOutcome>>> execute_plan(WritePlan plan,
                                                                     const AppContext& app) {
  PlanUnits units = make_units(std::move(plan), &app.write);
  auto statuses = co_await await_writes(*app.store, std::move(units.units));
  auto outcomes = collect_outcomes(units, std::move(statuses));
  // Before the write is acknowledged, so its client reads it back.
  if (outcomes)
    for (const auto& o : *outcomes)
      if (o.seq > 0) app.cache->invalidate(o.type, o.id);
  co_return outcomes;
}

}  // namespace gateway
