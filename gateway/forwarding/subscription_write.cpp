#include "gateway/forwarding/subscription_write.hpp"

#include "consent/decision/decision_engine.hpp"
#include "consent/enforcement/subscription_owner.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/request_context.hpp"
#include "gateway/auth/scope_check.hpp"
#include "gateway/forwarding/subscription_spec.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace {

fhir::Issue not_yours() {
  // The same answer whether the Subscription exists or not.
  return fhir::make_issue(fhir::err::kNotFound, "No such Subscription");
}

}  // namespace

fhir::Status prepare_subscription_write(WritePlan& plan, const auth::RequestContext& requester,
                                        const AppContext& app) {
  if (plan.entries.size() != 1) return fhir::make_issue(fhir::err::kInvalidRequest, "One Subscription per request");
  PlannedEntry& e = plan.entries.front();
  if (!e.criteria.empty() || (e.method != EntryMethod::post && e.id.empty()))
    return fhir::make_issue(fhir::err::kInvalidRequest,
                            "A Subscription is written by its id: no conditional create, update or delete");
  if (e.method == EntryMethod::patch)
    return fhir::make_issue(fhir::err::kMethodNotAllowed, "A Subscription is changed with PUT, not PATCH");
  const std::string& client = requester.client_id;
  if (e.method == EntryMethod::remove) {
    if (!consent::owns_subscription(client, e.id) && requester.role != "admin") return not_yours();
    plan.subscriber = client;
    return fhir::ok_status();
  }
  if (e.method == EntryMethod::put && !consent::owns_subscription(client, e.id)) return not_yours();
  if (app.consent_engine != nullptr && app.consent_engine->is_emergency(requester.purpose.code))
    return fhir::make_issue(fhir::err::kForbidden,
                            "A Subscription cannot be made under an emergency purpose of use: break the glass "
                            "opens one request, never a standing feed");
  auto registered = app.clients->find(client);
  if (!registered || registered->revoked()) return fhir::make_issue(fhir::err::kForbidden, "Unknown client");
  fhir::Resource& r = *e.resource;
  auto types = app.types;
  auto spec = forwarding::read_subscription(r.root(), *app.search, registered->record.endpoint_prefixes,
                                            [types](std::string_view t) { return types->is_resource_type(t); });
  if (!spec) return spec.take_issue();
  // A notification carries what a search and a read of the type would.
  for (auto p : {auth::kSearch, auth::kRead})
    if (auto st = auth::require_scope(requester, spec->criteria_type, p); !st) return st;
  if (e.method == EntryMethod::post) {
    e.id = consent::subscription_id_prefix(client) + fhir::new_resource_id();
    r.set_id(e.id);
  }
  const bool off = r.root().string_at("status") == "off";
  r.root().set("status", fhir::json::Value::make_string(off ? "off" : "requested"));
  r.root().erase("error");
  plan.subscriber = client;
  plan.subscriber_purpose = requester.purpose.code;
  plan.subscriber_user = requester.user_id;
  return fhir::ok_status();
}

}  // namespace gateway
