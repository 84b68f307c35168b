#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"
#include "gateway/handlers/handlers.hpp"

namespace gateway {

net::awaitable<Flow> handle_stage(Exchange& x, const AppContext& app) {
  // AuditEvent is the gateway's own trail: searched and read from the
  // audit log, never the store (which holds none: writes are refused).
  const bool trail = x.route.type == "AuditEvent";
  switch (x.route.interaction) {
    case Interaction::capabilities: co_await handle_capabilities(x, app); break;
    case Interaction::smart_configuration: co_await handle_smart_configuration(x, app); break;
    case Interaction::jwks: co_await handle_jwks(x, app); break;
    case Interaction::token: co_await handle_token(x, app); break;
    case Interaction::read:
      if (trail) co_await handle_audit_read(x, app);
      else co_await handle_read(x, app);
      break;
    case Interaction::vread: co_await handle_vread(x, app); break;
    case Interaction::create: co_await handle_create(x, app); break;
    case Interaction::update:
    case Interaction::conditional_update: co_await handle_update(x, app); break;
    case Interaction::patch:
    case Interaction::conditional_patch: co_await handle_patch(x, app); break;
    case Interaction::remove:
    case Interaction::conditional_remove: co_await handle_delete(x, app); break;
    case Interaction::bundle: co_await handle_bundle(x, app); break;
    case Interaction::history_instance:
    case Interaction::history_type:
    case Interaction::history_system: co_await handle_history(x, app); break;
    case Interaction::search_type:
      if (trail) co_await handle_audit_search(x, app);
      else co_await handle_search(x, app);
      break;
    case Interaction::search_system:
    case Interaction::search_compartment: co_await handle_search(x, app); break;
    case Interaction::everything: co_await handle_everything(x, app); break;
    case Interaction::consent_decision: co_await handle_consent_decision(x, app); break;
    case Interaction::disclosures: co_await handle_disclosures(x, app); break;
    case Interaction::registry: co_await handle_registry(x, app); break;
    case Interaction::subscription_status: co_await handle_subscription_status(x, app); break;
    case Interaction::match: co_await handle_match(x, app); break;
  }
  co_return Flow::next;
}

}  // namespace gateway
