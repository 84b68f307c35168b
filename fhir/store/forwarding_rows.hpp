// What the store keeps for forwarding (issue 10) beside the versions:
// each Subscription's delivery state, and the outbox of versions that
// matched it and wait to be delivered. The Subscription resource itself is
// a version like any other; these rows are what delivery needs and the
// resource has no place for (who owns it, counters, the retry schedule).
// The gateway decides what the fields mean (gateway/forwarding); the store
// keeps them durable, written in the transaction that makes them true.
// Header-only and dependency-free.
#pragma once

#include <cstdint>
#include <string>

namespace fhir::store {

struct SubscriptionState {
  std::string id;         // the Subscription's id
  std::string client_id;  // the client that created it: the only recipient
  std::string purpose;    // purpose of use its deliveries are decided under
  std::string user_id;    // the acting user they are decided for ("" none), as the token named it
  std::string status;     // requested | active | error | off, as its head version says
  std::string criteria_type;  // the resource type its criteria search
  std::int64_t events = 0;    // events-since-subscription-start: events delivered
  std::int64_t failures = 0;  // consecutive failed attempts
  std::int64_t next_attempt_ms = 0;  // no attempt before this (backoff)
  std::int64_t last_success_ms = 0;  // 0: none yet
  std::string last_error;            // the last failure, for $status (no body, no header value)
  std::int64_t last_error_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t end_ms = 0;  // Subscription.end as epoch ms; 0: none
  // Read only (Store::subscription_states): whether anything is queued.
  bool queued = false;
};

// What a write of a subscription's state changes. `matching`: whether or
// what it matches (a new row, its status, client, purpose, or a new
// version of the Subscription): it moves the subscription generation, so
// every writer reloads the criteria it caches. `delivery`: only counters,
// the retry schedule and the last error, which no matcher reads; moving
// the generation for those would reload every subscription on the next
// write after each delivery.
enum class StateChange { matching, delivery };

// One matched version waiting for delivery. A subscription's items leave
// in seq order: the order their versions were committed.
struct OutboxItem {
  std::string subscription_id;
  std::int64_t seq = 0;  // the version's commit seq
  std::string type;
  std::string id;
  std::int64_t version = 0;
  std::int64_t queued_ms = 0;
};

}  // namespace fhir::store
