#include "gateway/forwarding/delivery_batch.hpp"

#include "consent/enforcement/disclosure_filter.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/disclosure/present.hpp"
#include "gateway/disclosure/request_filter.hpp"

namespace gateway::forwarding {
namespace {

NotificationStatus status_of(const AppContext& app, const fhir::store::SubscriptionState& state,
                             NotificationType type, std::int64_t events_since_start) {
  NotificationStatus s;
  s.base_url = app.base_url;
  s.subscription_id = state.id;
  s.status = state.status;
  s.type = type;
  s.events_since_start = std::to_string(events_since_start);
  s.status_uuid = fhir::new_resource_id();
  s.timestamp = fhir::format_instant(app.clock->now_ms());
  return s;
}

consent::Requester subscriber(const auth::RegisteredClient& client, const std::string& purpose) {
  consent::Requester r;
  r.client_id = client.record.id;
  r.organization = client.record.organization;
  r.role = client.record.role;
  r.purpose = purpose;
  return r;
}

}  // namespace

std::string prepare_handshake(const AppContext& app, const fhir::store::SubscriptionState& state) {
  return handshake_bundle(status_of(app, state, NotificationType::handshake, state.events));
}

fhir::Result<DeliveryBatch> prepare_delivery(const AppContext& app, const fhir::store::SubscriptionState& state,
                                             const auth::RegisteredClient& client, const SubscriptionSpec& spec,
                                             const std::vector<fhir::store::OutboxItem>& items) {
  DeliveryBatch batch;
  const std::int64_t now = app.clock->now_ms();
  // Null only when enforcement is off (consent_enforcement 0, measuring).
  std::unique_ptr<consent::DisclosureFilter> filter;
  if (app.consent_engine != nullptr && app.settings.consent_enforcement != 0)
    filter = std::make_unique<consent::DisclosureFilter>(*app.consent_engine, subscriber(client, state.purpose),
                                                         app.consents->snapshot(), app.type_visibility, now);
  consent::AuditDescription& d = batch.audit;
  d.interaction = "operation";
  d.recorded_ms = now;
  d.client_id = client.record.id;
  d.organization = client.record.organization;
  d.role = client.record.role;
  d.purpose = state.purpose;
  d.query = "Subscription/" + state.id + " event-notification";
  d.gateway = app.base_url;
  std::vector<NotificationEvent> events;
  const std::string timestamp = fhir::format_instant(now);
  std::string scratch;
  for (const auto& item : items) {
    batch.up_to_seq = item.seq;
    // The subscriber's scopes as they are now: a type it may no longer
    // read is not sent.
    if (!client.allowed.allows(item.type, auth::kRead)) continue;
    auto found = app.store->read_version(item.type, item.id, item.version);
    if (!found) return found.take_issue();
    if (!*found || (*found)->deleted) continue;
    fhir::store::VersionRecord& rec = **found;
    if (filter && !filter->may_receive(rec)) continue;  // withheld, and nothing says so
    NotificationEvent e;
    e.event_number = std::to_string(state.events + static_cast<std::int64_t>(events.size()) + 1);
    e.timestamp = timestamp;
    e.focus = version_reference(rec);
    if (spec.content == PayloadContent::full_resource) {
      present(app, rec);
      e.resource_json = disclosed_json(filter.get(), rec, scratch);
    }
    add_version(d, filter.get(), rec, {});
    events.push_back(std::move(e));
  }
  batch.events = static_cast<std::int64_t>(events.size());
  if (events.empty()) return batch;
  mark_disclosure(d, app, filter.get());
  batch.body = notification_bundle(
      status_of(app, state, NotificationType::event_notification, state.events + batch.events), spec.content, events);
  return batch;
}

}  // namespace gateway::forwarding
