// What the forwarding tests read out of the notification Bundles a real
// receiver got (R4 Subscriptions Backport IG shape): the status entry's
// parameters, the events in order, and the resources carried.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/value.hpp"
#include "tests/support/receiver_server.hpp"

namespace carebridge::test {

// Polls `done` until it holds or `bound` passes (a failure then, not a
// hang): deliveries happen on the gateway's own threads.
template <class F>
bool eventually(F done, std::chrono::milliseconds bound = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

struct Notification {
  std::string bundle_type;
  std::string type;    // handshake | event-notification | ...
  std::string status;  // the subscription's status as sent
  std::string subscription;
  std::string events_since_start;
  std::vector<std::string> event_numbers;
  std::vector<std::string> focus;  // "Type/id/_history/v" after the base URL
  std::vector<fhir::json::Value> resources;  // full-resource entries, in order
  std::string body;
};

inline Notification read_notification(const std::string& body) {
  Notification n;
  n.body = body;
  auto parsed = fhir::json::parse(body);
  if (!parsed) return n;
  const fhir::json::Value& b = *parsed;
  n.bundle_type = std::string(b.string_at("type"));
  const fhir::json::Value* entries = b.find("entry");
  if (entries == nullptr || entries->items().empty()) return n;
  const fhir::json::Value* status = entries->items().front().find("resource");
  if (status != nullptr && status->find("parameter") != nullptr) {
    for (const auto& p : status->find("parameter")->items()) {
      const std::string name(p.string_at("name"));
      if (name == "type") n.type = std::string(p.string_at("valueCode"));
      if (name == "status") n.status = std::string(p.string_at("valueCode"));
      if (name == "events-since-subscription-start") n.events_since_start = std::string(p.string_at("valueString"));
      if (name == "subscription")
        if (const auto* r = p.find("valueReference")) n.subscription = std::string(r->string_at("reference"));
      if (name != "notification-event") continue;
      for (const auto& part : p.find("part")->items()) {
        if (part.string_at("name") == "event-number") n.event_numbers.emplace_back(part.string_at("valueString"));
        if (part.string_at("name") == "focus") {
          std::string ref(part.find("valueReference")->string_at("reference"));
          const auto at = ref.find("/fhir/") != std::string::npos ? ref.find("/fhir/") + 6 : ref.find('/', 8) + 1;
          n.focus.push_back(ref.substr(at));
        }
      }
    }
  }
  for (std::size_t i = 1; i < entries->items().size(); ++i)
    if (const auto* r = entries->items()[i].find("resource")) n.resources.push_back(*r);
  return n;
}

// Every notification a receiver got at `path`, in arrival order.
inline std::vector<Notification> notifications(const ReceiverServer& receiver, const std::string& path) {
  std::vector<Notification> out;
  for (const auto& r : receiver.requests())
    if (r.target == path) out.push_back(read_notification(r.body));
  return out;
}

// The events (not handshakes) at `path`, flattened: focus in arrival order.
inline std::vector<std::string> delivered_focus(const ReceiverServer& receiver, const std::string& path) {
  std::vector<std::string> out;
  for (const auto& n : notifications(receiver, path))
    if (n.type == "event-notification") out.insert(out.end(), n.focus.begin(), n.focus.end());
  return out;
}

}  // namespace carebridge::test
