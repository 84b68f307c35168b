#include "gateway/handlers/execute_plan.hpp"

#include <cstdio>
#include <string>

#include "consent/enforcement/consent_index.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/storage/read_cache.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/plan_units.hpp"

namespace gateway {

net::awaitable<fhir::Result<std::vector<EntryOutcome>>> execute_plan(WritePlan plan,
                                                                     const AppContext& app) {
  PlanUnits units = make_units(std::move(plan), &app.write);
  auto statuses = co_await await_writes(*app.store, std::move(units.units));
  auto outcomes = collect_outcomes(units, std::move(statuses));
  if (!outcomes) co_return outcomes;
  // Before the write is acknowledged, so its client reads it back, and so
  // a consent written counts from the very next request.
  std::vector<std::string> consent_ids;
  bool consents_changed = false;
  for (const auto& o : *outcomes) {
    if (o.seq <= 0) continue;
    app.cache->invalidate(o.type, o.id);
    if (o.type == "Consent") consent_ids.push_back(o.id);
    consents_changed = consents_changed || consent::ConsentIndex::affects(o.type);
  }
  if (consents_changed && app.consents != nullptr) {
    auto st = co_await app.storage->run(
        [&] { return app.consents->refresh(*app.store, consent_ids, app.clients->organizations()); });
    // The write is durable and is acknowledged; the change follower sees
    // it too and retries the refresh at its next poll.
    if (!st) std::fprintf(stderr, "consent index refresh failed (retried by the change follower)\n");
  }
  co_return outcomes;
}

}  // namespace gateway
