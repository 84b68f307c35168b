#include "fhir/store/sqlite_write_txn.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_queries.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace fhir::store {
namespace {

constexpr std::string_view kHeadVersionSql =
    "SELECT version FROM resource_head WHERE type = ?1 AND id = ?2";
constexpr std::string_view kInsertVersionSql =
    "INSERT INTO resource_version (type, id, version, last_updated_ms, deleted, method, json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kUpsertHeadSql =
    "INSERT INTO resource_head (type, id, version, seq) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, seq = excluded.seq";
// A version listing a patient twice is recorded once.
constexpr std::string_view kInsertCompartmentSql =
    "INSERT OR IGNORE INTO version_compartment (seq, patient_id) VALUES (?1, ?2)";

constexpr std::string_view kDeleteTokensSql = "DELETE FROM search_token WHERE type = ?1 AND id = ?2";
constexpr std::string_view kInsertTokenSql =
    "INSERT INTO search_token (type, id, param, system, code) VALUES (?1, ?2, ?3, ?4, ?5)";

// One EXISTS clause per query, each binding ?param, and system/code only
// when given. Built from fixed fragments; values are always bound.
std::string find_sql(const std::vector<TokenQuery>& all_of) {
  std::string sql = "SELECT h.id FROM resource_head h JOIN resource_version v ON v.seq = h.seq"
                    " WHERE h.type = ? AND v.deleted = 0";
  for (const TokenQuery& q : all_of) {
    sql += " AND EXISTS (SELECT 1 FROM search_token t WHERE t.type = h.type AND t.id = h.id"
           " AND t.param = ?";
    if (q.code) sql += " AND t.code = ?";
    if (q.system) sql += " AND t.system = ?";
    sql += ")";
  }
  sql += " ORDER BY h.id LIMIT ?";
  return sql;
}

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

Result<std::int64_t> SqliteWriteTxn::append(const NewVersion& v) {
  if (auto st = check_shape(v); !st) return st.take_issue();
  auto current = head_version(conn_, v.type, v.id);
  if (!current) return current.take_issue();
  if (v.version != *current + 1)
    return make_issue(err::kVersionConflict,
                      "Version " + std::to_string(v.version) + " does not follow the current version " +
                          std::to_string(*current));

  auto savepoint = Savepoint::begin(conn_, kAppendSavepoint);
  if (!savepoint) return savepoint.take_issue();
  std::int64_t seq = 0;
  if (auto st = insert(v, seq); !st) return st.take_issue();  // the savepoint rolls back
  if (auto st = savepoint->release(); !st) return st.take_issue();
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
    auto stmt = conn_.prepare(kUpsertHeadSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, v.type).bind(2, v.id).bind(3, v.version).bind(4, seq);
    if (auto st = stmt->run(); !st) return st;
  }
  {
    auto stmt = conn_.prepare(kDeleteTokensSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, v.type).bind(2, v.id);
    if (auto st = stmt->run(); !st) return st;
  }
  for (const TokenEntry& t : v.tokens) {
    auto stmt = conn_.prepare(kInsertTokenSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, v.type).bind(2, v.id).bind(3, t.param).bind(4, t.system).bind(5, t.code);
    if (auto st = stmt->run(); !st) return st;
  }
  for (const std::string& patient : v.patient_compartment) {
    auto stmt = conn_.prepare(kInsertCompartmentSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, seq).bind(2, patient);
    if (auto st = stmt->run(); !st) return st;
  }
  return ok_status();
}

Result<std::vector<std::string>> SqliteWriteTxn::find(std::string_view type,
                                                      const std::vector<TokenQuery>& all_of,
                                                      int limit) {
  auto stmt = conn_.prepare(find_sql(all_of));
  if (!stmt) return stmt.take_issue();
  int i = 1;
  stmt->bind(i++, type);
  for (const TokenQuery& q : all_of) {
    stmt->bind(i++, q.param);
    if (q.code) stmt->bind(i++, *q.code);
    if (q.system) stmt->bind(i++, *q.system);
  }
  stmt->bind(i, std::int64_t{limit});
  std::vector<std::string> ids;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return ids;
    ids.push_back(stmt->text(0));
  }
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

}  // namespace fhir::store
