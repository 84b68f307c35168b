#include "fhir/store/sqlite_write_txn.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_care_facts.hpp"
#include "fhir/store/sqlite_forwarding.hpp"
#include "fhir/store/sqlite_clients.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_index_writer.hpp"
#include "fhir/store/sqlite_patient_links.hpp"
#include "fhir/store/sqlite_queries.hpp"
#include "fhir/store/sqlite_search.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace fhir::store {
namespace {

constexpr std::string_view kHeadVersionSql =
    "SELECT version FROM resource_head WHERE type = ?1 AND id = ?2";
constexpr std::string_view kInsertVersionSql =
    "INSERT INTO resource_version (type, id, version, last_updated_ms, deleted, method, json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
// The head repeats its version's labels (written just before it).
constexpr std::string_view kUpsertHeadSql =
    "INSERT INTO resource_head (type, id, version, seq, label_key, patients)"
    " SELECT ?1, ?2, ?3, ?4, coalesce(l.label_key, ''), coalesce(l.patients, '')"
    " FROM (SELECT 1) LEFT JOIN version_label l ON l.seq = ?4 WHERE true"
    " ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, seq = excluded.seq,"
    " label_key = excluded.label_key, patients = excluded.patients";
// Relabeling: the head's copy, when the version relabeled is the head.
constexpr std::string_view kSyncHeadLabelSql =
    "UPDATE resource_head SET label_key = l.label_key, patients = l.patients FROM version_label l"
    " WHERE l.seq = ?1 AND resource_head.type = ?2 AND resource_head.id = ?3 AND resource_head.seq = ?1";
// A version listing a patient twice is recorded once.
constexpr std::string_view kInsertCompartmentSql =
    "INSERT OR IGNORE INTO version_compartment (seq, patient_id) VALUES (?1, ?2)";

// A live version's labels, from the labeling stage.
constexpr std::string_view kInsertLabelSql =
    "INSERT INTO version_label (seq, label_key, patients, rules) VALUES (?1, ?2, ?3, ?4)";
// A delete keeps the labels of the version it deletes, so a withheld
// resource's deletion is withheld from history too. Runs before the head
// moves to the new seq.
constexpr std::string_view kCopyLabelSql =
    "INSERT INTO version_label (seq, label_key, patients, rules)"
    " SELECT ?1, l.label_key, l.patients, l.rules FROM resource_head h"
    " JOIN version_label l ON l.seq = h.seq WHERE h.type = ?2 AND h.id = ?3";
constexpr std::string_view kHeadLabelSql =
    "SELECT h.label_key FROM resource_head h JOIN resource_version v ON v.seq = h.seq"
    " WHERE h.type = ?1 AND h.id = ?2 AND v.deleted = 0";
constexpr std::string_view kSetLabelSql =
    "INSERT INTO version_label (seq, label_key, patients, rules)"
    " SELECT ?1, ?2, coalesce((SELECT group_concat(patient_id, ' ') FROM version_compartment"
    " WHERE seq = ?1), ''), ?3"
    " ON CONFLICT (seq) DO UPDATE SET label_key = excluded.label_key, rules = excluded.rules";
// Relabeling a delete: the labels of the version before it.
constexpr std::string_view kCarryLabelSql =
    "INSERT INTO version_label (seq, label_key, patients, rules)"
    " SELECT ?1, l.label_key, l.patients, l.rules FROM resource_version p"
    " JOIN version_label l ON l.seq = p.seq WHERE p.type = ?2 AND p.id = ?3 AND p.version = ?4"
    " ON CONFLICT (seq) DO UPDATE SET label_key = excluded.label_key, patients = excluded.patients,"
    " rules = excluded.rules";

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ' ';
    out += id;
  }
  return out;
}

constexpr std::string_view kSetMetaSql =
    "INSERT INTO store_meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

bool known_method(std::string_view m) {
  return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
}

// A malformed NewVersion is a bug in the caller, not in the client's data.
Status check_shape(const NewVersion& v) {
  if (v.type.empty() || v.id.empty())
    return make_issue(err::kInternal, "A stored version needs a type and an id");
  if (!known_method(v.method))
    return make_issue(err::kInternal, "A stored version needs a known method");
  if (v.deleted != v.json.empty())
    return make_issue(err::kInternal, "A deleted version has no body and only a deleted one");
  return ok_status();
}

Result<std::int64_t> head_version(Connection& conn, std::string_view type, std::string_view id) {
  auto stmt = conn.prepare(kHeadVersionSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  return *row ? stmt->int64(0) : 0;
}

}  // namespace

