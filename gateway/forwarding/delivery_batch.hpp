// What one attempt sends to a subscription's endpoint (issue 10): the
// handshake, or a notification of the oldest queued events. A delivery is
// a disclosure, decided as a read by the subscriber at this moment: the
// client's current registration (role, Organization, scopes) and the
// purpose recorded with the subscription, against the consents as they
// stand now. A version it may not receive is left out without a trace: no
// event number is spent on it, and a batch left empty sends nothing at all.
// What goes out passes the same presentation as a read: labels in
// meta.security, the 42 CFR Part 2 notice, inline redaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "consent/audit/audit_event.hpp"
#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "gateway/forwarding/subscription_spec.hpp"

namespace gateway {

struct AppContext;
namespace auth {
struct RegisteredClient;
}

namespace forwarding {

struct DeliveryBatch {
  std::string body;              // the notification Bundle; empty: nothing to send
  std::int64_t events = 0;       // events it carries (numbered after state.events)
  std::int64_t up_to_seq = 0;    // the last queued item it settles, sent or left out
  consent::AuditDescription audit;  // the disclosure's record (events > 0)
};

// The next notification: the subscription's queue read oldest first until
// `max_events` versions the subscriber may receive are found or the queue
// ends, so a notification with fewer events is the end of the queue, never
// a sign of how much was left out (a window of fixed size would be: a
// short notification followed by another tells the gap was withheld).
// At most kMaxScannedPerNotification items are read for one notification.
// up_to_seq 0: nothing was queued.
inline constexpr int kMaxScannedPerNotification = 5000;
fhir::Result<DeliveryBatch> prepare_delivery(const AppContext& app, const fhir::store::SubscriptionState& state,
                                             const auth::RegisteredClient& client, const SubscriptionSpec& spec,
                                             int max_events);

// The Subscription resource read into what would be delivered, against its
// client's registration as it stands now (an endpoint no longer inside the
// client's prefixes is an error).
fhir::Result<SubscriptionSpec> current_spec(const AppContext& app, const auth::RegisteredClient& client,
                                            const fhir::json::Value& subscription);

// How many of the subscription's queued items (the oldest `limit`) its
// subscriber may receive now, decided as a delivery would be (inline
// redaction included): what $status calls queued, so it never counts what
// consent withholds.
fhir::Result<std::int64_t> count_deliverable(const AppContext& app, const fhir::store::SubscriptionState& state,
                                             const auth::RegisteredClient& client, int limit);

// The handshake a requested subscription is sent first.
std::string prepare_handshake(const AppContext& app, const fhir::store::SubscriptionState& state);

}  // namespace forwarding
}  // namespace gateway
