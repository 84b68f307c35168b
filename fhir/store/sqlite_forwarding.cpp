#include "fhir/store/sqlite_forwarding.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {
namespace {

#define CAREBRIDGE_STATE_COLUMNS                                                                         \
  "id, client_id, purpose, status, criteria_type, events, failures, next_attempt_ms, last_success_ms," \
  " last_error, last_error_ms, updated_ms, user_id, end_ms"

SubscriptionState read_state(const Stmt& s) {
  SubscriptionState st;
  st.id = s.text(0);
  st.client_id = s.text(1);
  st.purpose = s.text(2);
  st.status = s.text(3);
  st.criteria_type = s.text(4);
  st.events = s.int64(5);
  st.failures = s.int64(6);
  st.next_attempt_ms = s.int64(7);
  st.last_success_ms = s.int64(8);
  st.last_error = s.text(9);
  st.last_error_ms = s.int64(10);
  st.updated_ms = s.int64(11);
  st.user_id = s.text(12);
  st.end_ms = s.int64(13);
  return st;
}

// store.hpp kSubscriptionGenerationMeta, spelled for SQL text.
#define CAREBRIDGE_SUBSCRIPTION_GENERATION "subscription_generation"
static_assert(kSubscriptionGenerationMeta == CAREBRIDGE_SUBSCRIPTION_GENERATION);

// Random, not a counter: a change rolled back and another one made after
// it never share a value.
Status move_generation(Connection& conn) {
  auto stmt = conn.prepare("INSERT INTO store_meta (key, value) VALUES ('" CAREBRIDGE_SUBSCRIPTION_GENERATION
                           "', lower(hex(randomblob(8)))) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!stmt) return stmt.take_issue();
  return stmt->run();
}

bool known_status(std::string_view s) {
  return s == "requested" || s == "active" || s == "error" || s == "off";
}

}  // namespace

Result<std::optional<SubscriptionState>> query_subscription_state(Connection& conn, std::string_view id) {
  auto stmt = conn.prepare("SELECT " CAREBRIDGE_STATE_COLUMNS " FROM subscription_state WHERE id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<SubscriptionState>();
  return std::optional<SubscriptionState>(read_state(*stmt));
}

Result<std::vector<SubscriptionState>> query_subscription_states(Connection& conn) {
  // Whether each has a queue: one seek on the outbox key per subscription.
  auto stmt = conn.prepare("SELECT " CAREBRIDGE_STATE_COLUMNS
                           ", EXISTS (SELECT 1 FROM forward_outbox o WHERE o.subscription_id = s.id)"
                           " FROM subscription_state s ORDER BY id");
  if (!stmt) return stmt.take_issue();
  std::vector<SubscriptionState> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return out;
    out.push_back(read_state(*stmt));
    out.back().queued = stmt->int64(14) != 0;
  }
}

Status upsert_subscription_state(Connection& conn, const SubscriptionState& s, StateChange change) {
  if (s.id.empty() || s.client_id.empty())
    return make_issue(err::kInvalidValue, "A subscription's state needs its id and its client");
  if (!known_status(s.status))
    return make_issue(err::kInvalidValue, "A subscription's status is requested, active, error or off");
  auto stmt = conn.prepare("INSERT OR REPLACE INTO subscription_state (" CAREBRIDGE_STATE_COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, s.id).bind(2, s.client_id).bind(3, s.purpose).bind(4, s.status).bind(5, s.criteria_type);
  stmt->bind(6, s.events).bind(7, s.failures).bind(8, s.next_attempt_ms).bind(9, s.last_success_ms);
  stmt->bind(10, s.last_error).bind(11, s.last_error_ms).bind(12, s.updated_ms).bind(13, s.user_id);
  stmt->bind(14, s.end_ms);
  if (auto st = stmt->run(); !st) return st;
  if (change == StateChange::delivery) return ok_status();
  return move_generation(conn);
}

Status delete_subscription_state(Connection& conn, std::string_view id) {
  auto queued = conn.prepare("DELETE FROM forward_outbox WHERE subscription_id = ?1");
  if (!queued) return queued.take_issue();
  queued->bind(1, id);
  if (auto st = queued->run(); !st) return st;
  auto stmt = conn.prepare("DELETE FROM subscription_state WHERE id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, id);
  if (auto st = stmt->run(); !st) return st;
  return move_generation(conn);
}

Status insert_outbox(Connection& conn, const OutboxItem& item) {
  auto stmt = conn.prepare(
      "INSERT INTO forward_outbox (subscription_id, seq, type, id, version, queued_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, item.subscription_id).bind(2, item.seq).bind(3, item.type).bind(4, item.id);
  stmt->bind(5, item.version).bind(6, item.queued_ms);
  return stmt->run();
}

Result<std::int64_t> delete_outbox(Connection& conn, std::string_view subscription_id, std::int64_t up_to_seq) {
  auto stmt = conn.prepare("DELETE FROM forward_outbox WHERE subscription_id = ?1 AND seq <= ?2 RETURNING 1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, subscription_id).bind(2, up_to_seq);
  std::int64_t n = 0;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return n;
    ++n;
  }
}

Result<std::vector<OutboxItem>> query_outbox(Connection& conn, std::string_view subscription_id, int limit,
                                             std::int64_t after_seq) {
  auto stmt = conn.prepare(
      "SELECT subscription_id, seq, type, id, version, queued_ms FROM forward_outbox"
      " WHERE subscription_id = ?1 AND seq > ?3 ORDER BY seq LIMIT ?2");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, subscription_id).bind(2, std::int64_t{limit}).bind(3, after_seq);
  std::vector<OutboxItem> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return out;
    OutboxItem item;
    item.subscription_id = stmt->text(0);
    item.seq = stmt->int64(1);
    item.type = stmt->text(2);
    item.id = stmt->text(3);
    item.version = stmt->int64(4);
    item.queued_ms = stmt->int64(5);
    out.push_back(std::move(item));
  }
}

Result<std::int64_t> count_outbox(Connection& conn, std::string_view subscription_id) {
  auto stmt = conn.prepare("SELECT count(*) FROM forward_outbox WHERE subscription_id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, subscription_id);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  return *row ? stmt->int64(0) : std::int64_t{0};
}

}  // namespace fhir::store
