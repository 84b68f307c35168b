#include "gateway/forwarding/delivery_worker.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "consent/audit/audit_log.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/forwarding/delivery_batch.hpp"
#include "gateway/forwarding/endpoint_slots.hpp"
#include "gateway/forwarding/http_poster.hpp"
#include "gateway/forwarding/subscription_spec.hpp"
#include "gateway/write/subscription_step.hpp"

namespace gateway {
namespace {

using forwarding::HttpPoster;
using fhir::store::SubscriptionState;

// One attempt at one subscription: the handshake or one notification.
struct Attempt {
  std::string subscription_id;
  std::int64_t subscription_version = 0;  // the Subscription's version it was made from
  bool handshake = false;
  std::int64_t events = 0;     // events sent
  std::int64_t up_to_seq = 0;  // the last queued item it settles
  std::string slot;            // the endpoint slot it holds ("" none): client id, '\n', origin
  HttpPoster::Request request;
};

// What the other threads hand the worker's thread.
struct Event {
  enum class Kind { audited, posted, settled, local_failure } kind;
  std::shared_ptr<Attempt> attempt;
  HttpPoster::Outcome outcome;
};

struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;  // guarded by mu
  bool stopping = false;     // guarded by mu
  void push(Event e) {
    {
      std::lock_guard lock(mu);
      events.push_back(std::move(e));
    }
    cv.notify_one();
  }
};

// The wait after the n-th failure in a row: base, doubling, at most cap.
std::int64_t backoff_ms(std::int64_t failures, std::int64_t base, std::int64_t cap) {
  base = std::max<std::int64_t>(1, base);
  cap = std::max(base, cap);
  std::int64_t delay = base;
  for (std::int64_t i = 1; i < failures && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

std::string describe_failure(const HttpPoster::Outcome& o) {
  std::string out = forwarding::to_string(o.failure);
  if (!o.error.empty()) out += ": " + o.error;
  return out;
}

}  // namespace

struct DeliveryWorker::Impl {
  explicit Impl(const AppContext& a)
      : app(a),
        slots(static_cast<std::size_t>(std::max(1, a.settings.forward_per_endpoint)),
              static_cast<std::size_t>(std::max(1, a.settings.forward_total))) {}

  const AppContext& app;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
  std::unique_ptr<HttpPoster> poster;
  std::thread thread;
  // Worker thread only:
  std::unordered_set<std::string> in_flight;  // subscriptions with an attempt under way
  forwarding::EndpointSlots slots;
  // The endpoint slot each subscription was last begun for, so a scan
  // passes over an active one whose endpoint is full without reading it. An
  // endpoint changes only by its client's write, which makes the
  // subscription requested again, and requested ones are always read.
  std::unordered_map<std::string, std::string> slot_of;
  std::string last_begun;  // scans start after it: every due subscription gets its turn
  bool waiting_for_slot = false;  // the last scan passed over one for want of a slot
  // Subscriptions held back after a failure of our own (the audit trail or
  // the store), until this time: not the partner's failure, not counted.
  std::unordered_map<std::string, std::int64_t> cooling;
  std::int64_t seen_seq = -1;
  std::int64_t wake_at_ms = 0;  // 0: no backoff ending

  void run() {
    const auto poll = std::chrono::milliseconds(std::max(1, app.settings.forward_poll_ms));
    for (;;) {
      std::deque<Event> events;
      {
        std::unique_lock lock(inbox->mu);
        inbox->cv.wait_for(lock, poll, [&] { return inbox->stopping || !inbox->events.empty(); });
        if (inbox->stopping) return;
        events.swap(inbox->events);
      }
      bool rescan = false;
      for (Event& e : events) rescan |= handle(e);
      const std::int64_t now = app.clock->now_ms();
      auto last = app.store->last_seq();
      if (last && *last != seen_seq) {
        seen_seq = *last;
        rescan = true;
      }
      if (wake_at_ms != 0 && now >= wake_at_ms) rescan = true;
      if (rescan) scan(now);
    }
  }

  // true: look at the subscriptions again.
  bool handle(Event& e) {
    const std::string& id = e.attempt->subscription_id;
    switch (e.kind) {
      case Event::Kind::audited: submit(e.attempt); return false;
      case Event::Kind::posted:
        give_back_slot(*e.attempt);
        record(e.attempt, e.outcome);
        return waiting_for_slot;  // its slot is free for another
      case Event::Kind::local_failure:
        give_back_slot(*e.attempt);
        cooling[id] = app.clock->now_ms() + std::max(1, app.settings.forward_retry_base_ms);
        in_flight.erase(id);
        return true;
      case Event::Kind::settled: in_flight.erase(id); return true;
    }
    return false;
  }

  void scan(std::int64_t now) {
    auto states = app.store->subscription_states();
    if (!states) {
      std::fprintf(stderr, "forwarding: cannot read subscriptions: %s\n", states.issue().diagnostics.c_str());
      return;
    }
    wake_at_ms = 0;
    waiting_for_slot = false;
    auto wake = [&](std::int64_t at) { wake_at_ms = wake_at_ms == 0 ? at : std::min(wake_at_ms, at); };
    forget_gone(*states);
    // Round robin: from the first id after the last one begun, wrapping.
    const std::size_t n = states->size();
    const std::size_t first = static_cast<std::size_t>(
        std::upper_bound(states->begin(), states->end(), last_begun,
                         [](const std::string& id, const SubscriptionState& s) { return id < s.id; }) -
        states->begin());
    for (std::size_t k = 0; k < n; ++k) {
      const SubscriptionState& s = (*states)[(first + k) % n];
      if (in_flight.count(s.id)) continue;
      if (auto c = cooling.find(s.id); c != cooling.end()) {
        if (now < c->second) {
          wake(c->second);
          continue;
        }
        cooling.erase(c);
      }
      const bool delivering = s.status == "requested" || s.status == "active";
      // R4: at `end` the server turns it off, whether or not anything is
      // queued; begin() does that first.
      if (delivering && s.end_ms != 0) {
        if (s.end_ms <= now) {
          begin(s);
          continue;
        }
        wake(s.end_ms);
      }
      const bool due = s.status == "requested" || (s.status == "active" && s.queued);
      if (!due) continue;
      if (s.status == "active")
        if (auto o = slot_of.find(s.id); o != slot_of.end() && slots.full(o->second)) {
          waiting_for_slot = true;
          continue;
        }
      if (s.next_attempt_ms > now) {
        wake(s.next_attempt_ms);
        continue;
      }
      begin(s);
    }
  }

  void forget_gone(const std::vector<SubscriptionState>& states) {
    if (slot_of.size() <= states.size()) return;
    std::unordered_set<std::string> live;
    for (const auto& s : states) live.insert(s.id);
    std::erase_if(slot_of, [&](const auto& kv) { return !live.count(kv.first); });
  }

  void give_back_slot(Attempt& attempt) {
    if (attempt.slot.empty()) return;
    slots.give_back(attempt.slot);
    attempt.slot.clear();
  }

  void begin(const SubscriptionState& s) {
    auto head = app.store->read_head("Subscription", s.id);
    if (!head || !*head || (*head)->deleted) return;
    auto attempt = std::make_shared<Attempt>();
    attempt->subscription_id = s.id;
    attempt->subscription_version = (*head)->version;
    attempt->handshake = s.status == "requested";
    in_flight.insert(s.id);
    if (s.end_ms != 0 && s.end_ms <= app.clock->now_ms()) return end(attempt);
    // Nothing goes to a client no longer registered: a failure like any
    // other, so its subscriptions end in error and stop queueing.
    auto client = app.clients->find(s.client_id);
    if (!client || client->revoked()) {
      HttpPoster::Outcome refused;
      refused.failure = HttpPoster::Failure::rejected;
      refused.error = "the client is no longer registered";
      return record(attempt, refused);
    }
    auto root = fhir::json::parse((*head)->json);
    if (!root) return fail_locally(attempt, "cannot read the Subscription");
    // Read again as its client's registration stands now: an endpoint no
    // longer inside the client's prefixes is never sent to.
    auto spec = forwarding::current_spec(app, *client, *root);
    if (!spec) {
      HttpPoster::Outcome refused;
      refused.failure = HttpPoster::Failure::rejected;
      refused.error = "the Subscription can no longer be delivered: " + spec.issue().diagnostics;
      return record(attempt, refused);
    }
    // R4: at `end` the server turns the subscription off; what was queued
    // for it is not sent. (State rows from before migration 12 carry no
    // end_ms: the resource's own end decides for them.)
    if (spec->end_ms && *spec->end_ms <= app.clock->now_ms()) return end(attempt);
    // Prepared only once it can leave: consent is decided right before the
    // transfer starts, not before a wait behind this partner's other ones.
    // Each partner has its own slots on an endpoint: another partner
    // hanging on the same host holds up only itself.
    const std::string slot = s.client_id + "\n" + spec->origin;
    slot_of[s.id] = slot;
    if (!slots.try_take(slot)) {
      waiting_for_slot = true;
      in_flight.erase(s.id);
      return;  // a slot coming free scans again
    }
    attempt->slot = slot;
    last_begun = s.id;
    HttpPoster::Request& r = attempt->request;
    r.url = spec->endpoint;
    r.pool = s.client_id;
    r.content_type = "application/fhir+json";
    r.headers = spec->headers;
    r.timeout_ms = app.settings.forward_timeout_ms;
    r.connect_timeout_ms = app.settings.forward_connect_timeout_ms;
    if (attempt->handshake) {
      r.body = forwarding::prepare_handshake(app, s);
      return submit(attempt);
    }
    auto batch = forwarding::prepare_delivery(app, s, *client, *spec, app.settings.forward_max_events);
    if (!batch) return fail_locally(attempt, "cannot prepare the notification");
    if (batch->up_to_seq == 0) {  // nothing queued after all
      give_back_slot(*attempt);
      in_flight.erase(s.id);
      return;
    }
    attempt->events = batch->events;
    attempt->up_to_seq = batch->up_to_seq;
    if (batch->events == 0) {
      // Everything queued was withheld: settled without sending anything.
      give_back_slot(*attempt);
      return record(attempt, HttpPoster::Outcome{});
    }
    r.body = std::move(batch->body);
    if (app.audit == nullptr) return submit(attempt);
    // Audited before it leaves, like a read: no record, nothing sent.
    std::shared_ptr<Inbox> box = inbox;
    app.audit->append(consent::audit_entry(std::move(batch->audit)),
                      [box, attempt](fhir::Result<std::int64_t> seq) {
                        box->push(Event{seq ? Event::Kind::audited : Event::Kind::local_failure, attempt, {}});
                      });
  }

  void fail_locally(const std::shared_ptr<Attempt>& attempt, const char* why) {
    std::fprintf(stderr, "forwarding: Subscription %s: %s; retrying later\n", attempt->subscription_id.c_str(), why);
    inbox->push(Event{Event::Kind::local_failure, attempt, {}});
  }

  void submit(const std::shared_ptr<Attempt>& attempt) {
    std::shared_ptr<Inbox> box = inbox;
    HttpPoster::Request request = attempt->request;  // the attempt keeps its own for nothing else
    const bool accepted = poster->submit(std::move(request), [box, attempt](HttpPoster::Outcome o) {
      box->push(Event{Event::Kind::posted, attempt, std::move(o)});
    });
    if (!accepted) inbox->push(Event{Event::Kind::local_failure, attempt, {}});
  }

  void end(const std::shared_ptr<Attempt>& attempt) {
    const WriteContext* ctx = &app.write;
    fhir::store::WriteUnit unit = [ctx, attempt](fhir::store::WriteTxn& tx) -> fhir::Status {
      auto changed = set_subscription_status(*ctx, tx, attempt->subscription_id, attempt->subscription_version, "off", "");
      if (!changed) return changed.take_issue();
      if (!*changed) return fhir::ok_status();  // its client changed it meanwhile: that decides
      auto dropped = tx.dequeue(attempt->subscription_id, std::numeric_limits<std::int64_t>::max());
      if (!dropped) return dropped.take_issue();
      return fhir::ok_status();
    };
    std::shared_ptr<Inbox> box = inbox;
    app.store->write(std::move(unit), [box, attempt](fhir::Status st) {
      box->push(Event{st ? Event::Kind::settled : Event::Kind::local_failure, attempt, {}});
    });
  }

  // The outcome, durably: the queue, the counters, the status.
  void record(const std::shared_ptr<Attempt>& attempt, const HttpPoster::Outcome& outcome) {
    attempt->request.body.clear();  // sent or not, not needed any more
    // The unit may run after the worker stopped (the store drains its
    // queue on close): it holds nothing of the worker's.
    const WriteContext* ctx = &app.write;
    const int error_after = std::max(1, app.settings.forward_error_after);
    const std::int64_t base = app.settings.forward_retry_base_ms;
    const std::int64_t cap = app.settings.forward_retry_max_ms;
    fhir::store::WriteUnit unit = [ctx, attempt, outcome, error_after, base,
                                   cap](fhir::store::WriteTxn& tx) -> fhir::Status {
      // Rewritten by its client (or deleted) while this was under way: the
      // outcome is of a definition that no longer stands, and counts for
      // nothing against the new one.
      auto head = tx.head("Subscription", attempt->subscription_id);
      if (!head) return head.take_issue();
      if (!*head || (*head)->deleted || (*head)->version != attempt->subscription_version) return fhir::ok_status();
      auto state = tx.subscription_state(attempt->subscription_id);
      if (!state) return state.take_issue();
      if (!*state) return fhir::ok_status();  // deleted meanwhile
      SubscriptionState s = **state;
      const std::int64_t now = tx.now_ms();
      std::string status_change;
      std::string error_text;
      if (outcome.ok()) {
        if (!attempt->handshake) {
          auto removed = tx.dequeue(s.id, attempt->up_to_seq);
          if (!removed) return removed.take_issue();
          s.events += attempt->events;
        }
        // Nothing was sent (all withheld): the endpoint proved nothing, so
        // its failures and backoff stand.
        if (!attempt->handshake && attempt->events == 0) return fhir::ok_status();
        s.last_success_ms = now;
        s.failures = 0;
        s.next_attempt_ms = 0;
        if (attempt->handshake && s.status == "requested") status_change = "active";
      } else {
        s.failures += 1;
        s.last_error = describe_failure(outcome);
        s.last_error_ms = now;
        s.next_attempt_ms = now + backoff_ms(s.failures, base, cap);
        if (s.failures >= error_after && s.status != "error" && s.status != "off") {
          status_change = "error";
          error_text = std::to_string(s.failures) + " deliveries failed in a row; the last: " + s.last_error;
        }
      }
      s.updated_ms = now;
      // Counters only; a status change below is a matching change.
      if (auto st = tx.put_subscription_state(s, fhir::store::StateChange::delivery); !st) return st;
      if (!status_change.empty()) {
        auto changed = set_subscription_status(*ctx, tx, s.id, attempt->subscription_version, status_change,
                                               error_text);
        if (!changed) return changed.take_issue();
        if (*changed && status_change == "error")
          std::fprintf(stderr, "forwarding: Subscription %s is in error after %lld failed deliveries\n",
                       s.id.c_str(), static_cast<long long>(s.failures));
      }
      return fhir::ok_status();
    };
    std::shared_ptr<Inbox> box = inbox;
    app.store->write(std::move(unit), [box, attempt](fhir::Status st) {
      box->push(Event{st ? Event::Kind::settled : Event::Kind::local_failure, attempt, {}});
    });
  }
};

DeliveryWorker::DeliveryWorker(const AppContext& app) : impl_(std::make_shared<Impl>(app)) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  if (impl_->thread.joinable()) return;
  HttpPoster::Settings t;
  const Settings& s = impl_->app.settings;
  t.max_per_host = static_cast<std::size_t>(std::max(1, s.forward_per_endpoint));
  t.max_total = static_cast<std::size_t>(std::max(1, s.forward_total));
  t.ca_bundle = s.forward_ca_bundle;
  impl_->poster = std::make_unique<HttpPoster>(t);
  impl_->thread = std::thread([impl = impl_] { impl->run(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(impl_->inbox->mu);
    impl_->inbox->stopping = true;
  }
  impl_->inbox->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  // Transfers in flight end as shutdown; their items stay queued.
  if (impl_->poster) impl_->poster->stop();
}

}  // namespace gateway
