#include "fhir/store/sqlite_migrations.hpp"

#include <array>
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_error.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace fhir::store {
namespace {

// PRAGMA application_id, so a SQLite file of some other program (whose
// user_version means something else) is refused rather than "migrated".
constexpr std::int64_t kApplicationId = 0x43427267;  // "CBrg"

// Step 1: the version log. Every version is one row of resource_version,
// and seq (AUTOINCREMENT, so never reused even after a delete) is the
// global commit order. resource_head is the FHIR read hot path: one
// primary-key lookup, then one rowid lookup. STRICT: a value of the wrong
// type is an error, not a silent conversion.
constexpr std::string_view kVersionLog = R"sql(
CREATE TABLE resource_version (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  type            TEXT    NOT NULL,
  id              TEXT    NOT NULL,
  version         INTEGER NOT NULL CHECK (version >= 1),
  last_updated_ms INTEGER NOT NULL,
  deleted         INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  method          TEXT    NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
  json            TEXT    NOT NULL,
  CHECK ((deleted = 1) = (json = ''))
) STRICT;

-- read_version and instance history (a resource's versions rise with seq,
-- so version order is seq order).
CREATE UNIQUE INDEX resource_version_by_instance ON resource_version (type, id, version);
-- type-level history, newest first, and its page cursor.
CREATE INDEX resource_version_by_type ON resource_version (type, seq);
-- _since at system and type level; also the writer's max(last_updated_ms).
CREATE INDEX resource_version_by_time ON resource_version (last_updated_ms);
CREATE INDEX resource_version_by_type_time ON resource_version (type, last_updated_ms);

CREATE TABLE resource_head (
  type    TEXT    NOT NULL,
  id      TEXT    NOT NULL,
  version INTEGER NOT NULL,
  seq     INTEGER NOT NULL REFERENCES resource_version (seq),
  PRIMARY KEY (type, id)
) STRICT, WITHOUT ROWID;

-- R4 CompartmentDefinition-patient membership of each version, for
-- Patient/[id]/* and consent checks.
CREATE TABLE version_compartment (
  seq        INTEGER NOT NULL REFERENCES resource_version (seq),
  patient_id TEXT    NOT NULL,
  PRIMARY KEY (seq, patient_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX version_compartment_by_patient ON version_compartment (patient_id, seq);
)sql";

// Step 2: token search index of current versions (identifier now; the
// search issue adds every token parameter). Rows are replaced with the head.
constexpr std::string_view kTokenIndex = R"sql(
CREATE TABLE search_token (
  type   TEXT NOT NULL,
  id     TEXT NOT NULL,
  param  TEXT NOT NULL,
  system TEXT NOT NULL,
  code   TEXT NOT NULL
) STRICT;
CREATE INDEX search_token_by_code ON search_token (type, param, code, system);
CREATE INDEX search_token_by_resource ON search_token (type, id);
)sql";

// Step 3: the search index of current versions, every R4 search parameter
// (fhir/search extracts the rows), one table per value type. Each table is
// WITHOUT ROWID with one key: (type, param, the value columns a lookup
// names exactly, id, the rest). One b-tree insert per row keeps ingest
// fast; the id right after the exact columns makes "does this resource
// have this value" one seek, so criteria after the first one cost a probe
// per candidate, not a scan. Dates and numbers have no exact column: they
// are keyed by id, and a search always has a cheaper driver or scans the
// parameter's rows (search_sql.cpp). There is no by-resource index: an
// update removes its old rows by their keys, re-extracted from the version
// it replaces. _id and _lastUpdated are served by resource_head and
// resource_version. store_meta records which extraction filled the index
// (a changed one reindexes at start).
constexpr std::string_view kSearchIndex = R"sql(
DROP TABLE search_token;
CREATE TABLE store_meta (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_token (
  type TEXT NOT NULL, param TEXT NOT NULL, code TEXT NOT NULL, id TEXT NOT NULL,
  system TEXT NOT NULL,
  PRIMARY KEY (type, param, code, id, system)
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_string (
  type TEXT NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
  raw TEXT NOT NULL,
  PRIMARY KEY (type, param, value, id, raw)
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_reference (
  type TEXT NOT NULL, param TEXT NOT NULL, target TEXT NOT NULL, id TEXT NOT NULL,
  target_type TEXT NOT NULL,
  PRIMARY KEY (type, param, target, id, target_type)
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_uri (
  type TEXT NOT NULL, param TEXT NOT NULL, uri TEXT NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY (type, param, uri, id)
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_date (
  type TEXT NOT NULL, param TEXT NOT NULL, id TEXT NOT NULL,
  low INTEGER NOT NULL, high INTEGER NOT NULL,
  PRIMARY KEY (type, param, id, low, high)
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_quantity (
  type TEXT NOT NULL, param TEXT NOT NULL, code TEXT NOT NULL, id TEXT NOT NULL,
  system TEXT NOT NULL, unit TEXT NOT NULL, low REAL NOT NULL, high REAL NOT NULL,
  PRIMARY KEY (type, param, code, id, system, unit, low, high)
) STRICT, WITHOUT ROWID;
CREATE TABLE ix_composite (
  type TEXT NOT NULL, param TEXT NOT NULL, code1 TEXT NOT NULL, id TEXT NOT NULL,
  system1 TEXT NOT NULL, system2 TEXT NOT NULL, code2 TEXT NOT NULL,
  low2 REAL NOT NULL, high2 REAL NOT NULL, low3 REAL NOT NULL, high3 REAL NOT NULL,
  PRIMARY KEY (type, param, code1, id, system1, system2, code2, low2, high2, low3, high3)
) STRICT, WITHOUT ROWID;
)sql";

// Step 4: the registry of client systems (SMART Backend Services). A
// revoked client keeps its row (revoked_ms set): its id is never reused,
// so audit records naming it stay unambiguous.
constexpr std::string_view kClients = R"sql(
CREATE TABLE client (
  id            TEXT    NOT NULL PRIMARY KEY,
  role          TEXT    NOT NULL,
  organization  TEXT    NOT NULL,
  scopes        TEXT    NOT NULL,
  jwks          TEXT    NOT NULL,
  part2_program INTEGER NOT NULL CHECK (part2_program IN (0, 1)),
  created_ms    INTEGER NOT NULL,
  revoked_ms    INTEGER
) STRICT, WITHOUT ROWID;
)sql";

// Step 5: client assertion ids already used (SMART Backend Services: a
// jti is never accepted twice from one client). Rows are needed only until
// the assertion would have expired anyway; each claim clears expired rows.
constexpr std::string_view kAssertionIds = R"sql(
CREATE TABLE assertion_jti (
  client_id  TEXT    NOT NULL,
  jti        TEXT    NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
) STRICT, WITHOUT ROWID;
CREATE INDEX assertion_jti_expiry ON assertion_jti (expires_ms);
)sql";

// Step 6: the security labels of each version (consent/labels), beside its
// JSON and never in it, so labeling makes no new version; with the rules
// version that made them (relabeling) and the version's patients, which
// consent decisions read row by row inside queries. A table of its own
// keeps these short rows out of the JSON's overflow pages (history reads
// it); the head row repeats the current version's, so a search decides on
// the row it reads anyway, without one more b-tree descent per candidate.
constexpr std::string_view kVersionLabels = R"sql(
CREATE TABLE version_label (
  seq        INTEGER PRIMARY KEY REFERENCES resource_version (seq),
  label_key  TEXT    NOT NULL,
  patients   TEXT    NOT NULL,
  rules      TEXT    NOT NULL
) STRICT;
ALTER TABLE resource_head ADD COLUMN label_key TEXT NOT NULL DEFAULT '';
ALTER TABLE resource_head ADD COLUMN patients TEXT NOT NULL DEFAULT '';
)sql";

// Step 7: links between Patient records of one person (issue 9), with the
// evidence that made them, beside the records and never in them: linking
// makes no new version of a source's Patient. One row per unordered pair,
// a < b, so a lookup by either id is a primary-key or index seek.
constexpr std::string_view kPatientLinks = R"sql(
CREATE TABLE patient_link (
  a             TEXT    NOT NULL,
  b             TEXT    NOT NULL,
  state         TEXT    NOT NULL CHECK (state IN ('linked', 'review', 'rejected')),
  score         REAL    NOT NULL,
  grade         TEXT    NOT NULL,
  evidence      TEXT    NOT NULL,
  decided_by    TEXT    NOT NULL,
  rules_version TEXT    NOT NULL,
  updated_ms    INTEGER NOT NULL,
  PRIMARY KEY (a, b),
  CHECK (a < b)
) STRICT, WITHOUT ROWID;
CREATE INDEX patient_link_by_b ON patient_link (b);
)sql";

// Step 8: the care model's facts (care_fact.hpp), beside head versions
// like the search index: the rows of a resource's current version, replaced
// in the commit that replaces it. n numbers a resource's facts. Keyed by
// patient, so a person's facts (and everyone's, for the registry) are one
// range scan; each row repeats its source head's version, labels and
// patients (kept in step by relabeling, as resource_head's are), so who may
// see a fact is decided on the row itself, without a lookup per fact.
constexpr std::string_view kCareFacts = R"sql(
CREATE TABLE care_fact (
  patient   TEXT    NOT NULL,
  type      TEXT    NOT NULL,
  id        TEXT    NOT NULL,
  n         INTEGER NOT NULL,
  kind      TEXT    NOT NULL,
  code      TEXT    NOT NULL,
  at_ms     INTEGER NOT NULL,
  end_ms    INTEGER NOT NULL,
  value     REAL,
  detail    TEXT    NOT NULL,
  source    TEXT    NOT NULL,
  version   INTEGER NOT NULL,
  label_key TEXT    NOT NULL,
  patients  TEXT    NOT NULL,
  PRIMARY KEY (patient, type, id, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX care_fact_by_resource ON care_fact (type, id);
)sql";

// Step 9: the endpoints a client may have the gateway send to (issue 10,
// forwarding): URL prefixes, each in the normalised form
// gateway/forwarding/endpoint_url.hpp gives it, so equal prefixes are
// equal text and the key refuses a repeat. A table of their own, not a
// column of client: a client has any number, and one is added or removed
// without rewriting the others. Written with the client row, in the same
// transaction, and moving client_generation like every registry change.
constexpr std::string_view kClientEndpoints = R"sql(
CREATE TABLE client_endpoint (
  client_id TEXT NOT NULL REFERENCES client (id),
  prefix    TEXT NOT NULL,
  PRIMARY KEY (client_id, prefix)
) STRICT, WITHOUT ROWID;
)sql";

// Step 10: forwarding (forwarding_rows.hpp): each Subscription's delivery
// state, and the outbox. An outbox row is written in the commit of the
// version that matched, so an acknowledged write's notification survives a
// crash; keyed by (subscription, seq), so a subscription's queue is one
// range scan in commit order and a version is queued for it at most once.
constexpr std::string_view kForwarding = R"sql(
CREATE TABLE subscription_state (
  id              TEXT    PRIMARY KEY,
  client_id       TEXT    NOT NULL,
  purpose         TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('requested', 'active', 'error', 'off')),
  criteria_type   TEXT    NOT NULL,
  events          INTEGER NOT NULL,
  failures        INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_success_ms INTEGER NOT NULL,
  last_error      TEXT    NOT NULL,
  last_error_ms   INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE forward_outbox (
  subscription_id TEXT    NOT NULL,
  seq             INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  id              TEXT    NOT NULL,
  version         INTEGER NOT NULL,
  queued_ms       INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, seq)
) STRICT, WITHOUT ROWID;
)sql";

// Step 11: the acting user of the token that last wrote a Subscription, so
// its deliveries are decided for that user too (a consent may name one).
constexpr std::string_view kSubscriptionUser = R"sql(
ALTER TABLE subscription_state ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
)sql";

// Step 12: Subscription.end, so the delivery worker turns a subscription
// off at its end without waiting for something to deliver. Rows written
// before it say 0 (none) until their Subscription is written again; their
// end is still checked before every delivery.
constexpr std::string_view kSubscriptionEnd = R"sql(
ALTER TABLE subscription_state ADD COLUMN end_ms INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array kSteps{
    Migration{1, kVersionLog},
    Migration{2, kTokenIndex},
    Migration{3, kSearchIndex},
    Migration{4, kClients},
    Migration{5, kAssertionIds},
    Migration{6, kVersionLabels},
    Migration{7, kPatientLinks},
    Migration{8, kCareFacts},
    Migration{9, kClientEndpoints},
    Migration{10, kForwarding},
    Migration{11, kSubscriptionUser},
    Migration{12, kSubscriptionEnd},
};

struct SchemaStamp {
  std::int64_t version = 0;
  std::int64_t application_id = 0;
};

Result<std::int64_t> read_pragma(Connection& conn, std::string_view sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return storage_issue("pragma returned no row");
  return stmt->int64(0);
}

Result<SchemaStamp> read_stamp(Connection& conn) {
  SchemaStamp s;
  auto version = read_pragma(conn, "PRAGMA user_version");
  if (!version) return version.take_issue();
  s.version = *version;
  auto app = read_pragma(conn, "PRAGMA application_id");
  if (!app) return app.take_issue();
  s.application_id = *app;
  return s;
}

Status check_stamp(const SchemaStamp& s, std::span<const Migration> steps) {
  const std::int64_t latest = steps.empty() ? 0 : steps.back().version;
  if (s.application_id != 0 && s.application_id != kApplicationId)
    return make_issue(err::kStorage, "The store file belongs to another application");
  if (s.version > latest)
    return make_issue(err::kStorage, "The store file has schema version " +
                                         std::to_string(s.version) +
                                         ", newer than this build supports (" +
                                         std::to_string(latest) + "); upgrade CareBridge");
  return ok_status();
}

Status check_order(std::span<const Migration> steps) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].version != static_cast<int>(i) + 1)
      return make_issue(err::kInternal, "Store migrations are out of order");
  return ok_status();
}

}  // namespace

std::span<const Migration> store_migrations() { return kSteps; }

Status check_schema(Connection& conn, std::span<const Migration> steps) {
  if (auto st = check_order(steps); !st) return st;
  auto stamp = read_stamp(conn);
  if (!stamp) return stamp.take_issue();
  return check_stamp(*stamp, steps);
}

Result<int> migrate(Connection& conn, std::span<const Migration> steps) {
  if (auto st = check_order(steps); !st) return st.take_issue();
  int applied = 0;
  for (;;) {
    auto txn = Transaction::begin(conn, Transaction::Kind::immediate);
    if (!txn) return txn.take_issue();
    // Read under the write lock: another process may have migrated since.
    auto stamp = read_stamp(conn);
    if (!stamp) return stamp.take_issue();
    if (auto st = check_stamp(*stamp, steps); !st) return st.take_issue();
    const auto next = static_cast<std::size_t>(stamp->version);
    if (next == steps.size()) {
      if (auto st = txn->commit(); !st) return st.take_issue();
      return applied;
    }
    if (auto st = conn.exec(steps[next].sql); !st) return st.take_issue();
    // PRAGMA takes no bound parameters; both numbers are our own constants.
    std::string stamp_sql = "PRAGMA user_version = " + std::to_string(steps[next].version);
    if (stamp->application_id == 0)
      stamp_sql += "; PRAGMA application_id = " + std::to_string(kApplicationId);
    if (auto st = conn.exec(stamp_sql); !st) return st.take_issue();
    if (auto st = txn->commit(); !st) return st.take_issue();
    ++applied;
  }
}

}  // namespace fhir::store
