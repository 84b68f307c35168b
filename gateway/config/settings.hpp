// Every setting of the gateway, with its default. Values come from a JSON
// config file, CAREBRIDGE_* environment variables and command-line flags,
// in that order of increasing precedence (settings_loader.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gateway {

// A client system declared in the config file ("clients": [...]). At each
// start the store's registry is brought in line with it (added, or its
// role, organization, scopes, keys and Part 2 flag replaced); a revoked
// client stays revoked.
struct ConfiguredClient {
  std::string id;
  std::string role;
  std::string organization;  // "Organization/ID"
  std::string scopes;        // empty: what the role allows
  std::string jwks_file;     // its public keys; empty: none yet
  bool part2_program = false;
  // Where its Subscriptions may deliver (client add --endpoint-prefix).
  std::vector<std::string> endpoint_prefixes;
};

struct Settings {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 binds a free one
  std::string db_path;                    // the SQLite store file
  // The audit trail's own SQLite file and its Ed25519 checkpoint key;
  // empty: <db>.audit.db and <audit db>.key.pem (generated, 0600).
  std::string audit_db;
  std::string audit_key_file;
  std::string base_url;      // public base URL; empty: http://<bound address>
  std::string share_dir;     // spec definitions and code tables; empty: beside the binary
  // PKCS#8 PEM key the gateway signs access tokens with; empty: generated
  // on first start beside the store (<db>.signing-key.pem, mode 0600).
  std::string signing_key_file;
  int io_threads = 2;        // threads running sockets and the request chain
  int storage_threads = 4;   // threads (and SQLite reader connections) for storage work
  std::size_t body_limit = 32u << 20;   // bytes; larger bodies get 413
  std::size_t header_limit = 16u << 10; // bytes of request line and headers
  int idle_timeout_ms = 60000;     // keep-alive: wait for the next request
  int request_timeout_ms = 30000;  // to receive a whole request once it began
  int write_timeout_ms = 30000;    // to send a response
  int shutdown_grace_ms = 10000;   // in-flight requests get this long on SIGTERM
  std::size_t read_cache_mb = 64;  // current versions served from memory; 0 disables
  int change_poll_ms = 10;  // how soon other processes' writes reach the read cache
  // How often the time-based care flags (no contact for 30 days, ...) are
  // re-evaluated for every patient; 0: only when data arrives.
  int flag_sweep_seconds = 3600;
  // 0: care flags are not kept (no Flag written, no sweep): for measuring
  // what keeping them costs only; the gateway warns at start.
  int care_flags = 1;
  // Forwarding (issue 10): how soon a queued notification is noticed; how
  // many events one notification carries at most; retries back off from
  // forward_retry_base_ms, doubling up to forward_retry_max_ms, and after
  // forward_error_after failures in a row the subscription is in error;
  // each POST's time limits; transfers at once per endpoint host and in
  // all; the CA bundle partners' TLS certificates are checked against
  // (empty: the system's; verification is always on).
  int forward_poll_ms = 10;
  int max_subscriptions_per_client = 100;  // each costs a match per write of its type
  int forward_max_events = 20;
  int forward_retry_base_ms = 1000;
  int forward_retry_max_ms = 300000;
  int forward_error_after = 10;
  int forward_timeout_ms = 10000;
  int forward_connect_timeout_ms = 3000;
  int forward_per_endpoint = 4;
  int forward_total = 64;
  std::string forward_ca_bundle;
  int history_default_count = 50;
  int history_max_count = 1000;
  int search_default_count = 20;
  int search_max_count = 1000;
  int search_max_results = 100000;  // a search's matches beyond this are not paged to
  std::size_t search_cursor_ids = 1000000;  // ids held for paging links, all searches together
  int access_token_seconds = 300;  // lifetime of issued access tokens (SMART recommends 5 minutes)
  std::size_t token_cache_entries = 100000;  // verified access tokens remembered
  // Signature checks of tokens not seen before, per second (twice that as
  // a burst): what forged tokens can make the gateway spend. Past it,
  // unknown tokens get 503 while cached ones are served.
  int token_verifications_per_second = 1000;
  // Consent enforcement on every path out: 1 (always, in production); 0
  // only to measure what enforcement costs (bench), announced at start.
  int consent_enforcement = 1;
  // The audit trail: 1 (always, in production: nothing is disclosed
  // unrecorded); 0 only to measure what auditing costs (bench), announced
  // at start.
  int audit = 1;
  std::vector<ConfiguredClient> clients;      // from the config file only
};

}  // namespace gateway
