// GET /Subscription/{id}/$status (R4 Subscriptions Backport IG): where a
// subscription's deliveries stand, for its client (and administrators;
// anyone else is told there is no such Subscription). A searchset Bundle
// of one Parameters in the Backport's subscription-status shape (type
// query-status, status, events-since-subscription-start, error), plus what
// the issue asks the gateway to show beside it: `queued` (events waiting
// that its subscriber may receive, counted among the oldest 1,000),
// `last-success` and `last-error-time` (instants) and `last-error` (text:
// what failed, never a body or a header value).
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/chain/exchange.hpp"
#include "consent/enforcement/subscription_owner.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/request_context.hpp"
#include "gateway/forwarding/delivery_batch.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

using fhir::json::Value;

// Each item counted is a version read and a consent decision: a bound
// that keeps one $status call to milliseconds on the storage pool.
constexpr int kQueuedCounted = 1000;

Value str(std::string s) { return Value::make_string(std::move(s)); }

Value parameter(std::string name, const char* value_kind, Value value) {
  Value p = Value::make_object();
  p.set("name", str(std::move(name)));
  p.set(value_kind, std::move(value));
  return p;
}

struct StatusView {
  fhir::store::SubscriptionState state;
  std::int64_t queued = 0;
};

std::string status_bundle(const AppContext& app, const StatusView& v) {
  const fhir::store::SubscriptionState& s = v.state;
  Value params = Value::make_array();
  Value ref = Value::make_object();
  ref.set("reference", str(app.base_url + "/Subscription/" + s.id));
  params.push_back(parameter("subscription", "valueReference", std::move(ref)));
  params.push_back(parameter("status", "valueCode", str(s.status)));
  params.push_back(parameter("type", "valueCode", str("query-status")));
  params.push_back(parameter("events-since-subscription-start", "valueString", str(std::to_string(s.events))));
  if (!s.last_error.empty()) {
    Value error_concept = Value::make_object();
    error_concept.set("text", str(s.last_error));
    params.push_back(parameter("error", "valueCodeableConcept", std::move(error_concept)));
  }
  params.push_back(parameter("queued", "valueInteger", Value::make_number(std::to_string(v.queued))));
  if (s.last_success_ms > 0)
    params.push_back(parameter("last-success", "valueInstant", str(fhir::format_instant(s.last_success_ms))));
  if (s.last_error_ms > 0) {
    params.push_back(parameter("last-error-time", "valueInstant", str(fhir::format_instant(s.last_error_ms))));
    params.push_back(parameter("last-error", "valueString", str(s.last_error)));
  }
  const std::string status_id = fhir::new_resource_id();
  Value status = Value::make_object();
  status.set("resourceType", str("Parameters"));
  status.set("id", str(status_id));
  Value meta = Value::make_object();
  Value profiles = Value::make_array();
  profiles.push_back(
      str("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"));
  meta.set("profile", std::move(profiles));
  status.set("meta", std::move(meta));
  status.set("parameter", std::move(params));
  Value entry = Value::make_object();
  entry.set("fullUrl", str("urn:uuid:" + status_id));
  entry.set("resource", std::move(status));
  Value search = Value::make_object();
  search.set("mode", str("match"));
  entry.set("search", std::move(search));
  Value entries = Value::make_array();
  entries.push_back(std::move(entry));
  Value bundle = Value::make_object();
  bundle.set("resourceType", str("Bundle"));
  bundle.set("id", str(fhir::new_resource_id()));
  bundle.set("type", str("searchset"));
  bundle.set("timestamp", str(fhir::format_instant(app.clock->now_ms())));
  bundle.set("total", Value::make_number("1"));
  bundle.set("entry", std::move(entries));
  return fhir::json::write(bundle);
}

}  // namespace

net::awaitable<void> handle_subscription_status(Exchange& x, const AppContext& app) {
  if (x.route.type != "Subscription") {
    x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "$status is an operation on a Subscription"));
    co_return;
  }
  const std::string id = x.route.id;
  // Its client's and the administrators' only, whatever consent
  // enforcement is set to: ownership is not a consent rule.
  if (!consent::owns_subscription(x.context->client_id, id) && x.context->role != "admin") {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No such Subscription"));
    co_return;
  }
  struct Found {
    std::optional<fhir::store::VersionRecord> head;
    std::optional<StatusView> view;
  };
  auto found = co_await app.storage->run([&]() -> fhir::Result<Found> {
    Found f;
    auto head = app.store->read_head_meta("Subscription", id);
    if (!head) return head.take_issue();
    f.head = std::move(*head);
    auto state = app.store->read_subscription_state(id);
    if (!state) return state.take_issue();
    if (!*state) return f;
    // Queued as its subscriber would be sent it now: what consent withholds
    // is never counted (counted among the oldest kQueuedCounted).
    auto client = app.clients->find((*state)->client_id);
    std::int64_t queued = 0;
    if (client) {
      auto n = forwarding::count_deliverable(app, **state, *client, kQueuedCounted);
      if (!n) return n.take_issue();
      queued = *n;
    }
    f.view = StatusView{std::move(**state), queued};
    return f;
  });
  if (!found) {
    x.fail(found.issue());
    co_return;
  }
  if (!found->head || found->head->deleted || !found->view) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No such Subscription"));
    co_return;
  }
  x.response.status = 200;
  x.response.body = status_bundle(app, *found->view);
  co_await record_audit(x, app, describe_request(x, app, "operation"));
}

}  // namespace gateway