Result<std::optional<VersionRecord>> SqliteWriteTxn::head(std::string_view type,
                                                          std::string_view id) {
  return query_head(conn_, type, id);
}

Result<std::optional<VersionRecord>> SqliteWriteTxn::version(std::string_view type, std::string_view id,
                                                             std::int64_t version) {
  return query_version(conn_, type, id, version);
}

Result<std::int64_t> SqliteWriteTxn::append(const NewVersion& v) {
  if (auto st = check_shape(v); !st) return st.take_issue();
  auto current = head_version(conn_, v.type, v.id);
  if (!current) return current.take_issue();
  if (v.version != *current + 1)
    return make_issue(err::kVersionConflict,
                      "Version " + std::to_string(v.version) + " does not follow the current version " +
                          std::to_string(*current));

  std::int64_t seq = 0;
  if (auto st = insert(v, seq); !st) {
    // Half a version may be written: the writer rolls the whole unit back,
    // even if the unit ignores this failure (cheaper than a savepoint per
    // append, which cost ~10% of ingest).
    append_failed_ = true;
    return st.take_issue();
  }
  if (high_water_ms_) high_water_ms_ = std::max(*high_water_ms_, v.last_updated_ms);
  return seq;
}

Status SqliteWriteTxn::insert(const NewVersion& v, std::int64_t& seq) {
  {
    auto stmt = conn_.prepare(kInsertVersionSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, v.type).bind(2, v.id).bind(3, v.version).bind(4, v.last_updated_ms);
    stmt->bind(5, std::int64_t{v.deleted ? 1 : 0}).bind(6, v.method).bind(7, v.json);
    if (auto st = stmt->run(); !st) return st;
    seq = sqlite3_last_insert_rowid(conn_.handle());
  }
  {
    auto stmt = conn_.prepare(v.deleted ? kCopyLabelSql : kInsertLabelSql);
    if (!stmt) return stmt.take_issue();
    // Bound without a copy: it must outlive the statement's run.
    const std::string patients = joined(v.patient_compartment);
    if (v.deleted)
      stmt->bind(1, seq).bind(2, v.type).bind(3, v.id);
    else
      stmt->bind(1, seq).bind(2, v.label_key).bind(3, patients).bind(4, v.label_rules);
    if (auto st = stmt->run(); !st) return st;
  }
  {
    auto stmt = conn_.prepare(kUpsertHeadSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, v.type).bind(2, v.id).bind(3, v.version).bind(4, seq);
    if (auto st = stmt->run(); !st) return st;
  }
  if (v.replaced_index) {
    if (auto st = write_index_rows(conn_, v.type, v.id, *v.replaced_index, IndexOp::remove); !st) return st;
  }
  if (v.index) {
    if (auto st = write_index_rows(conn_, v.type, v.id, *v.index, IndexOp::add); !st) return st;
  }
  for (const std::string& patient : v.patient_compartment) {
    auto stmt = conn_.prepare(kInsertCompartmentSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, seq).bind(2, patient);
    if (auto st = stmt->run(); !st) return st;
  }
  return ok_status();
}

Result<std::vector<VersionRecord>> SqliteWriteTxn::heads_after(std::string_view type, std::string_view id,
                                                               int limit) {
  return query_heads_after(conn_, type, id, limit);
}

Result<std::vector<SearchHit>> SqliteWriteTxn::search(const SearchSpec& spec) {
  return query_search(conn_, spec);
}

