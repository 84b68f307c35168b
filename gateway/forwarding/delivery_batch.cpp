#include "gateway/forwarding/delivery_batch.hpp"

#include <algorithm>

#include "consent/enforcement/disclosure_filter.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/disclosure/present.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/search/received_match_filter.hpp"
#include "profiles/type_model.hpp"

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

consent::Requester subscriber(const auth::RegisteredClient& client, const fhir::store::SubscriptionState& state) {
  return requester_from(client.record.id, client.record.organization, client.record.role, state.purpose,
                        state.user_id);
}

std::unique_ptr<consent::DisclosureFilter> filter_for(const AppContext& app, const fhir::store::SubscriptionState& state,
                                                     const auth::RegisteredClient& client) {
  // Null only when enforcement is off (consent_enforcement 0, measuring).
  if (app.consent_engine == nullptr || app.settings.consent_enforcement == 0) return nullptr;
  return std::make_unique<consent::DisclosureFilter>(*app.consent_engine, subscriber(client, state),
                                                     app.consents->snapshot(), app.type_visibility,
                                                     app.clock->now_ms());
}

// The version an item names, if the subscriber may receive it now:
// scopes as they stand, not deleted, and the consent decision. It matched
// on the stored version, but the subscriber receives it with the elements
// it is not cleared for redacted (inline labels): a match that rests on one
// of them would tell what it hides (criteria on an SSN), so it must still
// match as received.
fhir::Result<std::optional<fhir::store::VersionRecord>> deliverable(const AppContext& app,
                                                                  const auth::RegisteredClient& client,
                                                                  const consent::DisclosureFilter* filter,
                                                                  const SubscriptionSpec& spec,
                                                                  const fhir::store::OutboxItem& item) {
  using Found = std::optional<fhir::store::VersionRecord>;
  if (!client.allowed.allows(item.type, auth::kRead)) return Found();
  auto found = app.store->read_version(item.type, item.id, item.version);
  if (!found) return found.take_issue();
  if (!*found || (*found)->deleted) return Found();
  if (filter == nullptr) return found;
  if (!filter->may_receive(**found)) return Found();  // withheld, and nothing says so
  auto as_received = matches_as_received(*filter, **found, spec.query.criteria, *app.search, app.clock->now_ms());
  if (!as_received) return as_received.take_issue();
  if (!*as_received) return Found();  // withheld like the rest
  return found;
}

}  // namespace

fhir::Result<SubscriptionSpec> current_spec(const AppContext& app, const auth::RegisteredClient& client,
                                            const fhir::json::Value& subscription) {
  auto types = app.types;
  return read_subscription(subscription, *app.search, client.record.endpoint_prefixes,
                           [types](std::string_view t) { return types->is_resource_type(t); });
}

fhir::Result<std::int64_t> count_deliverable(const AppContext& app, const fhir::store::SubscriptionState& state,
                                             const auth::RegisteredClient& client, int limit) {
  auto head = app.store->read_head("Subscription", state.id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted) return 0;
  auto root = fhir::json::parse((*head)->json);
  if (!root) return root.take_issue();
  auto spec = current_spec(app, client, *root);
  if (!spec) return 0;  // it can no longer be delivered: nothing will go
  auto items = app.store->outbox(state.id, limit);
  if (!items) return items.take_issue();
  const auto filter = filter_for(app, state, client);
  std::int64_t n = 0;
  for (const auto& item : *items) {
    auto rec = deliverable(app, client, filter.get(), *spec, item);
    if (!rec) return rec.take_issue();
    if (*rec) ++n;
  }
  return n;
}

std::string prepare_handshake(const AppContext& app, const fhir::store::SubscriptionState& state) {
  return handshake_bundle(status_of(app, state, NotificationType::handshake, state.events));
}

fhir::Result<DeliveryBatch> prepare_delivery(const AppContext& app, const fhir::store::SubscriptionState& state,
                                             const auth::RegisteredClient& client, const SubscriptionSpec& spec,
                                             int max_events) {
  DeliveryBatch batch;
  const std::int64_t now = app.clock->now_ms();
  const auto filter = filter_for(app, state, client);
  consent::AuditDescription& d = batch.audit;
  d.interaction = "operation";
  d.recorded_ms = now;
  d.client_id = client.record.id;
  d.organization = client.record.organization;
  d.role = client.record.role;
  d.purpose = state.purpose;
  d.user_id = state.user_id;
  d.query = "Subscription/" + state.id + " event-notification";
  d.gateway = app.base_url;
  std::vector<NotificationEvent> events;
  const std::string timestamp = fhir::format_instant(now);
  std::string scratch;
  max_events = std::max(1, max_events);
  const int page = std::max(max_events, 200);
  int scanned = 0;
  bool queue_end = false;
  while (static_cast<int>(events.size()) < max_events && !queue_end && scanned < kMaxScannedPerNotification) {
    auto items = app.store->outbox(state.id, page, batch.up_to_seq);
    if (!items) return items.take_issue();
    queue_end = static_cast<int>(items->size()) < page;
    for (const auto& item : *items) {
      if (static_cast<int>(events.size()) == max_events || scanned == kMaxScannedPerNotification) break;
      ++scanned;
      batch.up_to_seq = item.seq;
      auto found = deliverable(app, client, filter.get(), spec, item);
      if (!found) return found.take_issue();
      if (!*found) continue;
      fhir::store::VersionRecord& rec = **found;
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
  }
  batch.events = static_cast<std::int64_t>(events.size());
  if (events.empty()) return batch;
  mark_disclosure(d, app, filter.get());
  batch.body = notification_bundle(
      status_of(app, state, NotificationType::event_notification, state.events + batch.events), spec.content, events);
  return batch;
}

}  // namespace gateway::forwarding
