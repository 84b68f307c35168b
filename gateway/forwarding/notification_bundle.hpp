// The notification a subscription's endpoint receives (issue 10,
// forwarding), in the shape of the R4 Subscriptions Backport IG 1.1.0: a
// `history` Bundle (profile backport-subscription-notification-r4) whose
// first entry is the subscription status, a `Parameters` (profile
// backport-subscription-status-r4), followed by one entry per event focus.
//
// What the payload content level puts in (IG "Payload Types"):
//   empty          only the status; no `focus` in notification-event
//   id-only        status with `focus`; each focus an entry with fullUrl,
//                  request and response, no resource
//   full-resource  as id-only, each entry carrying the resource
// Every entry has request and response (R4 bdl-3, bdl-4 for `history`); the
// status entry's request is the `$status` call it answers.
//
// Pure: values in, JSON text out. A full-resource event's resource is
// spliced in as the caller gives it (labels and notice already on it), never
// re-serialised; an event without resource text (a delete) travels as in
// id-only.
#pragma once

#include <string>
#include <vector>

namespace gateway::forwarding {

enum class PayloadContent { empty, id_only, full_resource };

// Parameters `type`: handshake | heartbeat | event-notification |
// query-status | query-event.
enum class NotificationType { handshake, heartbeat, event_notification, query_status, query_event };

const char* payload_content_code(PayloadContent c);
const char* notification_type_code(NotificationType t);

struct NotificationStatus {
  std::string base_url;            // "https://gw.example/fhir", no trailing '/'
  std::string subscription_id;
  std::string status;              // requested | active | error | off
  NotificationType type = NotificationType::event_notification;
  std::string topic;               // canonical; empty: omitted (R4 criteria-based, 0..1)
  std::string events_since_start;  // decimal text; empty: omitted
  std::string status_uuid;         // the status entry's urn:uuid and Parameters.id; empty: omitted
  std::string timestamp;           // Bundle.timestamp (instant); empty: omitted
};

struct NotificationEvent {
  std::string event_number;   // decimal text
  std::string timestamp;      // instant; empty: omitted
  std::string focus;          // "Type/id" or "Type/id/_history/v", under base_url
  std::string resource_json;  // full-resource: the resource exactly as it travels
};

std::string notification_bundle(const NotificationStatus& status, PayloadContent content,
                                const std::vector<NotificationEvent>& events);

// The handshake: type `handshake`, the status only, no events.
std::string handshake_bundle(const NotificationStatus& status);

}  // namespace gateway::forwarding