Result<std::string> SqliteWriteTxn::head_label_key(std::string_view type, std::string_view id) {
  auto stmt = conn_.prepare(kHeadLabelSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  return *row ? stmt->text(0) : std::string();
}

Result<std::vector<VersionRecord>> SqliteWriteTxn::versions_after(std::int64_t after, int limit) {
  return query_versions_after(conn_, after, limit);
}

Status SqliteWriteTxn::sync_head_labels(const VersionRecord& rec) {
  auto stmt = conn_.prepare(kSyncHeadLabelSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, rec.seq).bind(2, rec.type).bind(3, rec.id);
  if (auto st = stmt->run(); !st) return st;
  // The care facts repeat the head's labels (sqlite_migrations.cpp step 8).
  return sync_care_fact_labels(conn_, rec.type, rec.id);
}

Status SqliteWriteTxn::set_labels(const VersionRecord& rec, std::string_view label_key, std::string_view label_rules) {
  auto stmt = conn_.prepare(kSetLabelSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, rec.seq).bind(2, label_key).bind(3, label_rules);
  if (auto st = stmt->run(); !st) return st;
  return sync_head_labels(rec);
}

Status SqliteWriteTxn::carry_labels(const VersionRecord& deleted) {
  auto stmt = conn_.prepare(kCarryLabelSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, deleted.seq).bind(2, deleted.type).bind(3, deleted.id).bind(4, deleted.version - 1);
  if (auto st = stmt->run(); !st) return st;
  return sync_head_labels(deleted);
}

Status SqliteWriteTxn::clear_index() { return fhir::store::clear_index(conn_); }

Status SqliteWriteTxn::add_index(std::string_view type, std::string_view id, const search::IndexValues& rows) {
  return write_index_rows(conn_, type, id, rows, IndexOp::add);
}

Status SqliteWriteTxn::set_meta(std::string_view key, std::string_view value) {
  auto stmt = conn_.prepare(kSetMetaSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, key).bind(2, value);
  return stmt->run();
}

Result<std::optional<std::string>> SqliteWriteTxn::meta(std::string_view key) { return query_meta(conn_, key); }

Status SqliteWriteTxn::add_client(const ClientRecord& c) { return insert_client(conn_, c); }

Status SqliteWriteTxn::revoke_client(std::string_view id, std::int64_t now_ms) {
  return update_client_revoked(conn_, id, now_ms);
}

Status SqliteWriteTxn::put_client(const ClientRecord& c) { return upsert_client(conn_, c); }

Result<std::optional<PatientLink>> SqliteWriteTxn::patient_link(std::string_view a, std::string_view b) {
  return query_patient_link(conn_, a, b);
}

Result<bool> SqliteWriteTxn::put_patient_link(const PatientLink& link) { return upsert_patient_link(conn_, link); }

Result<bool> SqliteWriteTxn::remove_patient_link(std::string_view a, std::string_view b) {
  return delete_auto_patient_link(conn_, a, b);
}

Result<bool> SqliteWriteTxn::claim_assertion_id(std::string_view client_id, std::string_view jti,
                                                std::int64_t expires_ms, std::int64_t now_ms) {
  return fhir::store::claim_assertion_id(conn_, client_id, jti, expires_ms, now_ms);
}

Result<std::vector<std::string>> SqliteWriteTxn::replace_care_facts(std::string_view type, std::string_view id,
                                          const std::vector<CareFact>& facts) {
  return write_care_facts(conn_, type, id, facts);
}

Result<std::vector<CareFact>> SqliteWriteTxn::care_facts(const CareFactQuery& q) {
  CareFactQuery unfiltered = q;
  unfiltered.filter = nullptr;
  return query_care_facts(conn_, unfiltered);
}

Result<std::vector<std::string>> SqliteWriteTxn::care_patients(std::string_view after, int limit) {
  return query_care_patients(conn_, after, limit);
}

Result<std::vector<PatientLink>> SqliteWriteTxn::patient_links(const PatientLinkQuery& q) {
  return query_patient_links(conn_, q);
}

std::int64_t SqliteWriteTxn::now_ms() {
  std::int64_t now = clock_.now_ms();
  if (!high_water_ms_) {
    auto stored = query_max_last_updated(conn_);
    // The query failing means the transaction is in trouble and will fail
    // too; the clock alone is the best answer there is.
    high_water_ms_ = stored && stored->has_value() ? **stored : now;
  }
  now = std::max(now, *high_water_ms_);
  high_water_ms_ = now;
  return now;
}

Result<std::optional<SubscriptionState>> SqliteWriteTxn::subscription_state(std::string_view id) {
  return query_subscription_state(conn_, id);
}

Result<std::vector<SubscriptionState>> SqliteWriteTxn::subscription_states() {
  return query_subscription_states(conn_);
}

Status SqliteWriteTxn::put_subscription_state(const SubscriptionState& s, StateChange change) {
  return upsert_subscription_state(conn_, s, change);
}

Status SqliteWriteTxn::remove_subscription_state(std::string_view id) { return delete_subscription_state(conn_, id); }

Status SqliteWriteTxn::enqueue(const OutboxItem& item) { return insert_outbox(conn_, item); }

Result<std::int64_t> SqliteWriteTxn::dequeue(std::string_view subscription_id, std::int64_t up_to_seq) {
  return delete_outbox(conn_, subscription_id, up_to_seq);
}

}  // namespace fhir::store
