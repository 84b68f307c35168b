// HttpPoster: the transport of forwarding (issue 10). It POSTs a body to a
// partner's URL and reports what happened; it knows nothing of outboxes,
// subscriptions or retries (the caller decides those from the Outcome).
//
// Why it looks like this:
// - One thread of its own drives every transfer through libcurl's multi
//   interface, so a hundred slow partners cost a hundred sockets, not a
//   hundred threads, and no io thread or storage thread ever waits on a
//   partner. submit() only queues and wakes that thread.
// - A partner that hangs, answers slowly or answers 5xx holds at most
//   `max_per_host` transfers (per Request::pool and scheme+host+port); what
//   is beyond waits in a FIFO queue for that host, so one partner's
//   deliveries leave in the order they were submitted and never take
//   another partner's slots, even on a host they share when each has its
//   own pool. The global cap `max_total` is shared round-robin between
//   hosts with work.
// - TLS peer and host verification are always on (only the CA bundle can be
//   chosen). Redirects are not followed: a 3xx is a failure ("redirect not
//   followed"), since following one would send health data somewhere the
//   allowlist never approved. Only http and https are spoken. No proxy from
//   the environment: `proxy` is used only when set.
// - Every transfer has a total and a connect timeout; the response body is
//   read up to `max_response_bytes` and then dropped (the status line is the
//   answer; a partner cannot make us read a firehose).
// - Outcome.error is for logs: it names the failure (curl's message, the
//   status), never the body sent or received, nor header values.
//
// Callbacks run on the poster's thread, one at a time: they must be quick,
// must not block and must not throw. They may call submit() and stop(), but
// must not destroy the poster. After stop() (or destruction) returns, every
// accepted request has had its callback; the ones still queued or in flight
// get Failure::shutdown ("shutting down").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gateway::forwarding {

class HttpPoster {
 public:
  struct Settings {
    std::size_t max_per_host = 4;  // transfers at once per scheme+host+port
    std::size_t max_total = 64;    // transfers at once in all
    std::size_t max_response_bytes = 4096;
    std::string ca_bundle;  // PEM file of trusted CAs; empty: the system's
    std::string proxy;      // empty: none (environment proxies are ignored)
  };

  struct Request {
    std::string url;  // http:// or https://
    std::string pool;  // whose slots it takes on its host ("" shared): the partner's id
    std::string body;
    std::string content_type;  // empty: no Content-Type header
    std::vector<std::pair<std::string, std::string>> headers;
    std::int64_t timeout_ms = 10'000;  // the whole transfer, once started
    std::int64_t connect_timeout_ms = 3'000;
  };

  enum class Failure {
    none,       // a 2xx arrived
    status,     // the endpoint answered, not 2xx and not 3xx
    redirect,   // a 3xx: not followed
    timeout,    // timeout_ms (or connect_timeout_ms) ran out
    connect,    // refused, unreachable or not resolved
    tls,        // handshake or certificate verification failed
    transport,  // anything else on the wire (reset, empty reply, ...)
    rejected,   // the request itself is unusable (URL, scheme, header)
    shutdown,   // the poster stopped first
  };

  struct Outcome {
    Failure failure = Failure::none;
    int http_status = 0;      // 0 if no status line arrived
    std::string error;        // empty when ok(); never a body or header value
    std::int64_t elapsed_ms = 0;  // from the transfer's start (queueing excluded)
    bool redirected = false;  // the endpoint answered 3xx
    bool ok() const { return failure == Failure::none; }
  };

  using Callback = std::function<void(Outcome)>;

  explicit HttpPoster(Settings settings);
  ~HttpPoster();  // stop()
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Thread-safe, returns at once. true: `done` will run exactly once, on the
  // poster's thread. false: the poster is stopped; `done` never runs.
  [[nodiscard]] bool submit(Request request, Callback done);

  // Aborts what is in flight, fails what is queued (Failure::shutdown) and
  // joins the thread. Idempotent. From a callback it only asks the thread to
  // stop (it cannot join itself).
  void stop();

 private:
  struct Impl;  // keeps <curl/curl.h> out of this header
  std::unique_ptr<Impl> impl_;
};

const char* to_string(HttpPoster::Failure f);

}  // namespace gateway::forwarding
