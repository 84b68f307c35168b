// POST / with a transaction or batch Bundle (R4 http.html#transaction).
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/execute_plan.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/write/bundle_response.hpp"
#include "gateway/write/plan.hpp"

namespace gateway {

net::awaitable<void> handle_bundle(Exchange& x, const AppContext& app) {
  auto plan = plan_bundle(x.request.body, app.write);
  if (!plan) {
    x.fail(plan.issue());
    co_return;
  }
  PlanKind kind = plan->kind;
  const bool representation = x.prefer_return == PreferReturn::representation;
  plan->keep_written = representation;
  // The plan holds the parsed Bundle now: the request text can go, which
  // matters for bundles of tens of MB.
  std::string().swap(x.request.body);
  auto outcomes = co_await execute_plan(std::move(*plan), app);
  if (!outcomes) {
    x.fail(outcomes.issue());  // a transaction fails whole, naming the entry
    co_return;
  }
  x.response.status = 200;
  x.response.body = bundle_response_json(kind, *outcomes, fhir::new_resource_id(),
                                         fhir::format_instant(app.clock->now_ms()),
                                         representation);
}

}  // namespace gateway
