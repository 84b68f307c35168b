// DeliveryWorker: sends what the outbox holds (issue 10). One thread of
// its own schedules; the HttpPoster's thread does the network; the store's
// writer records each outcome; no io or storage-pool thread ever waits on
// a partner.
//
// - Per subscription, one attempt at a time, oldest queued first: a
//   subscription's notifications arrive in commit order, and an item
//   leaves the outbox only once its endpoint answered 2xx (at least once:
//   a crash between the answer and that commit sends it again).
// - A requested subscription is sent the handshake first; a 2xx makes it
//   active (a new version of the Subscription, written by the gateway).
// - A failure (no 2xx in time, a redirect, an endpoint no longer allowed)
//   is retried after forward_retry_base_ms, doubling up to
//   forward_retry_max_ms; forward_error_after failures in a row put the
//   subscription in error (status and Subscription.error), which only its
//   client ends, by asking again (status requested) or turning it off.
// - A notification is prepared (decided by consent, audited) only when a
//   transfer slot is free: forward_per_endpoint per partner and endpoint
//   origin (partners sharing a host do not share its slots), and
//   forward_total in all. It is decided right before it leaves rather
//   than queued, already decided, behind a slow partner. Subscriptions
//   waiting for slots take turns (round robin by id).
// - A notification that carries data is audited before it is sent, like a
//   read (fail closed: no record, nothing sent).
// - It notices work by polling the commit sequence every forward_poll_ms
//   (and when an attempt settles), so writes of another process on the
//   same store are delivered too.
#pragma once

#include <memory>

#include "fhir/core/result.hpp"

namespace gateway {

struct AppContext;

class DeliveryWorker {
 public:
  explicit DeliveryWorker(const AppContext& app);
  ~DeliveryWorker();  // stop()
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Starts the thread; the app's base_url must be final (notifications
  // name resources under it).
  void start();
  // Stops scheduling, aborts transfers in flight (their items stay queued)
  // and joins. Idempotent.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gateway
