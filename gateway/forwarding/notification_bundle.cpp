#include "gateway/forwarding/notification_bundle.hpp"

#include <string_view>

#include "fhir/json/write.hpp"

namespace gateway::forwarding {
namespace {

constexpr std::string_view kBundleProfile =
    "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4";
constexpr std::string_view kStatusProfile =
    "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

void str(std::string_view s, std::string& out) {
  out += '"';
  fhir::json::append_escaped(s, out);
  out += '"';
}

// "name":"value" with a leading comma unless first.
void member(std::string_view name, std::string_view value, std::string& out, bool first = false) {
  if (!first) out += ',';
  str(name, out);
  out += ':';
  str(value, out);
}

void param(std::string_view name, std::string_view value_key, std::string_view value, std::string& out) {
  out += ",{";
  member("name", name, out, true);
  member(value_key, value, out);
  out += '}';
}

void param_reference(std::string_view name, std::string_view reference, std::string& out, bool first) {
  if (!first) out += ',';
  out += '{';
  member("name", name, out, true);
  out += ",\"valueReference\":{";
  member("reference", reference, out, true);
  out += "}}";
}

// "Type/id/_history/v" -> "Type/id" and "v"; "Type/id" stays, no version.
struct Focus {
  std::string_view unversioned;
  std::string_view version;
};

Focus split_focus(std::string_view focus) {
  constexpr std::string_view kHistory = "/_history/";
  auto at = focus.find(kHistory);
  if (at == std::string_view::npos) return {focus, {}};
  return {focus.substr(0, at), focus.substr(at + kHistory.size())};
}

std::string absolute(const NotificationStatus& s, std::string_view relative) {
  std::string url = s.base_url;
  url += '/';
  url += relative;
  return url;
}

void status_entry(const NotificationStatus& s, PayloadContent content,
                  const std::vector<NotificationEvent>& events, std::string& out) {
  out += '{';
  bool first = true;
  if (!s.status_uuid.empty()) {
    member("fullUrl", "urn:uuid:" + s.status_uuid, out, true);
    first = false;
  }
  if (!first) out += ',';
  out += "\"resource\":{";
  member("resourceType", "Parameters", out, true);
  if (!s.status_uuid.empty()) member("id", s.status_uuid, out);
  out += ",\"meta\":{\"profile\":[";
  str(kStatusProfile, out);
  out += "]},\"parameter\":[";
  param_reference("subscription", absolute(s, "Subscription/" + s.subscription_id), out, true);
  if (!s.topic.empty()) param("topic", "valueCanonical", s.topic, out);
  param("status", "valueCode", s.status, out);
  param("type", "valueCode", notification_type_code(s.type), out);
  if (!s.events_since_start.empty())
    param("events-since-subscription-start", "valueString", s.events_since_start, out);
  for (const auto& e : events) {
    out += ",{";
    member("name", "notification-event", out, true);
    out += ",\"part\":[{";
    member("name", "event-number", out, true);
    member("valueString", e.event_number, out);
    out += '}';
    if (!e.timestamp.empty()) param("timestamp", "valueInstant", e.timestamp, out);
    // empty: the focus SHALL NOT travel.
    if (content != PayloadContent::empty && !e.focus.empty())
      param_reference("focus", absolute(s, e.focus), out, false);
    out += "]}";
  }
  out += "]},\"request\":{";
  member("method", "GET", out, true);
  member("url", absolute(s, "Subscription/" + s.subscription_id + "/$status"), out);
  out += "},\"response\":{";
  member("status", "200", out, true);
  out += "}}";
}

void focus_entry(const NotificationStatus& s, PayloadContent content, const NotificationEvent& e,
                 std::string& out) {
  const Focus f = split_focus(e.focus);
  out += ",{";
  // fullUrl is version-independent (R4 Bundle.entry.fullUrl).
  member("fullUrl", absolute(s, f.unversioned), out, true);
  if (content == PayloadContent::full_resource && !e.resource_json.empty()) {
    out += ",\"resource\":";
    out += e.resource_json;
  }
  out += ",\"request\":{";
  member("method", "GET", out, true);
  member("url", e.focus, out);
  out += "},\"response\":{";
  member("status", "200", out, true);
  if (!f.version.empty()) member("etag", "W/\"" + std::string(f.version) + "\"", out);
  out += "}}";
}

}  // namespace

const char* payload_content_code(PayloadContent c) {
  switch (c) {
    case PayloadContent::empty: return "empty";
    case PayloadContent::id_only: return "id-only";
    case PayloadContent::full_resource: return "full-resource";
  }
  return "empty";
}

const char* notification_type_code(NotificationType t) {
  switch (t) {
    case NotificationType::handshake: return "handshake";
    case NotificationType::heartbeat: return "heartbeat";
    case NotificationType::event_notification: return "event-notification";
    case NotificationType::query_status: return "query-status";
    case NotificationType::query_event: return "query-event";
  }
  return "event-notification";
}

std::string notification_bundle(const NotificationStatus& status, PayloadContent content,
                                const std::vector<NotificationEvent>& events) {
  std::string out = "{";
  member("resourceType", "Bundle", out, true);
  out += ",\"meta\":{\"profile\":[";
  str(kBundleProfile, out);
  out += "]}";
  member("type", "history", out);
  if (!status.timestamp.empty()) member("timestamp", status.timestamp, out);
  out += ",\"entry\":[";
  status_entry(status, content, events, out);
  if (content != PayloadContent::empty)
    for (const auto& e : events)
      if (!e.focus.empty()) focus_entry(status, content, e, out);
  out += "]}";
  return out;
}

std::string handshake_bundle(const NotificationStatus& status) {
  NotificationStatus s = status;
  s.type = NotificationType::handshake;
  return notification_bundle(s, PayloadContent::empty, {});
}

}  // namespace gateway::forwarding
